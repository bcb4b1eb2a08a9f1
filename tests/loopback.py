"""A real HTTP/1.1 server on 127.0.0.1, for the tests that prove real socket I/O.

It answers as the first path segment of the URL says (see `LoopbackGateway`); the `loopback`
fixture in `tests/conftest.py` starts one per test and enables sockets for it alone.
"""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REPLY = {"choices": [{"message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}]}
CHUNKS = [
    {"choices": [{"delta": {"role": "assistant", "content": "Hel"}}]},
    {"choices": [{"delta": {"content": "lo"}, "finish_reason": "stop"}]},
]


class LoopbackGateway(BaseHTTPRequestHandler):
    """Behaves as the first path segment says: /ok, /sse, /slow-sse, /gzip, /busy, /slow, /cut,
    /dribble (a JSON answer in ten pieces, 0.1 s apart), /upload (records a multipart body),
    /audio (a chunked audio body)."""

    protocol_version = "HTTP/1.1"  # keep-alive and chunked bodies, as real gateways
    requests: list[str] = []
    proxied: list[str] = []
    #: `(content type, body)` of every /upload request, for the multipart tests.
    uploads: list[tuple[str, bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        path = self.path
        if path.startswith("http://"):  # asked as a proxy: the absolute URL of the target
            type(self).proxied.append(path)
            path = "/" + path.split("/", 3)[3]
        mode = path.split("/")[1]
        type(self).requests.append(mode)
        if mode in ("sse", "slow-sse"):
            self._chunked(
                [b"data: " + json.dumps(c).encode() + b"\n\n" for c in CHUNKS]
                + [b"data: [DONE]\n\n"],
                pause=0.1 if mode == "slow-sse" else 0,
            )
        elif mode == "dribble":
            body = json.dumps(REPLY).encode()
            size = len(body) // 10 + 1
            self._chunked([body[i : i + size] for i in range(0, len(body), size)], pause=0.1)
        elif mode == "upload":
            type(self).uploads.append((self.headers["content-type"], body))
            self._send(200, json.dumps({"text": f"{len(body)} bytes"}).encode())
        elif mode == "audio":
            self._chunked([b"ID3" + bytes([i]) * 1000 for i in range(5)], kind="audio/mpeg")
        elif mode == "cut":
            self._chunked([b"data: " + json.dumps(CHUNKS[0]).encode() + b"\n\n"], end=False)
        elif mode == "gzip":
            self._send(200, gzip.compress(json.dumps(REPLY).encode()), encoding="gzip")
        elif mode == "busy":
            error = {"error": {"message": "too many requests", "code": "rate_limit_exceeded"}}
            self._send(429, json.dumps(error).encode())
        else:
            if mode == "slow":
                time.sleep(0.5)
            self._send(200, json.dumps(REPLY).encode())

    def _send(self, status: int, body: bytes, encoding: str | None = None) -> None:
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        if encoding:
            self.send_header("content-encoding", encoding)
        self.end_headers()
        self.wfile.write(body)

    def _chunked(
        self,
        events: list[bytes],
        end: bool = True,
        pause: float = 0,
        kind: str = "text/event-stream",
    ) -> None:
        self.send_response(200)
        self.send_header("content-type", kind)
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        for event in events:
            self.wfile.write(b"%x\r\n%b\r\n" % (len(event), event))
            self.wfile.flush()
            time.sleep(pause)  # the answer is still being generated
        if end:
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)

    def log_message(self, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # 32 concurrent connects must not overflow the listen backlog

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that timed out closes the socket the slow answer is written to


@contextmanager
def serving() -> Iterator[str]:
    """A fresh server (and request log) for the block: yields its `http://127.0.0.1:port`."""
    LoopbackGateway.requests = []
    LoopbackGateway.proxied = []
    LoopbackGateway.uploads = []
    server = _Server(("127.0.0.1", 0), LoopbackGateway)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
