"""A stand-in upstream that answers every cancel with an envelope the spec forbids.

The contract tests point Prism and Schemathesis at it to prove that a violation really fails.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# `successes` must be order IDs joined by commas.
BODY = b'{"status":"ok","data":{"errors":[],"successes":"all of them"},"ts":1}'


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def non_conforming_upstream(port: int = 0) -> Iterator[int]:
    """Serve on loopback (port 0: a free one) while the block runs; yield the port."""
    server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
