"""`aimhub._embeddings`: strings only, per-model batches, checked order, decoding, concurrency."""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import threading
import time
from typing import Any

import httpx
import pytest

from aimhub import (
    AimhubClient,
    AsyncAimhubClient,
    BadRequestError,
    ConfigurationError,
    InternalServerError,
)
from aimhub._embeddings import (
    Embedder,
    EmbeddingCountError,
    check_inputs,
    decode_vector,
    read_vectors,
)
from aimhub._exceptions import APIResponseValidationError
from aimhub.types import EmbeddingResponse
from tests.embedding_fakes import (
    as_base64,
    embeddings_body,
    embeddings_handler,
    first_input_only_handler,
    vector_for,
)
from tests.fakes import TEST_KEY, FakeGateway, json_reply, make_client

Client = AimhubClient | AsyncAimhubClient


async def embed(embedder: Embedder, client: Client, texts: list[str]) -> list[list[float]]:
    """One test body for both worlds."""
    if isinstance(client, AsyncAimhubClient):
        return await embedder.aembed(client, texts)
    return embedder.embed(client, texts)


def texts(count: int) -> list[str]:
    return [f"text number {i}" for i in range(count)]


# --- batch sizes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "cap"),
    [
        ("text-embedding-v3", 10),
        ("text-embedding-v4", 10),
        ("text-embedding-v1", 10),
        ("embedding-v1", 16),
        ("embedding-3", 64),
        ("gemini-embedding-001", 1),
        ("text-embedding-3-small", 256),
        ("some-unknown-embedder", 256),
    ],
)
def test_batch_size_defaults_to_the_model_cap_in_the_catalogue(model: str, cap: int) -> None:
    assert Embedder.create(model).batch_size == cap


def test_batch_size_can_be_overridden_directly_or_through_capabilities() -> None:
    assert Embedder.create("text-embedding-v3", batch_size=3).batch_size == 3
    caps = {"embedding_batch_size": 32}
    assert Embedder.create("text-embedding-v3", capabilities=caps).batch_size == 32


