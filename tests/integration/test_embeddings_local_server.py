"""Both embedding adapters against llama.cpp's per-token embeddings, recorded from a real server.

llama-cpp-python's server with `--embedding true` (`scripts/record-local.sh`, port 8090) serves a
chat model with no pooling, and answers `POST /v1/embeddings` with one vector per *token* for each
input. The adapters must refuse that with an error that says what the server did and how to fix
it, instead of crashing or returning mis-shaped vectors. Replayed from
`cassettes/embeddings/local_server/`; re-record with `make record-local`.
"""

from __future__ import annotations

import os

import pytest

from aimhub import APIResponseValidationError
from langchain_aimhub import AimhubEmbeddings
from llamaindex_aimhub import AimhubEmbedding
from tests.conftest import CASSETTES

pytestmark = [pytest.mark.local_server, pytest.mark.vcr]

EMBED_URL = os.environ.get("AIMHUB_LOCAL_EMBED_BASE_URL", "http://127.0.0.1:8090/v1")
MODEL = os.environ.get("AIMHUB_LOCAL_MODEL", "smollm2-135m-instruct")
#: Not a secret: the local server takes any key. Filtered from cassettes all the same.
KEY = "sk-local-test"


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    """These cassettes live with the other embeddings cassettes."""
    return str(CASSETTES / "embeddings" / "local_server")


def _assert_explains_per_token_vectors(error: APIResponseValidationError) -> None:
    message = str(error)
    assert "one vector per token" in message
    assert "576 numbers" in message  # SmolLM2-135M's hidden size, read from the real answer
    assert "llama-cpp-python with --embedding true" in message
    assert "--pooling mean" in message


def test_langchain_embeddings_refuse_per_token_vectors_with_the_fix() -> None:
    model = AimhubEmbeddings(model=MODEL, api_key=KEY, base_url=EMBED_URL, max_retries=0)
    with pytest.raises(APIResponseValidationError) as info:
        model.embed_documents(["hello world", "hi"])
    _assert_explains_per_token_vectors(info.value)


async def test_langchain_async_embeddings_refuse_per_token_vectors_with_the_fix() -> None:
    model = AimhubEmbeddings(model=MODEL, api_key=KEY, base_url=EMBED_URL, max_retries=0)
    with pytest.raises(APIResponseValidationError) as info:
        await model.aembed_query("hello world")
    _assert_explains_per_token_vectors(info.value)


def test_llamaindex_embedding_refuses_per_token_vectors_with_the_fix() -> None:
    model = AimhubEmbedding(model_name=MODEL, api_key=KEY, api_base=EMBED_URL, max_retries=0)
    with pytest.raises(APIResponseValidationError) as info:
        model.get_text_embedding_batch(["hello world", "hi"])
    _assert_explains_per_token_vectors(info.value)
