"""`AimhubEmbedding` contract: a real `BaseEmbedding`, catalogue batches, four paths, events."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from llama_index.core import VectorStoreIndex
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import BaseComponent, TextNode

from aimhub import ConfigurationError
from llamaindex_aimhub.embeddings import AimhubEmbedding
from llamaindex_aimhub.postprocessor import AimhubRerank
from tests.embedding_fakes import embeddings_body, embeddings_handler, vector_for
from tests.fakes import FakeGateway
from tests.unit.llamaindex._events import collect_events

KEY = "sk-unit-test-key-0123456789"


@pytest.fixture(params=[False, True], ids=["sync", "async"])
def is_async(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


def make_embedding(handler: Any, model: str = "text-embedding-v3", **kw: Any) -> AimhubEmbedding:
    """An embedding whose clients both talk to `handler` (sync or async MockTransport)."""
    transport = httpx.MockTransport(handler)
    return AimhubEmbedding(
        model_name=model,
        api_key=KEY,
        api_base="https://gw.test/v1",
        http_client=httpx.Client(transport=transport),
        async_http_client=httpx.AsyncClient(transport=transport),
        max_retries=0,
        **kw,
    )


def test_is_a_llamaindex_base_embedding_with_its_own_class_name() -> None:
    assert issubclass(AimhubEmbedding, BaseEmbedding)
    assert issubclass(AimhubEmbedding, BaseComponent)
    assert AimhubEmbedding.class_name() == "AimhubEmbedding"
    model = make_embedding(embeddings_handler())
    assert model.to_dict()["class_name"] == "AimhubEmbedding"


@pytest.mark.parametrize(
    ("model", "options", "batch"),
    [
        ("text-embedding-v3", {}, 10),
        ("gemini-embedding-001", {}, 1),
        ("some-unknown-embedder", {}, 256),
        ("text-embedding-v3", {"embed_batch_size": 4}, 4),
        ("text-embedding-v3", {"capabilities": {"embedding_batch_size": 7}}, 7),
    ],
)
def test_embed_batch_size_defaults_to_the_catalogue_cap(
    model: str, options: dict[str, Any], batch: int
) -> None:
    assert AimhubEmbedding(model_name=model, api_key=KEY, **options).embed_batch_size == batch


def test_llamaindex_and_langchain_spellings_are_both_accepted() -> None:
    async_client = httpx.AsyncClient()
    model = AimhubEmbedding(
        model="m", api_key=KEY, base_url="https://gw.test", http_async_client=async_client
    )
    assert (model.model_name, model.api_base) == ("m", "https://gw.test")
    assert model._client.base_url == "https://gw.test/v1"
    assert model.async_http_client is async_client


def test_the_key_never_appears_in_serialised_forms() -> None:
    model = make_embedding(embeddings_handler())
    assert KEY not in json.dumps(model.to_dict(), default=str)
    assert KEY not in repr(model)
    if hasattr(model, "to_payload"):  # llama-index-core 0.14.16+
        assert KEY not in json.dumps(model.to_payload())


async def test_query_and_text_paths_embed_exactly_their_string(is_async: bool) -> None:
    gateway = FakeGateway(embeddings_handler())
    model = make_embedding(gateway)
    if is_async:
        query = await model.aget_query_embedding("q?")
        text = await model.aget_text_embedding("t.")
    else:
        query, text = model.get_query_embedding("q?"), model.get_text_embedding("t.")
    assert (query, text) == (vector_for("q?"), vector_for("t."))
    assert [body["input"] for body in gateway.bodies] == [["q?"], ["t."]]
    assert all(body["encoding_format"] == "float" for body in gateway.bodies)


async def test_batches_follow_embed_batch_size_keep_order_and_fire_events(is_async: bool) -> None:
    gateway = FakeGateway(embeddings_handler(order=None))
    model = make_embedding(gateway)
    texts = [f"chunk {i}" for i in range(25)]

    with collect_events() as events:
        if is_async:
            vectors = await model.aget_text_embedding_batch(texts)
        else:
            vectors = model.get_text_embedding_batch(texts)

    assert vectors == [vector_for(t) for t in texts]
    assert sorted(len(body["input"]) for body in gateway.bodies) == [5, 10, 10]
    assert events.names("EmbeddingStartEvent").count("EmbeddingStartEvent") == 3
    assert events.names("EmbeddingEndEvent").count("EmbeddingEndEvent") == 3


async def test_async_batches_run_concurrently_with_num_workers() -> None:
    in_flight, peak = 0, 0

    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        return httpx.Response(200, json=embeddings_body(json.loads(request.content)["input"]))

    model = make_embedding(slow, embed_batch_size=2, num_workers=3)
    texts = [f"chunk {i}" for i in range(12)]

    vectors = await model.aget_text_embedding_batch(texts)

    assert vectors == [vector_for(t) for t in texts]
    assert 1 < peak <= 3


def test_an_empty_node_text_is_refused_with_its_position() -> None:
    model = make_embedding(embeddings_handler())
    with pytest.raises(ConfigurationError, match=r"input\(s\) 1 are empty"):
        model.get_text_embedding_batch(["fine", ""])


def test_builds_and_queries_a_vector_store_index() -> None:
    nodes = [TextNode(text=t, id_=str(i)) for i, t in enumerate(["aa", "bbbbbbbb", "cccc"])]
    model = make_embedding(embeddings_handler())
    index = VectorStoreIndex(nodes=nodes, embed_model=model)

    # The query embeds exactly like node 1's text, so node 1 is the nearest.
    hits = index.as_retriever(similarity_top_k=1).retrieve("bbbbbbbb")

    assert [hit.node.node_id for hit in hits] == ["1"]


@pytest.mark.parametrize(
    ("cls", "model_field"), [(AimhubEmbedding, "model_name"), (AimhubRerank, "model")]
)
def test_a_missing_key_raises_aimhubs_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, cls: type[Any], model_field: str
) -> None:
    monkeypatch.delenv("AIMHUB_API_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="AIMHUB_API_KEY"):
        cls(**{model_field: "m"})
