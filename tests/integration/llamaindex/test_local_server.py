"""`Aimhub` against a real OpenAI-compatible server: llama.cpp (llama-cpp-python) + SmolLM2-135M.

Replayed from `cassettes/llamaindex/test_local_server/`; re-recorded by `make record-local`
(`scripts/record-local.sh` starts the server on :8089). The model is tiny, so the tests assert
shapes and the server's behaviour, never the wording.
"""

from __future__ import annotations

import os

import pytest
from llama_index.core.base.llms.types import ChatMessage, MessageRole

from llamaindex_aimhub import Aimhub

pytestmark = [pytest.mark.local_server, pytest.mark.vcr]

CHAT_URL = os.environ.get("AIMHUB_LOCAL_CHAT_BASE_URL", "http://127.0.0.1:8089/v1")
MODEL = os.environ.get("AIMHUB_LOCAL_MODEL", "smollm2-135m-instruct")
#: Not a secret: the local server takes any key. Filtered from cassettes all the same.
KEY = "sk-local-test"
HELLO = [ChatMessage(role=MessageRole.USER, content="Say hello in five words.")]


def local_llm() -> Aimhub:
    """An unknown model id to the catalogue: safe defaults, never an 'unknown model' error."""
    return Aimhub(
        model=MODEL,
        api_key=KEY,
        base_url=CHAT_URL,
        max_tokens=24,
        temperature=0,
        additional_kwargs={"seed": 1},
        max_retries=0,
    )


def test_chat_gives_text_usage_and_request_id() -> None:
    llm = local_llm()
    assert llm.metadata.context_window == 32_768  # the catalogue's default, not 3,900
    response = llm.chat(HELLO)
    assert response.message.content
    assert response.message.content.strip()
    info = response.additional_kwargs
    assert info["finish_reason"] in ("stop", "length")
    assert info["total_tokens"] == info["prompt_tokens"] + info["completion_tokens"] > 0
    assert info["request_id"]  # llama.cpp sends `x-request-id`
    assert info["model"]


def test_stream_chat_streams_deltas_without_a_usage_chunk() -> None:
    responses = list(local_llm().stream_chat(HELLO))
    assert len(responses) > 3  # token by token
    final = responses[-1]
    assert "".join(r.delta or "" for r in responses) == final.message.content
    assert final.message.content
    assert final.additional_kwargs["finish_reason"] in ("stop", "length")
    assert final.additional_kwargs["request_id"]
    # The client asked for `stream_options.include_usage`; this server sends no usage chunk.
    assert "usage" not in final.additional_kwargs


async def test_async_stream_complete() -> None:
    stream = await local_llm().astream_complete("Say hello in five words.")
    responses = [r async for r in stream]
    assert "".join(r.delta or "" for r in responses) == responses[-1].text
    assert responses[-1].text.strip()
