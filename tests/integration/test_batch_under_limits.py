"""Batches at concurrency 64 against a gateway allowing 16 in flight lose nothing.

Real sockets on 127.0.0.1 (`tests/capped_gateway.py`): beyond 16 requests in flight the
gateway answers 429 + `Retry-After: 1` at once, as new-api does under load. Before the shared
limiter, about 15 % of such a batch failed after two retries.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from llama_index.core.llms import ChatMessage

from langchain_aimhub import ChatAimhub
from llamaindex_aimhub import Aimhub
from tests.capped_gateway import Counters, capped_gateway

PROMPTS = [f"prompt {i}" for i in range(200)]


@pytest.fixture
def gateway(socket_enabled: None) -> Iterator[tuple[str, Counters]]:
    with capped_gateway(cap=16, latency=0.02) as served:
        yield served


def _check(counters: Counters, answers: list[str]) -> None:
    assert answers == [f"echo: {p}" for p in PROMPTS]  # every input once, in order
    assert counters.peak <= 16
    # One storm finds the cap; probing afterwards costs a few more, never a retry storm.
    assert counters.rejected <= 0.15 * len(PROMPTS)


def test_langchain_abatch_at_64_loses_nothing(gateway: tuple[str, Counters]) -> None:
    base, counters = gateway
    model = ChatAimhub(model="gpt-4o-mini", api_key="sk-test", base_url=base)
    replies = asyncio.run(model.abatch(PROMPTS, config={"max_concurrency": 64}))
    _check(counters, [str(r.content) for r in replies])


def test_langchain_batch_on_threads_loses_nothing(gateway: tuple[str, Counters]) -> None:
    base, counters = gateway
    model = ChatAimhub(model="gpt-4o-mini", api_key="sk-test", base_url=base)
    replies = model.batch(PROMPTS, config={"max_concurrency": 64})
    _check(counters, [str(r.content) for r in replies])


def test_llamaindex_concurrent_achat_loses_nothing(gateway: tuple[str, Counters]) -> None:
    base, counters = gateway
    llm = Aimhub(model="gpt-4o-mini", api_key="sk-test", api_base=base)

    async def run() -> list[str]:
        limit = asyncio.Semaphore(64)

        async def one(prompt: str) -> str:
            async with limit:
                reply = await llm.achat([ChatMessage(role="user", content=prompt)])
            return str(reply.message.content)

        return await asyncio.gather(*map(one, PROMPTS))

    _check(counters, asyncio.run(run()))
