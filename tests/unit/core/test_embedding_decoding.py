"""The embeddings answer path: one parse for large bodies, no per-vector copy, base64 by catalogue.

Correctness only (benchmarks/decoding.py measures the speed): vectors are the same on the float
and base64 paths, small and large bodies, and a float answer to a base64 request still decodes.
"""

from __future__ import annotations

import base64
import json
import struct
from typing import Any

import httpx
import pytest

from aimhub import APIError
from aimhub._embeddings import Embedder, decode_vector
from aimhub._response import _PARSE_ONCE_BYTES
from aimhub.types import EmbeddingResponse
from tests.fakes import FakeGateway, make_client
from tests.unit.core.test_embeddings_core import embed

DIMS = 128


def wide_vector(position: int) -> list[float]:
    # Multiples of 1/64 below 2**17 are exact in float32, so base64 round-trips them exactly.
    return [((position * 31 + k * 7) % 4096 - 2048) / 64 for k in range(DIMS)]


def wide_handler(*, answer: str | None = None) -> Any:
    """A gateway answering DIMS-wide vectors, in the format asked for unless `answer` is set."""

    def handle(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        encoding = answer or body["encoding_format"]
        data = []
        for i, text in enumerate(body["input"]):
            vector = wide_vector(int(text.split()[-1]))
            value: object = vector
            if encoding == "base64":
                value = base64.b64encode(struct.pack(f"<{DIMS}f", *vector)).decode()
            data.append({"object": "embedding", "index": i, "embedding": value})
        return httpx.Response(200, json={"object": "list", "data": data, "model": body["model"]})

    return handle


def texts(count: int) -> list[str]:
    return [f"text {i}" for i in range(count)]


@pytest.mark.parametrize("batch", [4, 256], ids=["small bodies", "large bodies"])
async def test_float_and_base64_answers_give_identical_vectors(is_async: bool, batch: int) -> None:
    inputs = texts(300)
    results = {}
    for encoding in ("float", "base64"):
        gateway = FakeGateway(wide_handler())
        embedder = Embedder.create("m", batch_size=batch, encoding_format=encoding)
        results[encoding] = await embed(embedder, make_client(gateway, is_async), inputs)
        assert {body["encoding_format"] for body in gateway.bodies} == {encoding}

    expected = [wide_vector(i) for i in range(300)]
    assert results["float"] == expected
    assert results["base64"] == expected
    assert all(type(x) is float for v in results["float"] + results["base64"] for x in v)


async def test_a_float_answer_to_a_base64_request_is_decoded(is_async: bool) -> None:
    # Converted channels (Gemini, DashScope native) ignore encoding_format and answer floats.
    gateway = FakeGateway(wide_handler(answer="float"))
    embedder = Embedder.create("m", batch_size=256, encoding_format="base64")

    vectors = await embed(embedder, make_client(gateway, is_async), texts(300))

    assert gateway.bodies[0]["encoding_format"] == "base64"
    assert vectors == [wide_vector(i) for i in range(300)]


def test_large_bodies_are_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # The parse in check_response is reused: validating the bytes again would parse them twice.
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the body was parsed a second time")

    monkeypatch.setattr(EmbeddingResponse, "model_validate_json", refuse)
    gateway = FakeGateway(wide_handler())
    client = make_client(gateway, False)
    embedder = Embedder.create("m", batch_size=256, encoding_format="float")

    vectors = embedder.embed(client, texts(256))  # type: ignore[arg-type]

    assert len(gateway.requests[0].content) > 0
    assert vectors == [wide_vector(i) for i in range(256)]


async def test_a_large_error_envelope_at_200_is_still_an_error(is_async: bool) -> None:
    message = "upstream failed: " + "x" * _PARSE_ONCE_BYTES
    gateway = FakeGateway(
        lambda request: httpx.Response(200, json={"error": {"message": message, "type": "x"}})
    )
    embedder = Embedder.create("m", encoding_format="float")

    with pytest.raises(APIError, match="upstream failed"):
        await embed(embedder, make_client(gateway, is_async), ["a"])


def test_a_float_vector_is_returned_without_a_copy() -> None:
    vector = [0.5, -0.25, 1e-3]
    assert decode_vector(vector, 0, model="m") is vector


def test_integer_vectors_are_converted_and_non_numbers_refused() -> None:
    decoded = decode_vector([1, 0, -2], 0, model="m")
    assert decoded == [1.0, 0.0, -2.0]
    assert all(type(x) is float for x in decoded)
    with pytest.raises(APIError, match="not a list of numbers"):
        decode_vector([0.5, "0.25"], 0, model="m")
    with pytest.raises(APIError, match="not a list of numbers"):
        decode_vector([0.5, None], 0, model="m")


# --- base64 as catalogue data --------------------------------------------------------------------


def test_floats_are_asked_for_unless_the_catalogue_says_base64() -> None:
    assert Embedder.create("text-embedding-3-small").encoding_format == "float"
    assert Embedder.create("text-embedding-v3").encoding_format == "float"
    on = {"embedding_base64": True}
    assert Embedder.create("text-embedding-3-small", capabilities=on).encoding_format == "base64"
    # An explicit choice wins over the catalogue.
    explicit = Embedder.create("m", capabilities=on, encoding_format="float")
    assert explicit.encoding_format == "float"
    assert Embedder.create("m", encoding_format=None).encoding_format == "float"


def test_both_adapters_take_the_wire_format_from_the_catalogue() -> None:
    from langchain_aimhub import AimhubEmbeddings
    from llamaindex_aimhub import AimhubEmbedding
    from tests.fakes import TEST_KEY

    on = {"embedding_base64": True}
    options: dict[str, Any] = {"api_key": TEST_KEY, "base_url": "http://gw.test/v1"}
    lc = AimhubEmbeddings(model="text-embedding-3-small", capabilities=on, **options)
    li = AimhubEmbedding(
        model_name="text-embedding-3-small",
        capabilities=on,
        api_key=TEST_KEY,
        api_base="http://gw.test/v1",
    )
    assert lc._embedder().encoding_format == "base64"
    assert li._embedder().encoding_format == "base64"
    assert (
        AimhubEmbeddings(model="text-embedding-3-small", **options)
        ._embedder()
        .body(["a"])["encoding_format"]
        == "float"
    )
    plain = AimhubEmbedding(
        model_name="text-embedding-3-small", api_key=TEST_KEY, api_base="http://gw.test/v1"
    )
    assert plain._embedder().body(["a"])["encoding_format"] == "float"
