"""Corpus embedding in worker processes: LlamaIndex `IngestionPipeline(num_workers=2)`, spawned
and forked `multiprocessing` pools.

Real sockets on 127.0.0.1 (`tests/capped_gateway.py`); each vector encodes its input's length and
first character, so a vector can be checked against the text it was returned for. Every pool
call runs under a deadline: a hang fails the test instead of stalling the suite.
"""

from __future__ import annotations

import logging
import multiprocessing
import pickle
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from llama_index.core import Document
from llama_index.core.ingestion import IngestionPipeline
from llama_index.core.node_parser import SentenceSplitter

from aimhub._limiter import shared_limiter
from langchain_aimhub import AimhubEmbeddings
from llamaindex_aimhub import AimhubEmbedding
from tests.capped_gateway import Counters, capped_gateway

KEY = "sk-workers-0123456789abcdef"
MODEL = "text-embedding-3-small"
TEXTS = [f"{chr(65 + i % 26)}text {i}" for i in range(120)]
T = TypeVar("T")

fork_only = pytest.mark.skipif(
    sys.platform == "win32" or "fork" not in multiprocessing.get_all_start_methods(),
    reason="needs the fork start method",
)


@pytest.fixture
def gateway(socket_enabled: None) -> Iterator[tuple[str, Counters]]:
    with capped_gateway(cap=8, latency=0.01) as served:
        yield served


def expected(text: str) -> list[float]:
    return [float(len(text)), float(ord(text[0]))]


def within(seconds: float, call: Callable[[], T]) -> T:
    """`call()`, failing the test if it has not returned after `seconds` (no pytest-timeout)."""
    box: list[Any] = []
    thread = threading.Thread(target=lambda: box.append(_outcome(call)), daemon=True)
    thread.start()
    thread.join(seconds)
    assert box, f"still running after {seconds} s: hung"
    if isinstance(box[0], BaseException):
        raise box[0]
    return box[0]  # type: ignore[no-any-return]


def _outcome(call: Callable[[], T]) -> T | BaseException:
    try:
        return call()
    except BaseException as exc:
        return exc


def _embedding(base: str) -> AimhubEmbedding:
    return AimhubEmbedding(model=MODEL, api_key=KEY, base_url=base, embed_batch_size=5)


def _documents() -> list[Document]:
    # Paragraphs of 24 tokens: the splitter cuts at paragraph breaks only (never needs nltk).
    paragraphs = [" ".join(f"{chr(97 + p % 26)}{w}" for w in range(12)) for p in range(24)]
    return [Document(text="\n\n\n".join(paragraphs[d * 4 : d * 4 + 4])) for d in range(6)]


