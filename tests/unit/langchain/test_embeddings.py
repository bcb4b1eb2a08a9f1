"""`AimhubEmbeddings`: LangChain fields, catalogue batches, order, errors, no downloads."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import httpx
import pytest
from langchain_core.exceptions import ModelAPIError, ModelRateLimitError

import aimhub
from aimhub import ConfigurationError
from langchain_aimhub.embeddings import AimhubEmbeddings
from tests.embedding_fakes import Handler, embeddings_handler, first_input_only_handler, vector_for
from tests.fakes import FakeGateway, json_reply

KEY = "sk-unit-test-key-0123456789"


@pytest.fixture(params=[False, True], ids=["sync", "async"])
def is_async(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.fixture(autouse=True)
def _no_ambient_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIMHUB_API_KEY", raising=False)
    monkeypatch.delenv("AIMHUB_BASE_URL", raising=False)


def make_embeddings(
    gateway: FakeGateway, model: str = "text-embedding-v3", **kwargs: Any
) -> AimhubEmbeddings:
    """Embeddings whose sync and async clients both talk to `gateway`."""
    transport = httpx.MockTransport(gateway)
    kwargs.setdefault("api_key", KEY)
    return AimhubEmbeddings(
        model=model,
        base_url="https://gw.test/v1",
        http_client=httpx.Client(transport=transport),
        http_async_client=httpx.AsyncClient(transport=transport),
        max_retries=0,
        **kwargs,
    )


async def embed_documents(model: AimhubEmbeddings, texts: list[str], is_async: bool) -> Any:
    return await model.aembed_documents(texts) if is_async else model.embed_documents(texts)


async def embed_query(model: AimhubEmbeddings, text: str, is_async: bool) -> Any:
    return await model.aembed_query(text) if is_async else model.embed_query(text)


def gateway_of(handler: Handler) -> FakeGateway:
    return FakeGateway(handler)


# --- construction --------------------------------------------------------------------------------


def test_model_is_accepted_as_model_or_model_name() -> None:
    by_alias = AimhubEmbeddings(model="text-embedding-v3", api_key=KEY)
    by_name = AimhubEmbeddings(model_name="text-embedding-v3", api_key=KEY)
    assert by_alias.model_name == by_name.model_name == by_alias.model == "text-embedding-v3"


@pytest.mark.parametrize(
    ("model", "options", "chunk_size"),
    [
        ("text-embedding-v3", {}, 10),
        ("text-embedding-3-large", {}, 256),
        ("gemini-embedding-001", {}, 1),
        ("text-embedding-v3", {"chunk_size": 4}, 4),
        ("text-embedding-v3", {"capabilities": {"embedding_batch_size": 25}}, 25),
    ],
)
def test_chunk_size_defaults_to_the_catalogue_cap_and_is_visible(
    model: str, options: dict[str, Any], chunk_size: int
) -> None:
    assert AimhubEmbeddings(model=model, api_key=KEY, **options).chunk_size == chunk_size


def test_key_and_base_url_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIMHUB_API_KEY", "sk-from-env")
    monkeypatch.setenv("AIMHUB_BASE_URL", "https://env.gw.test")
    model = AimhubEmbeddings(model="m")
    assert model.api_key is not None
    assert model.api_key.get_secret_value() == "sk-from-env"
    assert model._client.base_url == "https://env.gw.test/v1"


def test_a_missing_key_fails_at_construction_naming_the_variable() -> None:
    with pytest.raises(ValueError, match="AIMHUB_API_KEY"):
        AimhubEmbeddings(model="m")


@pytest.mark.parametrize(
    "options",
    [{"chunk_size": 0}, {"max_concurrency": 0}, {"dimensions": 0}],
)
def test_bad_settings_fail_at_construction(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        AimhubEmbeddings(model="m", api_key=KEY, **options)


def test_the_key_is_not_shown_in_repr() -> None:
    assert KEY not in repr(AimhubEmbeddings(model="m", api_key=KEY))


# --- requests ------------------------------------------------------------------------------------


async def test_documents_are_sent_in_batches_of_the_model_cap_and_returned_in_order(
    is_async: bool,
) -> None:
    gateway = gateway_of(embeddings_handler(order=None))
    texts = [f"doc {i}" for i in range(23)]

    vectors = await embed_documents(make_embeddings(gateway), texts, is_async)

    # Batches run concurrently: the order they reach the gateway in is free, the result's is not.
    batches = sorted((body["input"] for body in gateway.bodies), key=lambda b: texts.index(b[0]))
    assert [len(batch) for batch in batches] == [10, 10, 3]
    assert [t for batch in batches for t in batch] == texts
    assert vectors == [vector_for(t) for t in texts]


async def test_request_carries_strings_explicit_format_dimensions_and_model_kwargs(
    is_async: bool,
) -> None:
    gateway = gateway_of(embeddings_handler())
    model = make_embeddings(gateway, dimensions=512, model_kwargs={"user": "u-1"})

    await embed_query(model, "What is Aimhub?", is_async)

    assert gateway.bodies == [
        {
            "user": "u-1",
            "model": "text-embedding-v3",
            "input": ["What is Aimhub?"],
            "encoding_format": "float",
            "dimensions": 512,
        }
    ]
    assert gateway.requests[0].headers["authorization"] == f"Bearer {KEY}"


async def test_default_headers_are_sent(is_async: bool) -> None:
    gateway = gateway_of(embeddings_handler())
    model = make_embeddings(gateway, default_headers={"X-Team": "search"})
    await embed_query(model, "q", is_async)
    assert gateway.requests[0].headers["x-team"] == "search"


async def test_base64_responses_come_back_as_float_lists(is_async: bool) -> None:
    gateway = gateway_of(embeddings_handler(b64=True))
    model = make_embeddings(gateway, encoding_format="base64")

    vector = await embed_query(model, "hello", is_async)

    assert gateway.bodies[0]["encoding_format"] == "base64"
    assert vector == vector_for("hello")
    assert all(type(x) is float for x in vector)


async def test_shuffled_indices_are_put_back_in_input_order(is_async: bool) -> None:
    gateway = gateway_of(embeddings_handler(order=[2, 0, 1]))
    vectors = await embed_documents(make_embeddings(gateway), ["a", "bb", "ccc"], is_async)
    assert vectors == [vector_for("a"), vector_for("bb"), vector_for("ccc")]


async def test_a_short_batch_is_recovered_one_input_at_a_time(is_async: bool) -> None:
    gateway = gateway_of(first_input_only_handler())
    vectors = await embed_documents(make_embeddings(gateway), ["a", "bb"], is_async)
    assert vectors == [vector_for("a"), vector_for("bb")]
    assert len(gateway.requests) == 3


async def test_an_empty_list_makes_no_request(is_async: bool) -> None:
    gateway = gateway_of(embeddings_handler())
    assert await embed_documents(make_embeddings(gateway), [], is_async) == []
    assert gateway.requests == []


async def test_an_empty_string_is_refused_before_any_request(is_async: bool) -> None:
    gateway = gateway_of(embeddings_handler())
    with pytest.raises(ConfigurationError, match=r"input\(s\) 1 are empty strings"):
        await embed_documents(make_embeddings(gateway), ["fine", ""], is_async)
    assert gateway.requests == []


# --- errors --------------------------------------------------------------------------------------


async def test_gateway_errors_are_both_aimhub_and_langchain_errors(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(429, {"error": {"message": "您已达到请求数限制"}}))
    with pytest.raises(aimhub.RateLimitError) as info:
        await embed_query(make_embeddings(gateway), "q", is_async)
    assert isinstance(info.value, ModelRateLimitError)


async def test_per_token_vectors_raise_the_llama_cpp_explanation(is_async: bool) -> None:
    body = {"data": [{"index": 0, "embedding": [[0.1, 0.2], [0.3, 0.4]]}]}
    gateway = FakeGateway(json_reply(200, body))
    with pytest.raises(aimhub.APIResponseValidationError, match="--pooling mean") as info:
        await embed_query(make_embeddings(gateway), "hi", is_async)
    assert isinstance(info.value, ModelAPIError)


def test_embedding_imports_and_runs_without_tiktoken_or_downloads() -> None:
    code = """
import sys, httpx
from langchain_aimhub.embeddings import AimhubEmbeddings
def handle(request):
    return httpx.Response(200, json={"data": [{"index": 0, "embedding": [0.5]}]})
model = AimhubEmbeddings(model="text-embedding-3-small", api_key="k",
                         http_client=httpx.Client(transport=httpx.MockTransport(handle)))
assert model.embed_query("hello") == [0.5]
print(",".join(m for m in ("tiktoken", "transformers", "tokenizers") if m in sys.modules))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
