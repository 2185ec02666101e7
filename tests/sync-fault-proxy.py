#!/usr/bin/env python3
# sync-fault-proxy.py
#
# Copyright 2026 The Godwit developers
#
# SPDX-License-Identifier: GPL-3.0-or-later

"""An HTTP endpoint for test-sync-faults that relays a sync to its server
and fails chosen requests: sync-fault-proxy.py PORT LOG [RULE...].

Listens on a free port of 127.0.0.1, keeps connections alive, and relays
each request to the server on 127.0.0.1:PORT, except those a rule picks.
A rule is one argument, "METHOD PATH-PATTERN ORDINAL ACTION", such as
"POST /*/_bulk_docs 2 drop-after": the ORDINAL-th request (counting from
1) whose method is METHOD and whose path, without the query, matches the
glob PATH-PATTERN (fnmatch: "*" matches "/" too) gets ACTION instead:

  drop          the connection is closed before the request is relayed
  drop-after    the request is relayed, so the server applies it, then the
                connection is closed without an answer
  delay:SECONDS the request is relayed, and answered SECONDS later
  truncate      the request is relayed; the answer goes with its whole
                Content-Length but only the first half of its body, then
                the connection is closed
  doc-error     the request is relayed; in its answer, a _bulk_get's, the
                first document read is replaced by an error entry
  NNN           the request is answered with HTTP status NNN (500, 503,
                404, ...) and a CouchDB error body, {"error": "conflict"}
                for a 409, without being relayed

Every request counts for every rule it matches; the first rule whose
ORDINAL it is acts. Appends "METHOD PATH ACTION" (ACTION "relay" for the
others) to the file LOG as each request arrives, one line each.

Prints the port it listens on. Each line on its standard input then
replaces the rules, separated by ";" (an empty line: none), and starts
their counts again; it is answered with "ok" on the standard output, or
with what is wrong with a rule. Runs until its standard input ends: the
test that started it ended, however it ended.
"""

import fnmatch
import http.client
import http.server
import json
import os
import sys
import threading
import time
import urllib.parse

# Headers that belong to one connection, not to the request.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"}
# Headers of an answer the proxy writes itself.
OWN = {"content-length", "date", "server"}

# CouchDB's error names for the statuses a rule may answer with.
ERRORS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "file_exists",
    500: "unknown_error",
    501: "not_implemented",
    503: "service_unavailable",
}


class Rule:
    def __init__(self, text):
        words = text.split()
        if len(words) != 4:
            raise ValueError(f"'{text}': a rule is METHOD PATH-PATTERN ORDINAL ACTION")
        self.method, self.pattern, ordinal, self.action = words
        self.ordinal = int(ordinal)
        self.count = 0
        self.delay = None
        self.status = None
        if self.ordinal < 1:
            raise ValueError(f"'{text}': the ordinal counts from 1")
        if self.action.startswith("delay:"):
            self.delay = float(self.action[len("delay:"):])
        elif self.action.isdigit() and len(self.action) == 3:
            self.status = int(self.action)
        elif self.action not in ("drop", "drop-after", "truncate", "doc-error"):
            raise ValueError(f"'{text}': unknown action '{self.action}'")

    def matches(self, method, path):
        return method == self.method and fnmatch.fnmatchcase(path, self.pattern)


def fail_first_document(answer):
    """A _bulk_get answer with its first {"ok": document} entry replaced
    by CouchDB's entry for a document that could not be read."""
    content = json.loads(answer)
    for result in content.get("results", []):
        for i, entry in enumerate(result.get("docs", [])):
            if "ok" in entry:
                document = entry["ok"]
                result["docs"][i] = {"error": {"id": document["_id"], "rev": document["_rev"],
                                               "error": "unknown_error", "reason": "injected by sync-fault-proxy"}}
                return json.dumps(content).encode()
    return answer


def parse_rules(texts):
    return [Rule(text) for text in texts if text.strip()]


class FaultProxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # An answer goes as its headers, then its body: without this, the
    # body waits for the client's delayed acknowledgement of the headers.
    disable_nagle_algorithm = True

    def setup(self):
        super().setup()
        self.upstream = None

    def finish(self):
        self.close_upstream()
        super().finish()

    def log_message(self, format, *args):
        pass

    def pick_rule(self, path):
        with self.server.lock:
            picked = None
            for rule in self.server.rules:
                if rule.matches(self.command, path):
                    rule.count += 1
                    if rule.count == rule.ordinal and picked is None:
                        picked = rule
            return picked

    def write_log(self, path, action):
        with self.server.lock:
            with open(self.server.log_path, "a") as log:
                log.write(f"{self.command} {path} {action}\n")

    def relay_upstream(self, body, plain):
        # @plain: the answer is asked for uncompressed, to be rewritten.
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in HOP_BY_HOP and not (plain and k.lower() == "accept-encoding")}
        # Each client connection has one to the server, kept alive too.
        # The server closes one that was idle a while: a request that
        # finds it closed before any answer goes again on a new one.
        while True:
            reused = self.upstream is not None
            if not reused:
                self.upstream = http.client.HTTPConnection("127.0.0.1", self.server.upstream_port, timeout=300)
            try:
                self.upstream.request(self.command, self.path, body=body, headers=headers)
                response = self.upstream.getresponse()
                answer = response.read()
                if response.will_close:
                    self.close_upstream()
                return response.status, response.reason, response.getheaders(), answer
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close_upstream()
                if not reused:
                    raise

    def close_upstream(self):
        if self.upstream is not None:
            self.upstream.close()
            self.upstream = None

    def send_answer(self, status, reason, headers, answer, body_length=None):
        self.send_response(status, reason)
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP and name.lower() not in OWN:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer[:body_length] if body_length is not None else answer)
        self.wfile.flush()

    def handle_request(self):
        path = urllib.parse.urlsplit(self.path).path
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length) if length > 0 else None
        rule = self.pick_rule(path)
        action = rule.action if rule is not None else "relay"
        self.write_log(path, action)

        if action == "drop":
            self.close_connection = True
            return
        if rule is not None and rule.status is not None:
            error = ERRORS.get(rule.status, "unknown_error")
            content = {"error": error} if rule.status == 409 else \
                {"error": error, "reason": "injected by sync-fault-proxy"}
            answer = json.dumps(content).encode()
            self.send_answer(rule.status, None, [("Content-Type", "application/json")], answer)
            return

        status, reason, headers, answer = self.relay_upstream(body, action == "doc-error")
        if action == "doc-error" and status == 200:
            answer = fail_first_document(answer)
        if action == "drop-after":
            self.close_connection = True
            return
        if rule is not None and rule.delay is not None:
            time.sleep(rule.delay)
        if action == "truncate":
            self.close_connection = True
            self.send_answer(status, reason, headers, answer, len(answer) // 2)
            return
        self.send_answer(status, reason, headers, answer)

    def handle_one(self):
        try:
            self.handle_request()
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up on a late answer.
            self.close_connection = True

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_one


def read_commands(server):
    for line in sys.stdin:
        try:
            rules = parse_rules(line.strip().split(";"))
        except ValueError as error:
            print(error, flush=True)
            continue
        with server.lock:
            server.rules = rules
        print("ok", flush=True)
    os._exit(0)


def main():
    upstream_port, log_path = int(sys.argv[1]), sys.argv[2]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FaultProxy)
    server.daemon_threads = True
    server.upstream_port = upstream_port
    server.log_path = log_path
    server.lock = threading.Lock()
    server.rules = parse_rules(sys.argv[3:])
    print(server.server_address[1], flush=True)
    threading.Thread(target=read_commands, args=(server,), daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
