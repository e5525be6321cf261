#!/usr/bin/env python3
"""A forward proxy for tests: HTTP CONNECT only, on 127.0.0.1.

Usage: connect_proxy.py PORT LOG [USER:PASSWORD]
Every CONNECT target is appended to LOG. Names ending in ".test" are reached at 127.0.0.1 (the
tests' servers), "refused.test" gets 403, and with USER:PASSWORD a request without that
Proxy-Authorization (Basic) gets 407.
"""
import base64
import select
import socket
import socketserver
import sys


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        head = b""
        while b"\r\n\r\n" not in head and len(head) < 8192:
            data = self.connection.recv(4096)
            if not data:
                return
            head += data
        lines = head.split(b"\r\n")
        method, target, _ = lines[0].decode().split(" ", 2)
        headers = {}
        for line in lines[1:]:
            if b":" in line:
                k, v = line.split(b":", 1)
                headers[k.strip().lower().decode()] = v.strip().decode()
        with open(sys.argv[2], "a") as log:
            log.write(f"{method} {target}\n")
        if method != "CONNECT":
            self.connection.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        if len(sys.argv) > 3:
            expected = "Basic " + base64.b64encode(sys.argv[3].encode()).decode()
            if headers.get("proxy-authorization") != expected:
                self.connection.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n")
                return
        host, port = target.rsplit(":", 1)
        if host == "refused.test":
            self.connection.sendall(b"HTTP/1.1 403 Forbidden\r\n\r\n")
            return
        if host.endswith(".test"):
            host = "127.0.0.1"
        upstream = socket.create_connection((host.strip("[]"), int(port)))
        self.connection.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        sockets = [self.connection, upstream]
        while True:
            readable, _, _ = select.select(sockets, [], [], 30)
            if not readable:
                break
            for s in readable:
                data = s.recv(65536)
                if not data:
                    upstream.close()
                    return
                (upstream if s is self.connection else self.connection).sendall(data)


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


if __name__ == "__main__":
    Server(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
