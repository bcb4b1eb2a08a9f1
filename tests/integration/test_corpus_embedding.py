"""Corpus embedding: concurrent batches on both paths, aligned vectors, nothing lost under a cap.

Real sockets on 127.0.0.1 (`tests/capped_gateway.py`, 8 requests in flight allowed, 429 +
`Retry-After: 1` beyond). Each vector encodes its input's length and first character.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from langchain_aimhub import AimhubEmbeddings
from llamaindex_aimhub import AimhubEmbedding
from tests.capped_gateway import Counters, capped_gateway

TEXTS = [f"{chr(65 + i % 26)}text {i}" for i in range(600)]
EXPECTED = [[float(len(t)), float(ord(t[0]))] for t in TEXTS]


@pytest.fixture
def gateway(socket_enabled: None) -> Iterator[tuple[str, Counters]]:
    with capped_gateway(cap=8, latency=0.05) as served:
        yield served


def _llamaindex(base: str, **options: object) -> AimhubEmbedding:
    return AimhubEmbedding(
        model_name="text-embedding-3-small",
        api_key="sk-test",
        api_base=base,
        embed_batch_size=10,
        **options,
    )


def test_llamaindex_sync_batch_runs_batches_concurrently(gateway: tuple[str, Counters]) -> None:
    base, counters = gateway
    vectors = _llamaindex(base).get_text_embedding_batch(TEXTS, show_progress=True)
    assert vectors == EXPECTED
    assert counters.peak == 8  # LlamaIndex's own loop would send one batch at a time
    assert counters.rejected == 0


def test_llamaindex_async_batch_is_bounded(gateway: tuple[str, Counters]) -> None:
    base, counters = gateway
    model = _llamaindex(base, max_concurrency=4)
    vectors = asyncio.run(model.aget_text_embedding_batch(TEXTS))
    assert vectors == EXPECTED
    assert counters.peak == 4  # LlamaIndex alone starts all 60 batches at once
    assert counters.rejected == 0


def test_llamaindex_async_batch_wider_than_the_cap_loses_nothing(
    gateway: tuple[str, Counters],
) -> None:
    base, counters = gateway
    vectors = asyncio.run(_llamaindex(base, max_concurrency=64).aget_text_embedding_batch(TEXTS))
    assert vectors == EXPECTED
    assert counters.peak <= 8


def test_langchain_sync_and_async_defaults(gateway: tuple[str, Counters]) -> None:
    base, counters = gateway
    model = AimhubEmbeddings(
        model="text-embedding-3-small", api_key="sk-test", base_url=base, chunk_size=10
    )
    assert model.embed_documents(TEXTS) == EXPECTED
    assert asyncio.run(model.aembed_documents(TEXTS)) == EXPECTED
    assert counters.peak == 8
    assert counters.rejected == 0
