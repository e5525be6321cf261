#!/ usr / bin / env python3
"""The app behind spotauth in gateway tests: it tells what reached it.

GET|POST|... any path  -> 200 JSON {method, target, headers: [[name, value], ...],
                          body_bytes, body_sha256}
GET /download?bytes=N  -> N bytes (byte i is i % 251), sent in 64 KiB pieces, chunked
GET /slow?ms=N         -> the echo after N ms
any request with "Upgrade: echo" -> 101, then every byte received is sent back

Usage: echo_app.py PORT  (prints "ready" once listening)
"""
import hashlib
import http.server
import json
import socketserver
import sys
import time
import urllib.parse


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def read_body(self):
        digest = hashlib.sha256()
        total = 0
        if self.headers.get("Transfer-Encoding", "").lower().endswith("chunked"):
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                remaining = size
                while remaining:
                    piece = self.rfile.read(min(remaining, 65536))
                    digest.update(piece)
                    total += len(piece)
                    remaining -= len(piece)
                self.rfile.readline()
        else:
            remaining = int(self.headers.get("Content-Length", "0"))
            while remaining:
                piece = self.rfile.read(min(remaining, 65536))
                if not piece:
                    break
                digest.update(piece)
                total += len(piece)
                remaining -= len(piece)
        return total, digest.hexdigest()

    def handle_any(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        if self.headers.get("Upgrade", "").lower() == "echo":
            self.send_response(101)
            self.send_header("Upgrade", "echo")
            self.send_header("Connection", "Upgrade")
            self.end_headers()
            self.wfile.flush()
            while True:
                data = self.connection.recv(65536)
                if not data:
                    break
                self.connection.sendall(data)
            self.close_connection = True
            return
        total, digest = self.read_body()
        if url.path == "/slow":
            time.sleep(int(query.get("ms", ["1000"])[0]) / 1000)
        if url.path == "/download":
            size = int(query["bytes"][0])
            pattern = bytes(i % 251 for i in range(251 * 261))  # 65,511 bytes, whole cycles
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            sent = 0
            while sent < size:
                piece = pattern[: min(len(pattern), size - sent)]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                sent += len(piece)
            self.wfile.write(b"0\r\n\r\n")
            return
        body = json.dumps({
            "method": self.command,
            "target": self.path,
            "headers": [[k, v] for k, v in self.headers.items()],
            "body_bytes": total,
            "body_sha256": digest,
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Set-Cookie", "app_cookie=1; Path=/")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = handle_any


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    server = Server(("127.0.0.1", int(sys.argv[1])), Handler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
