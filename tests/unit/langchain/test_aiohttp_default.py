"""ChatAimhub's async calls over the default aiohttp transport, on real loopback sockets.

LangChain code often drives async models with one `asyncio.run` per call: each run is a new
event loop, and the model (with its client) outlives them all.
"""

from __future__ import annotations

import asyncio

from langchain_aimhub import ChatAimhub
from tests.loopback import LoopbackGateway


def test_ainvoke_and_astream_work_loop_after_loop(loopback: str) -> None:
    sse = ChatAimhub(model="gpt-4o-mini", api_key="sk-test", base_url=f"{loopback}/sse/v1")
    ok = ChatAimhub(model="gpt-4o-mini", api_key="sk-test", base_url=f"{loopback}/ok/v1")

    async def stream_text() -> str:
        return "".join([str(chunk.content) async for chunk in sse.astream("hi")])

    for _ in range(2):
        assert asyncio.run(ok.ainvoke("hi")).content == "hi"
        assert asyncio.run(stream_text()) == "Hello"
    assert LoopbackGateway.requests == ["ok", "sse", "ok", "sse"]
