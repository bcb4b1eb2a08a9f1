"""The Ray Data / multiprocessing callables: every row once, in order, under a key's budget.

These call the callables directly, as Ray's actors do, and through a real `multiprocessing` pool,
which pickles them as Ray does; `test_ray_data.py` runs them on a local Ray cluster.
"""

from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Iterator

import pytest

from aimhub import ConfigurationError
from aimhub._limiter import reset_limiters
from aimhub.ray import ChatBatch, EmbedBatch
from tests.capped_gateway import Counters, capped_gateway


@pytest.fixture
def gateway(socket_enabled: None) -> Iterator[tuple[str, Counters]]:
    with capped_gateway(cap=8, latency=0.02) as served:
        yield served


def test_embed_batch_keeps_rows_in_order(gateway: tuple[str, Counters]) -> None:
    base, _ = gateway
    mapper = EmbedBatch(
        "text-embedding-3-small",
        api_key="sk-test",
        base_url=base,
        embedder_options={"batch_size": 4},
    )
    texts = [f"{chr(65 + i % 26)}{'x' * i}" for i in range(30)]
    out = mapper({"text": texts, "id": list(range(30))})
    assert out["id"] == list(range(30))
    assert out["embedding"] == [[float(len(t)), float(ord(t[0]))] for t in texts]
    assert "sk-test" not in repr(mapper)


def test_chat_batch_splits_the_budget_across_actors(gateway: tuple[str, Counters]) -> None:
    base, counters = gateway
    mapper = ChatBatch("gpt-4o-mini", api_key="sk-test", base_url=base, actors=4, max_in_flight=8)
    prompts = [f"p{i}" for i in range(40)]
    out = mapper({"prompt": prompts})
    assert out["response"] == [f"echo: {p}" for p in prompts]
    assert counters.peak <= 2  # this actor's share: 8 // 4
    assert mapper.client.limiter.max_limit == 2
    reset_limiters()


def test_a_missing_column_is_named() -> None:
    mapper = ChatBatch("m", api_key="sk-test", base_url="https://gw.test/v1")
    with pytest.raises(ConfigurationError, match="no column 'prompt'"):
        mapper({"text": ["a"]})


def _in_worker(args: tuple[EmbedBatch, list[str]]) -> list[list[float]]:
    mapper, texts = args
    return list(mapper({"text": texts})["embedding"])


def test_embed_batch_pickles_and_runs_in_worker_processes(gateway: tuple[str, Counters]) -> None:
    base, _ = gateway
    mapper = EmbedBatch("text-embedding-3-small", api_key="sk-test", base_url=base)
    mapper({"text": ["warm"]})  # a built client must not travel
    assert pickle.loads(pickle.dumps(mapper))._client is None
    chunks = [[f"{c}{i}" for i in range(5)] for c in "ABCD"]
    with multiprocessing.get_context("fork").Pool(2) as pool:
        results = pool.map(_in_worker, [(mapper, chunk) for chunk in chunks])
    assert results == [[[float(len(t)), float(ord(t[0]))] for t in chunk] for chunk in chunks]
