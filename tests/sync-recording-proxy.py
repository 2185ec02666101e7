#!/usr/bin/env python3
# sync-recording-proxy.py
#
# Copyright 2026 The Godwit developers
#
# SPDX-License-Identifier: GPL-3.0-or-later

"""An HTTP endpoint for test-sync that writes down what a sync asks:
sync-recording-proxy.py PORT LOG [COUCHDB-VERSION].

Listens on a free port of 127.0.0.1, keeps connections alive, and relays
each request to the server on 127.0.0.1:PORT, appending "METHOD PATH"
(without the query) to the file LOG as the request arrives, one line each.
With COUCHDB-VERSION, GET / is answered as Apache CouchDB of that version
would welcome a client, instead of by the server. Prints the port it
listens on, then runs until its standard input ends: the test that
started it ended, however it ended.
"""

import http.client
import http.server
import json
import os
import sys
import threading
import urllib.parse

# Headers that belong to one connection, not to the request.
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer"}


class Recorder(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def relay(self):
        path = urllib.parse.urlsplit(self.path).path
        with self.server.log_lock:
            with open(self.server.log_path, "a") as log:
                log.write(f"{self.command} {path}\n")

        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length) if length > 0 else None

        if self.command == "GET" and path == "/" and self.server.couchdb_version is not None:
            answer = json.dumps({"couchdb": "Welcome", "version": self.server.couchdb_version}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
            return

        upstream = getattr(self.server.local, "upstream", None)
        if upstream is None:
            upstream = http.client.HTTPConnection("127.0.0.1", self.server.upstream_port, timeout=120)
            self.server.local.upstream = upstream
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        upstream.request(self.command, self.path, body=body, headers=headers)
        response = upstream.getresponse()
        answer = response.read()

        self.send_response(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = relay


def exit_with_parent():
    sys.stdin.read()
    os._exit(0)


def main():
    upstream_port, log_path = int(sys.argv[1]), sys.argv[2]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.daemon_threads = True
    server.upstream_port = upstream_port
    server.log_path = log_path
    server.log_lock = threading.Lock()
    server.local = threading.local()
    server.couchdb_version = sys.argv[3] if len(sys.argv) > 3 else None
    threading.Thread(target=exit_with_parent, daemon=True).start()
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
