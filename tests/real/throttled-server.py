#!/usr/bin/python3
"""Serve one file over HTTP on 127.0.0.1, slowly: the first FAST bytes at
once, the rest at RATE bytes a second, so that a player underruns and
buffers. Prints the port, then serves until killed.

usage: throttled-server.py FILE FAST RATE
"""
import http.server
import sys
import time

PATH, FAST, RATE = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


class Slow(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(PATH, "rb") as f:
            data = f.read()
        self.send_response(200)
        self.send_header("Content-Type", "video/x-matroska")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data[:FAST])
            chunk = max(RATE // 10, 1)
            for at in range(FAST, len(data), chunk):
                time.sleep(0.1)
                self.wfile.write(data[at:at + chunk])
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
print(server.server_address[1], flush=True)
server.serve_forever()