def test_the_embedding_pickles_without_dropping_anything(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        clone = pickle.loads(pickle.dumps(_embedding("http://127.0.0.1:9/v1")))
    assert "unpickleable" not in caplog.text
    assert clone._client.config.api_key.get_secret_value() == KEY
    assert clone._async_client.config.api_key.get_secret_value() == KEY


def _bundled_tiktoken_cache() -> Path:
    import llama_index.core

    return Path(llama_index.core.__file__).parent / "_static" / "tiktoken_cache"


def test_ingestion_pipeline_with_two_workers_embeds_every_node(
    gateway: tuple[str, Counters],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base, counters = gateway
    # A spawned worker unpickles the splitter's tiktoken encoding by name, which downloads it
    # unless tiktoken finds it in TIKTOKEN_CACHE_DIR; offline, the worker dies on the OSError
    # and the pool waits forever (docs/throughput.md, "Workers"). LlamaIndex bundles one.
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(_bundled_tiktoken_cache()))
    splitter = SentenceSplitter(chunk_size=64, chunk_overlap=0)
    chunks = [n.get_content() for n in splitter(_documents())]
    assert len(chunks) > len(_documents())
    pipeline = IngestionPipeline(transformations=[splitter, _embedding(base)])
    with caplog.at_level(logging.WARNING):
        nodes = within(120, lambda: pipeline.run(documents=_documents(), num_workers=2))
    assert sorted(n.get_content() for n in nodes) == sorted(chunks)
    for node in nodes:
        assert node.embedding == expected(node.get_content())
    assert sorted(counters.inputs) == sorted(chunks)  # each chunk embedded once, in a worker
    assert counters.keys == {KEY}  # the worker's clients carry the same key
    dropped = {r.getMessage().rsplit(" ", 1)[-1] for r in caplog.records if "unpickle" in r.msg}
    assert not dropped & {"_client", "_async_client"}  # only the splitter's own callables


def _embed_llamaindex(job: tuple[AimhubEmbedding, list[str]]) -> list[list[float]]:
    model, texts = job
    return model.get_text_embedding_batch(texts)


def _embed_langchain(job: tuple[AimhubEmbeddings, list[str]]) -> list[list[float]]:
    model, texts = job
    return model.embed_documents(texts)


def _chunks() -> list[list[str]]:
    return [TEXTS[i : i + 20] for i in range(0, len(TEXTS), 20)]


def test_spawned_pool_map_with_both_pickled_embeddings(gateway: tuple[str, Counters]) -> None:
    base, counters = gateway
    llamaindex = _embedding(base)
    langchain = AimhubEmbeddings(model=MODEL, api_key=KEY, base_url=base, chunk_size=5)

    def run() -> tuple[list[list[list[float]]], list[list[list[float]]]]:
        with multiprocessing.get_context("spawn").Pool(2) as pool:
            first = pool.map(_embed_llamaindex, [(llamaindex, c) for c in _chunks()])
            second = pool.map(_embed_langchain, [(langchain, c) for c in _chunks()])
        return first, second

    first, second = within(120, run)
    for answers in (first, second):
        assert [v for chunk in answers for v in chunk] == [expected(t) for t in TEXTS]
    assert sorted(counters.inputs) == sorted(TEXTS * 2)  # every input once per framework
    assert counters.keys == {KEY}


_inherited: AimhubEmbeddings | None = None


def _embed_inherited(texts: list[str]) -> list[list[float]]:
    assert _inherited is not None  # inherited through fork, never pickled
    return _inherited.embed_documents(texts)


@fork_only
def test_a_forked_child_opens_its_own_connections(
    gateway: tuple[str, Counters], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two children writing to the parent's keep-alive connection read each other's answers or
    # wait forever for one the other took.
    base, counters = gateway
    model = AimhubEmbeddings(model=MODEL, api_key=KEY, base_url=base, chunk_size=5)
    monkeypatch.setattr(sys.modules[__name__], "_inherited", model)
    model.embed_query("warm")  # leaves a pooled connection in the parent
    parent_port = counters.ports[-1]

    def run(workers: int, chunks: list[list[str]]) -> list[list[list[float]]]:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return pool.map(_embed_inherited, chunks)

    # One child: it would answer correctly on the parent's socket, so compare ports.
    assert within(60, lambda: run(1, _chunks()[:1])) == [[expected(t) for t in TEXTS[:20]]]
    assert parent_port not in counters.ports[1:]
    answers = within(60, lambda: run(2, _chunks()))  # two: they would hang or mix answers
    assert [v for chunk in answers for v in chunk] == [expected(t) for t in TEXTS]


@fork_only
def test_a_child_forked_while_calls_are_in_flight_is_not_stuck(
    gateway: tuple[str, Counters], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, _ = gateway
    model = AimhubEmbeddings(model=MODEL, api_key=KEY, base_url=base, chunk_size=5)
    monkeypatch.setattr(sys.modules[__name__], "_inherited", model)
    limiter = shared_limiter(model._client.config)
    # The parent's calls in flight at the fork: every slot of the window taken.
    tickets = [limiter.acquire() for _ in range(limiter.state.window)]
    try:

        def run() -> list[list[list[float]]]:
            with multiprocessing.get_context("fork").Pool(1) as pool:
                return pool.map(_embed_inherited, _chunks()[:1])

        answers = within(60, run)
    finally:
        for ticket in tickets:
            limiter.release(ticket, RuntimeError("test"))
    assert answers == [[expected(t) for t in TEXTS[:20]]]
