"""Aimhub's async calls over the default aiohttp transport, on real loopback sockets.

LlamaIndex agents run on an event loop of their own; scripts often call `asyncio.run` per
question: the LLM (with its client) outlives every loop.
"""

from __future__ import annotations

import asyncio

from llama_index.core.llms import ChatMessage

from llamaindex_aimhub import Aimhub
from tests.loopback import LoopbackGateway


def test_achat_and_astream_chat_work_loop_after_loop(loopback: str) -> None:
    messages = [ChatMessage(role="user", content="hi")]
    sse = Aimhub(model="gpt-4o-mini", api_key="sk-test", api_base=f"{loopback}/sse/v1")
    ok = Aimhub(model="gpt-4o-mini", api_key="sk-test", api_base=f"{loopback}/ok/v1")

    async def stream_text() -> str:
        last = ""
        async for response in await sse.astream_chat(messages):
            last = str(response.message.content)
        return last

    for _ in range(2):
        assert asyncio.run(ok.achat(messages)).message.content == "hi"
        assert asyncio.run(stream_text()) == "Hello"
    assert LoopbackGateway.requests == ["ok", "sse", "ok", "sse"]
