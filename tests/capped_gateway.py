"""A loopback gateway with latency and a concurrency cap, answering 429 + `Retry-After` beyond it.

The shape of new-api under load (docs/gateway-behaviour.md §2.3, §22): requests over the cap
are rejected at once, the others answer after `latency` seconds. Chat and embeddings answers
are derived from the input, so a test can check that every answer belongs to its input.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Counters:
    """What the gateway saw: answers, rejections and the most requests in flight at once."""

    cap: int
    latency: float
    retry_after: str = "1"
    #: Extra floats per vector, so that benchmarks decode realistic sizes.
    pad: int = 0
    in_flight: int = 0
    peak: int = 0
    ok: int = 0
    rejected: int = 0
    #: Every embeddings input answered, in arrival order (what a job paid for).
    inputs: list[str] = field(default_factory=list)
    #: The bearer keys and client ports that requests came with.
    keys: set[str] = field(default_factory=set)
    ports: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    counters: Counters

    def do_POST(self) -> None:
        body: dict[str, Any] = json.loads(self.rfile.read(int(self.headers["content-length"])))
        c = self.counters
        with c.lock:
            admitted = c.in_flight < c.cap
            if admitted:
                c.in_flight += 1
                c.peak = max(c.peak, c.in_flight)
            else:
                c.rejected += 1
            c.keys.add(self.headers.get("authorization", "").removeprefix("Bearer "))
            c.ports.append(self.client_address[1])
        if not admitted:
            error = {
                "error": {"message": "当前分组上游负载已饱和，请稍后再试", "type": "new_api_error"}
            }
            self._send(429, error, {"retry-after": c.retry_after})
            return
        try:
            time.sleep(c.latency)
            if self.path.endswith("/embeddings"):
                with c.lock:
                    c.inputs.extend(body["input"])
            self._send(200, _answer(self.path, body, c.pad), {})
        finally:
            with c.lock:
                c.in_flight -= 1
                c.ok += 1

    def _send(self, status: int, payload: object, headers: dict[str, str]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


def _answer(path: str, body: dict[str, Any], pad: int = 0) -> dict[str, Any]:
    if path.endswith("/embeddings"):
        # The vector encodes the input's text length and first character: alignment is checkable.
        data = [
            {
                "object": "embedding",
                "index": i,
                "embedding": [float(len(t)), float(ord(t[0])), *[0.0123456789] * pad],
            }
            for i, t in enumerate(body["input"])
        ]
        return {"object": "list", "data": data, "model": body["model"]}
    prompt = body["messages"][-1]["content"]
    message = {"role": "assistant", "content": f"echo: {prompt}"}
    return {"choices": [{"index": 0, "message": message, "finish_reason": "stop"}]}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request: object, client_address: object) -> None:
        pass


@contextmanager
def capped_gateway(
    cap: int, latency: float, retry_after: str = "1", pad: int = 0
) -> Iterator[tuple[str, Counters]]:
    """Serve on 127.0.0.1; yields the `/v1` base URL and the live counters."""
    counters = Counters(cap=cap, latency=latency, retry_after=retry_after, pad=pad)
    handler = type("CappedHandler", (_Handler,), {"counters": counters})
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", counters
    finally:
        server.shutdown()
        server.server_close()
