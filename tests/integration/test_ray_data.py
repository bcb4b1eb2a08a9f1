"""`aimhub.ray` on a real local Ray cluster: Ray Data `map_batches`, every row once, under budget.

Runs where the `ray` extra is installed (`make test` installs every extra from the lock); the
lowest/latest matrix runs install `[all]`, which leaves Ray out for its size.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.capped_gateway import Counters, capped_gateway

ray = pytest.importorskip("ray", reason="the `ray` extra is not installed here")

from aimhub.ray import ChatBatch, EmbedBatch  # noqa: E402


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield ray
    ray.shutdown()


@pytest.fixture
def gateway(socket_enabled: None, cluster: Any) -> Iterator[tuple[str, Counters]]:
    with capped_gateway(cap=4, latency=0.01) as served:
        yield served


def test_embed_batch_in_map_batches_returns_every_row_once_aligned(
    gateway: tuple[str, Counters],
) -> None:
    base, counters = gateway
    texts = [f"{chr(65 + i % 26)}{'x' * i}" for i in range(120)]
    ds = ray.data.from_items([{"text": t, "id": i} for i, t in enumerate(texts)])
    ds = ds.map_batches(
        EmbedBatch,
        fn_constructor_kwargs={
            "model": "text-embedding-3-small",
            "api_key": "sk-test",
            "base_url": base,
            "actors": 2,
            "max_in_flight": 4,
        },
        concurrency=2,
        batch_size=30,
    )
    rows = ds.take_all()
    assert sorted(r["id"] for r in rows) == list(range(120))
    for row in rows:
        text = texts[row["id"]]
        assert list(row["embedding"]) == [float(len(text)), float(ord(text[0]))]
    assert counters.rejected == 0  # two actors with 4 // 2 each never exceed the cap of 4
    assert counters.peak <= 4


def test_chat_batch_in_map_batches_answers_every_prompt(gateway: tuple[str, Counters]) -> None:
    base, _ = gateway
    prompts = [f"p{i}" for i in range(40)]
    ds = ray.data.from_items([{"prompt": p} for p in prompts]).map_batches(
        ChatBatch,
        fn_constructor_kwargs={
            "model": "gpt-4o-mini",
            "api_key": "sk-test",
            "base_url": base,
            "actors": 2,
            "max_in_flight": 4,
        },
        concurrency=2,
        batch_size=10,
    )
    answers = {r["prompt"]: r["response"] for r in ds.take_all()}
    assert answers == {p: f"echo: {p}" for p in prompts}
