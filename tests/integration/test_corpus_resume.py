"""Resuming an interrupted corpus job: what a rerun pays for, with each framework's cache.

The gateway (an `httpx.MockTransport`) answers requests until it has embedded `healthy_for`
texts, then fails every request for good (500, no retries): a job interrupted part-way. It
records every text it answered, which is what the job paid for. docs/throughput.md,
"Resuming a corpus job", shows the same code.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from langchain_classic.embeddings import CacheBackedEmbeddings
from langchain_core.stores import InMemoryByteStore
from llama_index.core import Document
from llama_index.core.ingestion import DocstoreStrategy, IngestionCache, IngestionPipeline
from llama_index.core.storage.docstore import SimpleDocumentStore
from llama_index.core.storage.kvstore import SimpleKVStore

import aimhub
from langchain_aimhub import AimhubEmbeddings
from llamaindex_aimhub import AimhubEmbedding
from tests.embedding_fakes import embeddings_body, inputs_of, vector_for

MODEL = "text-embedding-3-small"
TEXTS = [f"{chr(65 + i % 26)}text {i}" for i in range(100)]


class Gateway:
    """Embeds until `healthy_for` texts are answered, then fails every request."""

    def __init__(self, healthy_for: int | None = None) -> None:
        self.healthy_for = healthy_for
        self.answered: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        inputs = inputs_of(request)
        with self._lock:  # batches arrive on several threads
            limit = self.healthy_for
            if limit is not None and len(self.answered) + len(inputs) > limit:
                return httpx.Response(500, json={"error": {"message": "upstream failed"}})
            self.answered.extend(inputs)
        return httpx.Response(200, json=embeddings_body(inputs))


def _client(gateway: Gateway) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(gateway))


def _langchain(gateway: Gateway) -> AimhubEmbeddings:
    return AimhubEmbeddings(
        model=MODEL,
        api_key="sk-test",
        base_url="https://gw.test",
        chunk_size=10,
        max_retries=0,
        http_client=_client(gateway),
    )


def _llamaindex(gateway: Gateway, **options: Any) -> AimhubEmbedding:
    return AimhubEmbedding(
        model=MODEL,
        api_key="sk-test",
        base_url="https://gw.test",
        embed_batch_size=10,
        max_retries=0,
        http_client=_client(gateway),
        **options,
    )


def test_a_failed_call_names_exactly_the_inputs_it_lost() -> None:
    gateway = Gateway(healthy_for=60)  # 6 of the 10 batches, in whatever order they arrive
    with pytest.raises(aimhub.EmbeddingBatchError) as caught:
        _langchain(gateway).embed_documents(TEXTS)
    error = caught.value
    lost = [i for i, text in enumerate(TEXTS) if text not in gateway.answered]
    assert len(lost) == 40
    assert error.failed_inputs == lost
    assert [i for i, v in enumerate(error.vectors) if v is None] == lost
    for text, vector in zip(TEXTS, error.vectors, strict=True):
        assert vector is None or vector == vector_for(text)
    assert "40 of 100 inputs were not embedded" in str(error)
    assert all(isinstance(e, aimhub.InternalServerError) for e in error.errors)


def _cached(gateway: Gateway, store: InMemoryByteStore) -> CacheBackedEmbeddings:
    return CacheBackedEmbeddings.from_bytes_store(
        _langchain(gateway), store, namespace=MODEL, batch_size=20, key_encoder="sha256"
    )


def test_cache_backed_embeddings_resume_where_the_job_stopped() -> None:
    store = InMemoryByteStore()
    broken = Gateway(healthy_for=60)  # calls of 20 texts: three succeed, the fourth fails
    with pytest.raises(aimhub.EmbeddingBatchError):
        _cached(broken, store).embed_documents(TEXTS)
    assert sorted(broken.answered) == sorted(TEXTS[:60])

    healthy = Gateway()
    vectors = _cached(healthy, store).embed_documents(TEXTS)
    assert sorted(healthy.answered) == sorted(TEXTS[60:])  # the missing 40 %, nothing twice
    assert vectors == [vector_for(t) for t in TEXTS]


def embed_keeping_partial(embeddings: CacheBackedEmbeddings, texts: list[str]) -> Any:
    """docs/throughput.md: also keep what the failed call did embed."""
    try:
        return embeddings.embed_documents(texts)
    except aimhub.EmbeddingBatchError as error:
        # The failed call was for the first texts still missing from the store, in order.
        store = embeddings.document_embedding_store
        missing = [t for t, v in zip(texts, store.mget(texts), strict=True) if v is None]
        store.mset([(t, v) for t, v in zip(missing, error.vectors, strict=False) if v is not None])
        raise


def test_keeping_a_failed_calls_vectors_resumes_to_the_input() -> None:
    store = InMemoryByteStore()
    broken = Gateway(healthy_for=70)  # the fourth call of 20 gets one of its two batches
    with pytest.raises(aimhub.EmbeddingBatchError) as caught:
        embed_keeping_partial(_cached(broken, store), TEXTS)
    assert len(caught.value.failed_inputs) == 10
    assert len(broken.answered) == 70

    healthy = Gateway()
    vectors = embed_keeping_partial(_cached(healthy, store), TEXTS)
    assert sorted(healthy.answered) == sorted(set(TEXTS) - set(broken.answered))
    assert len(healthy.answered) == 30
    assert vectors == [vector_for(t) for t in TEXTS]


def _documents() -> list[Document]:
    return [Document(text=text, id_=f"doc-{i}") for i, text in enumerate(TEXTS)]


def _pipeline(embedding: AimhubEmbedding) -> IngestionPipeline:
    return IngestionPipeline(
        transformations=[embedding],
        cache=IngestionCache(),
        docstore=SimpleDocumentStore(),
        docstore_strategy=DocstoreStrategy.DUPLICATES_ONLY,  # the only one without a vector store
    )


def test_ingestion_pipeline_cache_does_not_resume_a_failed_run() -> None:
    # The cache holds one entry per (transformation, whole list of nodes): a run whose
    # embedding step failed left no entry for it, and the rerun pays for every node again.
    pipeline = _pipeline(_llamaindex(Gateway(healthy_for=60)))
    with pytest.raises(aimhub.EmbeddingBatchError):
        pipeline.run(documents=_documents())

    # The same pipeline object is worse: the failed run already marked its documents as seen
    # in the docstore, so the rerun skips them all and embeds nothing.
    healthy = Gateway()
    pipeline.transformations = [_llamaindex(healthy)]
    assert pipeline.run(documents=_documents()) == []
    assert healthy.answered == []

    fresh = _pipeline(_llamaindex(healthy))
    nodes = fresh.run(documents=_documents())
    assert sorted(healthy.answered) == sorted(TEXTS)  # batches arrive in any order
    assert [n.embedding for n in nodes] == [vector_for(t) for t in TEXTS]


def test_ingestion_pipeline_resumes_by_part_when_persisted_after_each(tmp_path: Path) -> None:
    state = tmp_path / "pipeline-state"
    kept: dict[str, list[float]] = {}  # stands for your vector store

    def run(gateway: Gateway) -> None:
        pipeline = _pipeline(_llamaindex(gateway))
        if state.exists():
            pipeline.load(str(state))
        documents = _documents()
        for start in range(0, len(documents), 20):
            for node in pipeline.run(documents=documents[start : start + 20]):
                assert node.embedding is not None
                kept[node.get_content()] = node.embedding
            pipeline.persist(str(state))  # only after the part is done

    broken = Gateway(healthy_for=50)  # the third part of 20 fails half-way
    with pytest.raises(aimhub.EmbeddingBatchError):
        run(broken)
    assert len(kept) == 40

    healthy = Gateway()
    run(healthy)
    assert sorted(healthy.answered) == sorted(TEXTS[40:])  # the failed part again, the rest
    assert kept == {t: vector_for(t) for t in TEXTS}


def test_an_embeddings_cache_resumes_to_the_batch() -> None:
    cache = SimpleKVStore()  # a persistent BaseKVStore in a real job
    broken = Gateway(healthy_for=65)
    with pytest.raises(aimhub.EmbeddingBatchError) as caught:
        _llamaindex(broken, embeddings_cache=cache).get_text_embedding_batch(TEXTS)
    # The first window (8 batches, sent together) lost 2 batches; the 6 served were stored.
    assert len(broken.answered) == 60
    assert len(caught.value.failed_inputs) == 20

    healthy = Gateway()
    pipeline = IngestionPipeline(transformations=[_llamaindex(healthy, embeddings_cache=cache)])
    nodes = pipeline.run(documents=_documents())
    assert sorted(healthy.answered) == sorted(set(TEXTS) - set(broken.answered))
    assert len(healthy.answered) == 40  # nothing paid twice
    assert [n.embedding for n in nodes] == [vector_for(t) for t in TEXTS]


def test_an_embeddings_cache_keeps_batches_concurrent() -> None:
    cache = SimpleKVStore()
    in_flight = peak = 0
    lock = threading.Lock()
    gateway = Gateway()

    def answer(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        try:
            threading.Event().wait(0.02)  # long enough for the window's batches to overlap
            return gateway(request)
        finally:
            with lock:
                in_flight -= 1

    model = AimhubEmbedding(
        model=MODEL,
        api_key="sk-test",
        base_url="https://gw.test",
        embed_batch_size=10,
        max_concurrency=4,
        http_client=httpx.Client(transport=httpx.MockTransport(answer)),
        embeddings_cache=cache,
    )
    texts = [*TEXTS, *TEXTS[:15]]  # repeats across batches: fetched once, then read back
    assert model.get_text_embedding_batch(texts) == [vector_for(t) for t in texts]
    assert peak == 4
    assert sorted(gateway.answered) == sorted(TEXTS)
    assert model.get_text_embedding_batch(TEXTS[:30]) == [vector_for(t) for t in TEXTS[:30]]
    assert len(gateway.answered) == 100  # the second call came from the cache

    model.embeddings_cache = SimpleKVStore()
    gateway.answered.clear()
    repeated = [*TEXTS[:20], *TEXTS[:10]]  # the third batch repeats the first, in one window
    assert model.get_text_embedding_batch(repeated) == [vector_for(t) for t in repeated]
    assert sorted(gateway.answered) == sorted(TEXTS[:20])  # each text paid for once
