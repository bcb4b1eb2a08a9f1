"""The opt-in aiohttp transport: a real httpx.AsyncClient, talking to a real local server."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import aimhub
from aimhub import AsyncAimhubClient

REPLY = {"choices": [{"message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}]}


class _Gateway(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["content-length"]))
        body = json.dumps(REPLY).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def gateway(socket_enabled: None) -> Iterator[str]:
    """A loopback server: this test proves real I/O over aiohttp, so it opens a socket."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


async def test_core_client_runs_concurrent_calls_over_aiohttp(gateway: str) -> None:
    http = aimhub.aiohttp_http_client(max_connections=8)
    assert type(http).__name__ == "HttpxAiohttpClient"
    client = AsyncAimhubClient(api_key="sk-test", base_url=gateway, http_client=http)
    replies = await asyncio.gather(*(client.chat(model="m", messages=[]) for _ in range(16)))
    assert {r.choices[0].message.content for r in replies if r.choices[0].message} == {"hi"}
    await http.aclose()


def test_missing_extra_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def without_aiohttp(name: str, *args: object, **kwargs: object) -> object:
        if name.startswith("httpx_aiohttp"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", without_aiohttp)
    with pytest.raises(aimhub.ConfigurationError, match=r'pip install "aimhub\[aiohttp\]"'):
        aimhub.aiohttp_http_client()
