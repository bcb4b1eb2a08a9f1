"""`wait_task` over real sockets: the default aiohttp transport against a loopback task gateway
that answers as docs/gateway-behaviour.md §14-§15 document (sleeps faked, sockets real)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from aimhub import AsyncAimhubClient, TaskNotFoundError
from aimhub.types import TaskStatus
from tests.task_fakes import MJ_ID, MJ_NOT_FOUND, MJ_SUBMITTED, install_clock, mj_task

KEY = "sk-loopback-task-0123456789abcdef"


class TaskGateway(BaseHTTPRequestHandler):
    """Imagine, then fetches that move 0% -> 37% -> 100%; `/mj/task/slow/fetch` answers late."""

    protocol_version = "HTTP/1.1"
    log: ClassVar[list[str]] = []
    script: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["content-length"]))
        type(self).log.append(f"POST {self.path}")
        self._send(200, MJ_SUBMITTED)

    def do_GET(self) -> None:
        type(self).log.append(f"GET {self.path}")
        if self.path == "/mj/task/slow/fetch":
            time.sleep(1.0)
        if self.path != f"/mj/task/{MJ_ID}/fetch":
            self._send(400, MJ_NOT_FOUND)
            return
        script = type(self).script
        self._send(200, script.pop(0) if len(script) > 1 else script[0])

    def _send(self, status: int, body: object) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def gateway(socket_enabled: None) -> Iterator[str]:
    TaskGateway.log = []
    TaskGateway.script = [mj_task("SUBMITTED", "0%"), mj_task("IN_PROGRESS", "37%"),
                          mj_task("SUCCESS", "100%")]  # fmt: skip
    server = ThreadingHTTPServer(("127.0.0.1", 0), TaskGateway)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


async def test_submit_and_wait_over_aiohttp(gateway: str, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = install_clock(monkeypatch)
    seen: list[float | None] = []
    async with AsyncAimhubClient(api_key=KEY, base_url=gateway) as client:
        task = await client.midjourney_imagine("a cat --ar 2:3")
        done = await client.wait_task(task, on_progress=lambda t: seen.append(t.progress))
    assert done.status is TaskStatus.SUCCEEDED
    assert done.image_urls == [f"https://gateway.test/mj/image/{MJ_ID}"]
    assert seen == [None, 0.0, 37.0, 100.0]
    assert clock.sleeps == [5.0, 7.5, 11.25]
    assert TaskGateway.log == [
        "POST /mj/submit/imagine",
        *[f"GET /mj/task/{MJ_ID}/fetch"] * 3,
    ]


async def test_unknown_id_over_aiohttp(gateway: str) -> None:
    async with AsyncAimhubClient(api_key=KEY, base_url=gateway) as client:
        with pytest.raises(TaskNotFoundError, match="task_no_found"):
            await client.fetch_task("404", kind="midjourney")


async def test_cancelling_mid_fetch_stops_cleanly(gateway: str) -> None:
    async with AsyncAimhubClient(api_key=KEY, base_url=gateway) as client:
        waiting = asyncio.ensure_future(client.wait_task("slow", kind="midjourney"))
        await asyncio.sleep(0.3)  # the fetch is in flight: the server answers after 1 s
        started = time.perf_counter()
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert time.perf_counter() - started < 0.5
        await asyncio.sleep(1.2)
    assert TaskGateway.log == ["GET /mj/task/slow/fetch"]  # no poll after the cancel