@pytest.mark.parametrize(
    "options",
    [
        {"batch_size": 0},
        {"max_concurrency": 0},
        {"dimensions": -1},
        {"encoding_format": "int8"},
    ],
)
def test_invalid_settings_are_refused_at_construction(options: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        Embedder.create("m", **options)


async def test_inputs_are_split_by_the_dashscope_cap_and_stitched_in_order(
    is_async: bool,
) -> None:
    gateway = FakeGateway(embeddings_handler())
    client = make_client(gateway, is_async)
    inputs = texts(25)

    vectors = await embed(Embedder.create("text-embedding-v3"), client, inputs)

    # Batches run concurrently: the order they reach the gateway in is free, the result's is not.
    batches = sorted((body["input"] for body in gateway.bodies), key=lambda b: inputs.index(b[0]))
    assert [len(batch) for batch in batches] == [10, 10, 5]
    assert [t for batch in batches for t in batch] == inputs
    assert vectors == [vector_for(t) for t in inputs]


async def test_request_sends_strings_float_format_and_no_dimensions_by_default(
    is_async: bool,
) -> None:
    gateway = FakeGateway(embeddings_handler())
    await embed(Embedder.create("m"), make_client(gateway, is_async), ["héllo wörld"])

    assert gateway.bodies == [{"model": "m", "input": ["héllo wörld"], "encoding_format": "float"}]


def test_dimensions_are_sent_when_set_and_extra_fields_never_override_ours() -> None:
    embedder = Embedder.create(
        "m", dimensions=256, extra_body={"user": "u1", "input": "x", "model": "other"}
    )
    assert embedder.body(["a"]) == {
        "user": "u1",
        "model": "m",
        "input": ["a"],
        "encoding_format": "float",
        "dimensions": 256,
    }


async def test_empty_list_makes_no_request(is_async: bool) -> None:
    gateway = FakeGateway(embeddings_handler())
    assert await embed(Embedder.create("m"), make_client(gateway, is_async), []) == []
    assert gateway.requests == []


# --- input checks -------------------------------------------------------------------------------


def test_token_ids_are_refused_with_the_index_named() -> None:
    with pytest.raises(TypeError, match=r"input 1 is token ids, not a string"):
        check_inputs(["fine", [101, 2023, 102]])  # type: ignore[list-item]


def test_a_single_string_is_refused_instead_of_embedding_its_characters() -> None:
    with pytest.raises(TypeError, match="not one string"):
        check_inputs("hello")


async def test_empty_strings_are_refused_before_any_request_with_positions_and_fix(
    is_async: bool,
) -> None:
    gateway = FakeGateway(embeddings_handler())
    with pytest.raises(ConfigurationError, match=r"input\(s\) 1, 3 are empty strings") as info:
        await embed(Embedder.create("m"), make_client(gateway, is_async), ["a", "", "b", ""])
    assert "drop them" in str(info.value)
    assert gateway.requests == []


def test_whitespace_is_sent_unchanged() -> None:
    assert check_inputs([" ", "\n tab\t"]) == [" ", "\n tab\t"]


# --- order ---------------------------------------------------------------------------------------


def _response(inputs: list[str], **options: Any) -> EmbeddingResponse:
    return EmbeddingResponse.model_validate(embeddings_body(inputs, **options))


@pytest.mark.parametrize(
    ("order", "indices", "expected"),
    [
        pytest.param([2, 0, 1], None, ["a", "b", "c"], id="shuffled-permutation-is-sorted"),
        pytest.param([0, 1, 2], [0, 0, 0], ["a", "b", "c"], id="all-zero-uses-response-order"),
        pytest.param([0, 1, 2], [0, 1, 1], ["a", "b", "c"], id="duplicated-uses-response-order"),
        pytest.param([0, 1, 2], ["omit"] * 3, ["a", "b", "c"], id="missing-uses-response-order"),
        pytest.param([0, 1, 2], [0, "omit", 2], ["a", "b", "c"], id="partly-missing"),
        pytest.param([0, 1, 2], [1, 2, 3], ["a", "b", "c"], id="one-based-uses-response-order"),
        pytest.param([1, 0, 2], [0, 0, 0], ["b", "a", "c"], id="response-order-kept-as-sent"),
    ],
)
def test_vectors_follow_index_only_when_it_is_a_permutation(
    order: list[int], indices: list[Any] | None, expected: list[str]
) -> None:
    vectors = read_vectors(_response(["a", "b", "c"], order=order, indices=indices), 3, model="m")
    assert vectors == [vector_for(t) for t in expected]


def test_a_count_mismatch_is_reported_not_misaligned() -> None:
    with pytest.raises(EmbeddingCountError) as info:
        read_vectors(_response(["a"]), 2, model="m")
    assert (info.value.expected, info.value.got) == (2, 1)


async def test_short_batch_is_retried_one_input_per_request(
    is_async: bool, caplog: pytest.LogCaptureFixture
) -> None:
    gateway = FakeGateway(first_input_only_handler())
    inputs = texts(3)

    with caplog.at_level(logging.WARNING, logger="aimhub"):
        vectors = await embed(Embedder.create("m"), make_client(gateway, is_async), inputs)

    assert vectors == [vector_for(t) for t in inputs]
    assert [body["input"] for body in gateway.bodies] == [inputs, *[[t] for t in inputs]]
    assert "retrying each input alone" in caplog.text


async def test_a_single_input_that_still_mismatches_raises_a_clear_error(is_async: bool) -> None:
    empty = {"object": "list", "data": [], "model": "m"}
    gateway = FakeGateway(json_reply(200, empty))

    with pytest.raises(EmbeddingCountError, match="single input") as info:
        await embed(Embedder.create("m"), make_client(gateway, is_async), ["a", "b"])

    assert "cannot be matched" in str(info.value)
    # The batch, then single inputs (async sends them concurrently, sync stops at the first).
    assert gateway.bodies[0]["input"] == ["a", "b"]
    assert all(len(body["input"]) == 1 for body in gateway.bodies[1:])


# --- decoding ------------------------------------------------------------------------------------


def test_base64_decodes_to_the_same_floats_as_the_float_format() -> None:
    vector = [0.25, -1.5, 3.0, 1e-3, -7.75e5]
    decoded = decode_vector(as_base64(vector), 0, model="m")
    assert decoded == pytest.approx(vector, rel=1e-6)
    assert all(type(x) is float for x in decoded)


async def test_base64_format_is_requested_and_decoded(is_async: bool) -> None:
    gateway = FakeGateway(embeddings_handler(b64=True))
    embedder = Embedder.create("m", encoding_format="base64")

    vectors = await embed(embedder, make_client(gateway, is_async), ["a", "bb"])

    assert gateway.bodies[0]["encoding_format"] == "base64"
    assert vectors == [vector_for("a"), vector_for("bb")]


def test_integer_components_come_back_as_floats() -> None:
    assert decode_vector([0, 1, -2], 0, model="m") == [0.0, 1.0, -2.0]


@pytest.mark.parametrize(
    "value",
    [None, [], {"values": [1.0]}, ["x", "y"], "not base64!", "AAA=", 3.0],
    ids=["null", "empty", "object", "strings", "bad-base64", "base64-not-float32", "number"],
)
def test_malformed_vectors_raise_a_validation_error_naming_the_input(value: object) -> None:
    with pytest.raises(APIResponseValidationError, match="input 4"):
        decode_vector(value, 4, model="m")


def test_per_token_vectors_from_llama_cpp_raise_an_error_that_says_what_to_do() -> None:
    per_token = [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]
    with pytest.raises(APIResponseValidationError) as info:
        decode_vector(per_token, 0, model="smollm2")
    message = str(info.value)
    assert "one vector per token" in message
    assert "2 vectors of 3 numbers" in message
    assert "llama.cpp" in message
    assert "--pooling mean" in message


async def test_per_token_vectors_through_the_client_raise_not_misshape(is_async: bool) -> None:
    body = {"object": "list", "data": [{"index": 0, "embedding": [[0.1, 0.2], [0.3, 0.4]]}]}
    gateway = FakeGateway(json_reply(200, body))
    with pytest.raises(APIResponseValidationError, match="per token"):
        await embed(Embedder.create("m"), make_client(gateway, is_async), ["hi there"])


# --- errors and concurrency ---------------------------------------------------------------------


async def test_a_failed_batch_raises_the_gateway_error(is_async: bool) -> None:
    error = {"error": {"message": "batch size is invalid, it should not be larger than 10"}}
    gateway = FakeGateway(json_reply(400, error))
    with pytest.raises(BadRequestError, match="larger than 10"):
        await embed(Embedder.create("m", batch_size=20), make_client(gateway, is_async), texts(3))


class _SlowGateway:
    """Answers after a delay that makes later batches finish first; tracks requests in flight."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.peak = 0
        self._lock = threading.Lock()

    def _enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)

    def _leave(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.in_flight -= 1
        return httpx.Response(200, json=embeddings_body(json.loads(request.content)["input"]))

    @staticmethod
    def _delay(request: httpx.Request) -> float:
        first = json.loads(request.content)["input"][0]
        return 0.05 / (1 + int(first.rsplit(" ", 1)[1]))  # early batches are slowest

    def handle(self, request: httpx.Request) -> httpx.Response:
        self._enter()
        time.sleep(self._delay(request))
        return self._leave(request)

    async def ahandle(self, request: httpx.Request) -> httpx.Response:
        self._enter()
        await asyncio.sleep(self._delay(request))
        return self._leave(request)


async def test_concurrent_batches_keep_input_order_and_respect_the_limit(is_async: bool) -> None:
    gateway = _SlowGateway()
    options: dict[str, Any] = {"api_key": TEST_KEY, "base_url": "https://gateway.test/v1"}
    client: Client
    if is_async:
        transport = httpx.MockTransport(gateway.ahandle)
        client = AsyncAimhubClient(http_client=httpx.AsyncClient(transport=transport), **options)
    else:
        transport = httpx.MockTransport(gateway.handle)
        client = AimhubClient(http_client=httpx.Client(transport=transport), **options)
    inputs = texts(12)

    vectors = await embed(Embedder.create("m", batch_size=1, max_concurrency=3), client, inputs)

    assert vectors == [vector_for(t) for t in inputs]
    assert 1 < gateway.peak <= 3


def test_progress_bar_counts_every_input(monkeypatch: pytest.MonkeyPatch) -> None:
    updates: list[int] = []

    class FakeBar:
        def __init__(self, **kwargs: Any) -> None:
            assert kwargs["total"] == 5

        def __enter__(self) -> FakeBar:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def update(self, count: int) -> None:
            updates.append(count)

    monkeypatch.setattr(importlib.import_module("tqdm.auto"), "tqdm", FakeBar)
    client = make_client(FakeGateway(embeddings_handler()), is_async=False)
    embedder = Embedder.create("m", batch_size=2, show_progress_bar=True)
    assert isinstance(client, AimhubClient)

    embedder.embed(client, texts(5))

    assert sorted(updates) == [1, 2, 2]


def test_progress_bar_without_tqdm_warns_and_still_embeds(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real_import = importlib.import_module

    def no_tqdm(name: str, package: str | None = None) -> Any:
        if name.startswith("tqdm"):
            raise ImportError(name)
        return real_import(name, package)

    monkeypatch.setattr(importlib, "import_module", no_tqdm)
    client = make_client(FakeGateway(embeddings_handler()), is_async=False)
    assert isinstance(client, AimhubClient)

    with caplog.at_level(logging.WARNING, logger="aimhub"):
        vectors = Embedder.create("m", show_progress_bar=True).embed(client, ["a"])

    assert vectors == [vector_for("a")]
    assert "needs tqdm" in caplog.text


# --- failed batches report their inputs -------------------------------------------------------


def _failing_batch(bad: str, status: int = 500) -> Any:
    """Answers every batch, except a 5xx for the batch holding `bad`."""

    def reply(request: httpx.Request) -> httpx.Response:
        texts = json.loads(request.content)["input"]
        if bad in texts:
            return httpx.Response(status, json={"error": {"message": "upstream failed"}})
        data = [{"index": i, "embedding": [float(len(t))]} for i, t in enumerate(texts)]
        return httpx.Response(200, json={"data": data})

    return reply


async def test_a_failed_batch_names_its_inputs_and_keeps_the_others(is_async: bool) -> None:
    from aimhub._embeddings import EmbeddingBatchError

    inputs = [f"t{i}" for i in range(10)]
    gateway = FakeGateway(_failing_batch("t5"))
    client = make_client(gateway, is_async)
    embedder = Embedder.create("m", batch_size=3, max_concurrency=2)
    with pytest.raises(EmbeddingBatchError, match=r"3 of 10 inputs .*inputs 3-5") as caught:
        await embed(embedder, client, inputs)
    assert caught.value.failed_inputs == [3, 4, 5]
    assert caught.value.vectors == [[2.0]] * 3 + [None] * 3 + [[2.0]] * 4
    assert isinstance(caught.value.__cause__, InternalServerError)
    assert len(gateway.requests) == 4  # every batch was tried


async def test_an_auth_error_stops_sending_the_remaining_batches(is_async: bool) -> None:
    from aimhub._embeddings import EmbeddingBatchError

    gateway = FakeGateway(json_reply(401, {"error": {"message": "无效的令牌"}}))
    client = make_client(gateway, is_async)
    embedder = Embedder.create("m", batch_size=1, max_concurrency=1)
    with pytest.raises(EmbeddingBatchError) as caught:
        await embed(embedder, client, ["a", "b", "c"])
    assert caught.value.failed_inputs == [0, 1, 2]
    assert len(gateway.requests) == 1
