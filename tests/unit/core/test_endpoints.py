"""Every endpoint: the request it sends and the tolerant typed model it returns."""

from __future__ import annotations

import gc
import weakref

import httpx
import pytest

from aimhub.types import (
    ChatCompletion,
    Completion,
    EmbeddingResponse,
    ModelList,
    RerankResponse,
)
from tests.fakes import FakeGateway, call, chat_completion, json_reply, make_client

HI = [{"role": "user", "content": "hi"}]

NEW_API_MODELS = {
    "success": True,
    "object": "list",
    "data": [
        {
            "id": "gpt-4o-mini",
            "object": "model",
            "created": 1626777600,
            "owned_by": "openai",
            "supported_endpoint_types": ["openai"],
        },
        {
            "id": "bge-reranker-v2-m3",
            "object": "model",
            "created": 1626777600,
            "owned_by": "custom",
            "supported_endpoint_types": ["jina-rerank"],
        },
        {
            "id": "mj_imagine",
            "object": "model",
            "owned_by": "midjourney",
            "supported_endpoint_types": None,
        },
    ],
}
ONE_API_MODELS = {
    "object": "list",
    "data": [
        {
            "id": "gpt-4",
            "object": "model",
            "created": 1626777600,
            "owned_by": "openai",
            "permission": [{"id": "modelperm-1"}],
            "root": "gpt-4",
            "parent": None,
        }
    ],
}


@pytest.mark.parametrize("body", [NEW_API_MODELS, ONE_API_MODELS], ids=["new-api", "one-api"])
async def test_list_models_is_a_get_without_body_and_reads_both_gateways(
    is_async: bool, body: dict[str, object]
) -> None:
    gateway = FakeGateway(json_reply(200, body))
    models = await call(make_client(gateway, is_async), "list_models")
    assert isinstance(models, ModelList)
    request = gateway.requests[0]
    assert (request.method, request.url.path, request.content) == ("GET", "/v1/models", b"")
    assert models.data[0].owned_by == "openai"
    if body is NEW_API_MODELS:
        assert models.success is True
        assert models.data[1].supported_endpoint_types == ["jina-rerank"]
        assert models.data[2].supported_endpoint_types == []
    else:
        assert models.data[0].permission == [{"id": "modelperm-1"}]  # extras are kept


async def test_chat_keeps_unknown_fields_and_tolerates_missing_ones(is_async: bool) -> None:
    body = {
        "choices": [
            {
                "message": {"role": "assistant", "content": "hi", "reasoning_content": "thinking"},
                "finish_reason": "stop",
                "usage": {"prompt_tokens": 1},
            }
        ],
        "usage": {"prompt_tokens": 3.0, "completion_tokens": "2", "total_tokens": None},
        "cost": 0.0012,
    }
    reply = await call(
        make_client(FakeGateway(json_reply(200, body)), is_async), "chat", model="m", messages=HI
    )
    assert isinstance(reply, ChatCompletion)
    assert reply.id is None
    message = reply.choices[0].message
    assert message is not None
    assert message.content == "hi"
    assert message.reasoning_content == "thinking"
    assert reply.usage is not None
    assert (reply.usage.prompt_tokens, reply.usage.completion_tokens) == (3, 2)
    assert reply.usage.total_tokens is None
    assert reply.cost == 0.0012  # type: ignore[attr-defined]
    assert reply.choices[0].usage is not None  # Moonshot's per-choice usage


async def test_chat_posts_to_chat_completions_with_stream_false(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, chat_completion()))
    await call(make_client(gateway, is_async), "chat", model="m", messages=HI)
    assert gateway.requests[0].url.path == "/v1/chat/completions"
    assert gateway.bodies[0] == {"model": "m", "messages": HI, "stream": False}


async def test_complete_posts_legacy_completions(is_async: bool) -> None:
    body = {
        "id": "cmpl-1",
        "object": "text_completion",
        "choices": [{"index": 0, "text": "Once upon", "finish_reason": ""}],
    }
    gateway = FakeGateway(json_reply(200, body))
    reply = await call(make_client(gateway, is_async), "complete", model="m", prompt="p")
    assert isinstance(reply, Completion)
    assert reply.choices[0].text == "Once upon"
    assert reply.choices[0].finish_reason is None
    assert gateway.requests[0].url.path == "/v1/completions"


@pytest.mark.parametrize(
    "embedding",
    [[0.1, 0.2, 0.3], "AACAPwAAAEA=", [[0.1, 0.2], [0.3, 0.4]]],
    ids=["floats", "base64", "per-token-vectors"],
)
async def test_embed_sends_the_body_as_given_and_keeps_any_vector_shape(
    is_async: bool, embedding: object
) -> None:
    body = {
        "object": "list",
        "model": "e",
        "data": [{"object": "embedding", "index": 0, "embedding": embedding}],
        "usage": {"prompt_tokens": 2, "total_tokens": 2},
    }
    gateway = FakeGateway(json_reply(200, body))
    reply = await call(
        make_client(gateway, is_async),
        "embed",
        {"model": "e", "input": ["hi"], "encoding_format": "float"},
    )
    assert isinstance(reply, EmbeddingResponse)
    assert reply.data[0].embedding == embedding
    assert gateway.bodies[0] == {"model": "e", "input": ["hi"], "encoding_format": "float"}
    assert gateway.requests[0].url.path == "/v1/embeddings"


@pytest.mark.parametrize(
    "body",
    [
        {
            "results": [
                {"index": 1, "relevance_score": 0.9, "document": {"text": "b"}},
                {"index": 0, "relevance_score": 0.1, "document": "a"},
            ]
        },
        {
            "data": [
                {"index": 1, "score": 0.9, "document": {"text": "b"}},
                {"index": 0, "score": 0.1, "document": "a"},
            ],
            "model": "r",
        },
    ],
    ids=["new-api-results", "data-and-score-aliases"],
)
async def test_rerank_reads_every_result_shape(is_async: bool, body: dict[str, object]) -> None:
    gateway = FakeGateway(json_reply(200, body))
    reply = await call(
        make_client(gateway, is_async),
        "rerank",
        model="r",
        query="q",
        documents=["a", "b"],
        top_n=2,
    )
    assert isinstance(reply, RerankResponse)
    assert [(r.index, r.relevance_score, r.text) for r in reply.results] == [
        (1, 0.9, "b"),
        (0, 0.1, "a"),
    ]
    assert gateway.requests[0].url.path == "/v1/rerank"
    assert gateway.bodies[0]["top_n"] == 2


async def test_a_parsed_answer_frees_its_http_response_at_once(is_async: bool) -> None:
    # httpx ties each response to its stream in a cycle; a read body would otherwise live until
    # the next full collection (tens of MB held across an embeddings run).
    seen: list[weakref.ref[httpx.Response]] = []

    def keep(response: httpx.Response) -> None:
        seen.append(weakref.ref(response))

    async def akeep(response: httpx.Response) -> None:
        keep(response)

    client = make_client(FakeGateway(json_reply(200, chat_completion())), is_async)
    client._http.event_hooks["response"] = [akeep if is_async else keep]
    gc.disable()
    try:
        reply = await call(client, "chat", model="m", messages=HI)
        assert reply.request_id is None
        assert seen
        assert seen[0]() is None
    finally:
        gc.enable()
