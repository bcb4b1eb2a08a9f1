"""The core client against a real OpenAI-compatible server: llama.cpp (llama-cpp-python) + SmolLM2.

Replayed from `cassettes/core/test_local_server/`; re-recorded by `make record-local`, which
starts the two servers of `scripts/record-local.sh` (chat on :8089, `--embedding true` on :8090).
Assertions state what that server really does, quirks included.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from aimhub import (
    AimhubClient,
    AsyncAimhubClient,
    ContextLengthExceededError,
    InternalServerError,
    NotFoundError,
)
from aimhub.types import ChatCompletionChunk

pytestmark = [pytest.mark.local_server, pytest.mark.vcr]

CHAT_URL = os.environ.get("AIMHUB_LOCAL_CHAT_BASE_URL", "http://127.0.0.1:8089/v1")
EMBED_URL = os.environ.get("AIMHUB_LOCAL_EMBED_BASE_URL", "http://127.0.0.1:8090/v1")
MODEL = os.environ.get("AIMHUB_LOCAL_MODEL", "smollm2-135m-instruct")
#: Not a secret: the local server takes any key. Filtered from cassettes all the same.
KEY = "sk-local-test"
HELLO: list[dict[str, Any]] = [{"role": "user", "content": "Say hello in five words."}]


@pytest.fixture
def client() -> Iterator[AimhubClient]:
    with AimhubClient(api_key=KEY, base_url=CHAT_URL, max_retries=0) as chat_client:
        yield chat_client


def test_list_models_shows_the_served_model(client: AimhubClient) -> None:
    models = client.list_models()
    assert [m.id for m in models.data] == [MODEL]
    assert models.data[0].owned_by == "me"
    assert models.data[0].supported_endpoint_types == []  # a gateway-only field
    assert models.data[0].permissions == []  # llama.cpp's own extra, kept


def test_chat_returns_one_reply_with_usage(client: AimhubClient) -> None:
    reply = client.chat(model=MODEL, messages=HELLO, max_tokens=24, temperature=0, seed=1)
    choice = reply.choices[0]
    assert choice.message is not None
    assert isinstance(choice.message.content, str)
    assert choice.message.content.strip()
    assert choice.message.role == "assistant"
    assert choice.finish_reason in ("stop", "length")
    assert reply.usage is not None
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens
    assert reply.request_id  # llama.cpp sends `x-request-id`


def test_stream_chat_yields_tokens_and_no_usage_chunk_despite_include_usage(
    client: AimhubClient,
) -> None:
    chunks: list[ChatCompletionChunk] = []
    with client.stream_chat(model=MODEL, messages=HELLO, max_tokens=24, temperature=0, seed=1) as s:
        chunks.extend(s)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices[0].delta)
    assert text.strip()
    assert len(chunks) > 3  # really token by token
    first_delta = chunks[0].choices[0].delta
    assert first_delta is not None
    assert first_delta.role == "assistant"
    assert chunks[-1].choices[0].finish_reason in ("stop", "length")
    # We asked for `stream_options.include_usage` (the default); this server ignores it.
    assert all(c.usage is None for c in chunks)
    assert all(c.choices for c in chunks)


def test_legacy_completion_continues_the_prompt(client: AimhubClient) -> None:
    reply = client.complete(model=MODEL, prompt="Once upon a time", max_tokens=12, temperature=0)
    assert reply.object == "text_completion"
    assert reply.choices[0].text
    assert reply.choices[0].finish_reason in ("stop", "length")
    assert reply.usage is not None
    assert reply.usage.completion_tokens == 12 or reply.choices[0].finish_reason == "stop"


def test_embedding_server_returns_one_vector_per_token_not_per_input() -> None:
    # llama-cpp-python with `--embedding true` and no pooling: the raw response is a list of
    # token vectors per input. `client.embed` returns it as sent; shaping happens elsewhere.
    with AimhubClient(api_key=KEY, base_url=EMBED_URL, max_retries=0) as client:
        reply = client.embed(model=MODEL, input=["hello world", "hi"], encoding_format="float")
    assert [item.index for item in reply.data] == [0, 1]
    first, second = (item.embedding for item in reply.data)
    assert isinstance(first, list)
    assert all(isinstance(vector, list) for vector in first)
    assert len(first) == 2  # "hello world" is two tokens: two vectors
    assert len(second) == 1
    assert {len(vector) for vector in [*first, *second]} == {576}  # SmolLM2-135M hidden size
    assert reply.usage is not None
    assert reply.usage.completion_tokens is None


def test_tool_choice_required_is_a_500_with_an_empty_message(client: AimhubClient) -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
    with pytest.raises(InternalServerError) as info:
        client.chat(
            model=MODEL,
            messages=[{"role": "user", "content": "Weather in Paris?"}],
            tools=[tool],
            tool_choice="required",
            max_tokens=24,
        )
    assert info.value.status_code == 500
    assert "the server gave no error message" in str(info.value)
    assert info.value.request_id  # from `x-request-id`


def test_prompt_longer_than_the_context_raises_context_length_exceeded(
    client: AimhubClient,
) -> None:
    long_prompt = "word " * 4200  # the server runs with n_ctx 4096
    with pytest.raises(ContextLengthExceededError) as info:
        client.chat(model=MODEL, messages=[{"role": "user", "content": long_prompt}], max_tokens=5)
    assert info.value.code == "context_length_exceeded"
    assert "maximum context length is 4096 tokens" in str(info.value)
    assert "Shorten the conversation" in str(info.value)


def test_base_url_without_the_api_root_gives_not_found_pointing_at_base_url() -> None:
    wrong = CHAT_URL.removesuffix("/v1") + "/openai"  # normalised to .../openai/v1
    with (
        AimhubClient(api_key=KEY, base_url=wrong, max_retries=0) as client,
        pytest.raises(NotFoundError) as info,
    ):
        client.list_models()
    assert "Not Found" in str(info.value)
    assert "Check base_url" in str(info.value)


async def test_async_client_streams_the_same_way() -> None:
    async with AsyncAimhubClient(api_key=KEY, base_url=CHAT_URL, max_retries=0) as client:
        stream = await client.stream_chat(
            model=MODEL, messages=HELLO, max_tokens=8, temperature=0, seed=2
        )
        async with stream:
            chunks = [chunk async for chunk in stream]
    assert chunks[-1].choices[0].finish_reason in ("stop", "length")
    assert stream.partial_text.strip()
