"""`Aimhub` in LlamaIndex pipelines, replayed from cassettes (see cassettes/README.md).

Built by `scripts/build_llamaindex_cassettes.py` from the gateway shapes of
docs/gateway-behaviour.md and the platforms' published API docs, not recorded from a live
gateway: they prove the whole LlamaIndex path (index, query engine, agent workflow, structured
program, streaming) sends what the cassette holds and makes sense of what comes back.
"""

from __future__ import annotations

import pytest
from llama_index.core.base.llms.types import ThinkingBlock

from tests.integration.llamaindex import scenarios as sc

pytestmark = pytest.mark.vcr


def test_vector_store_index_query() -> None:
    assert sc.rag_query(sc.replay_llm("gpt-4o-mini")) == sc.RAG_ANSWER


# LlamaIndex's workflow runtime inspects pydantic instances with `inspect.getmembers`.
@pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecatedSince20")
@pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecatedSince211")
async def test_function_agent_calls_two_tools() -> None:
    answer, called = await sc.agent_run(sc.replay_llm("gpt-4o-mini"))
    assert called == ["get_weather", "get_time"]
    assert answer == sc.AGENT_ANSWER


def test_structured_predict_into_a_pydantic_model() -> None:
    joke = sc.structured_joke(sc.replay_llm("gpt-4o-mini"))
    assert joke == sc.Joke(**sc.JOKE)


def test_streaming_chat() -> None:
    responses = sc.streaming_chat(sc.replay_llm("deepseek-reasoner"))
    assert "".join(r.delta or "" for r in responses) == sc.STREAM_ANSWER
    final = responses[-1]
    assert final.message.content == sc.STREAM_ANSWER
    assert isinstance(final.message.blocks[0], ThinkingBlock)
    info = final.additional_kwargs
    assert info["finish_reason"] == "stop"
    assert info["usage"]["cache_read_tokens"] == 16
    assert info["usage"]["reasoning_tokens"] == 4
    assert info["request_id"]


def test_chat_with_an_image() -> None:
    response = sc.image_chat(sc.replay_llm("gpt-4o-mini"))
    assert response.message.content == sc.IMAGE_ANSWER
    assert response.additional_kwargs["usage"]["total_tokens"] > 0
