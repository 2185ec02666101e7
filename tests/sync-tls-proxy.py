#!/usr/bin/env python3
# sync-tls-proxy.py
#
# Copyright 2026 The Godwit developers
#
# SPDX-License-Identifier: GPL-3.0-or-later

"""An HTTPS endpoint for test-sync: sync-tls-proxy.py CERT KEY PORT.

Accepts TLS connections on a free port of 127.0.0.1 with the certificate
CERT and its key KEY, and relays each to 127.0.0.1:PORT in the clear.
Prints the port it listens on, then runs until killed. It runs out of the
test's process so that the test's sanitizers see no TLS server threads.
"""

import socket
import ssl
import sys
import threading


def relay(source, target):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            target.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, target):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(context, client, upstream_port):
    try:
        secure = context.wrap_socket(client, server_side=True)
    except (OSError, ssl.SSLError):
        # A client that refuses the certificate ends the handshake.
        client.close()
        return
    upstream = socket.create_connection(("127.0.0.1", upstream_port))
    threading.Thread(target=relay, args=(secure, upstream), daemon=True).start()
    relay(upstream, secure)


def main():
    certificate, key, upstream_port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    print(listener.getsockname()[1], flush=True)
    while True:
        client, _ = listener.accept()
        threading.Thread(target=serve, args=(context, client, upstream_port), daemon=True).start()


if __name__ == "__main__":
    main()
