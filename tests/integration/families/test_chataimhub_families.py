"""Every model family through `ChatAimhub`, replayed from the family gateway's cassettes.

One parametrized test per case (plain, streamed, tool calls streamed and not, the tool round trip
with its reasoning echo, images, role merging, text-only channels, the platforms' published
examples), over
the families of `_families.py`. Each checks what LangChain users get *and* the request JSON the
family was sent: body matching makes the cassette prove the latter too. Cassettes:
`cassettes/families/test_chataimhub_families/`, built by `scripts/build_family_cassettes.py`.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import (
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)

from aimhub._shaping import AimhubParameterWarning
from langchain_aimhub import ChatAimhub
from tests.integration.families._families import (
    BY_MODEL,
    GATEWAY,
    HELLO,
    HELLO_TEXT,
    HELLO_WIRE,
    IMAGE_QUESTION,
    IMAGE_TEXT,
    IMAGE_URL,
    KEY,
    MAX_TOKENS,
    NO_TOOLS_TEXT,
    REASONING,
    REQUEST_ID,
    SECOND_SYSTEM,
    SECOND_USER,
    SEEDS,
    SYSTEM,
    TEMPERATURE,
    TIME_RESULT,
    TIME_TOOL,
    TOOL_ANSWER,
    TOOL_CALLS,
    TOOL_REASONING,
    WEATHER_QUESTION,
    WEATHER_RESULT,
    WEATHER_TOOL,
    Family,
    Seed,
    assert_shaped,
    expected_reasoning,
    having,
    streaming_tools,
)
from tests.integration.families._sent import Sent

pytestmark = pytest.mark.vcr

TOOLS = [WEATHER_TOOL, TIME_TOOL]
HELLO_MESSAGES: list[BaseMessage] = [SystemMessage(SYSTEM), HumanMessage(HELLO)]


def chat(model: str, sent: Sent, **kwargs: Any) -> ChatAimhub:
    """A ChatAimhub on the scripted gateway whose request bodies land in `sent`."""
    return ChatAimhub(
        model=model,
        api_key=KEY,
        base_url=GATEWAY,
        max_retries=0,
        http_client=sent.client(),
        http_async_client=sent.async_client(),
        **kwargs,
    )


def family_chat(family: Family, sent: Sent, **kwargs: Any) -> ChatAimhub:
    return chat(family.model, sent, temperature=TEMPERATURE, max_tokens=MAX_TOKENS, **kwargs)


def joined(chunks: list[AIMessageChunk]) -> AIMessageChunk:
    assert chunks, "the stream yielded nothing"
    message = chunks[0]
    for chunk in chunks[1:]:
        message = message + chunk
    return message


# --- plain and streamed replies ----------------------------------------------------------------


@pytest.mark.parametrize("family", having("plain"), ids=str)
def test_plain_reply_has_text_finish_usage_request_id_and_shaped_request(
    family: Family, sent: Sent
) -> None:
    reply = family_chat(family, sent).invoke(HELLO_MESSAGES)

    assert reply.content == HELLO_TEXT
    assert reply.additional_kwargs.get("reasoning_content") == expected_reasoning(
        family, REASONING, stream=False
    )
    assert reply.response_metadata["finish_reason"] == "stop"
    assert reply.response_metadata["model_name"] == family.reply_model
    assert REQUEST_ID.match(reply.response_metadata["request_id"])
    assert reply.usage_metadata == family.tokens.usage_metadata()
    body = sent.one()
    assert body["messages"] == HELLO_WIRE
    assert_shaped(body, family, stream=False)


@pytest.mark.parametrize("family", having("stream"), ids=str)
def test_streamed_reply_rebuilds_the_text_with_usage_once_and_first_chunk_model(
    family: Family, sent: Sent
) -> None:
    chunks = list(family_chat(family, sent).stream(HELLO_MESSAGES))
    message = joined(chunks)

    assert sum(1 for c in chunks if c.content) > 1  # really streamed
    assert message.content == HELLO_TEXT
    assert message.additional_kwargs.get("reasoning_content") == expected_reasoning(
        family, REASONING, stream=True
    )
    assert message.response_metadata["finish_reason"] == "stop"
    assert message.response_metadata["model_name"] == family.stream_model
    assert REQUEST_ID.match(message.response_metadata["request_id"])
    expected = family.stream_tokens.usage_metadata() if family.stream_tokens else None
    assert [c.usage_metadata for c in chunks if c.usage_metadata] == (
        [expected] if expected else []
    )
    body = sent.one()
    assert body["messages"] == HELLO_WIRE
    assert_shaped(body, family, stream=True)


# --- tool calls -----------------------------------------------------------------------------------


@pytest.mark.parametrize("family", having("tools"), ids=str)
def test_tool_calls_are_parsed_into_named_calls_with_ids_and_object_args(
    family: Family, sent: Sent
) -> None:
    reply = family_chat(family, sent).bind_tools(TOOLS).invoke([HumanMessage(WEATHER_QUESTION)])

    assert [(c["name"], c["args"]) for c in reply.tool_calls] == list(
        TOOL_CALLS[: family.kept_calls]
    )
    ids = [c["id"] for c in reply.tool_calls]
    assert all(ids)
    assert len(set(ids)) == len(ids)
    assert reply.invalid_tool_calls == []
    assert reply.content == ""
    assert reply.response_metadata["finish_reason"] == "tool_calls"
    assert reply.response_metadata["native_finish_reason"] == family.tool_finish
    assert reply.additional_kwargs.get("reasoning_content") == expected_reasoning(
        family, TOOL_REASONING, stream=False
    )
    body = sent.one()
    assert body["tools"] == TOOLS
    assert_shaped(body, family, stream=False)


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("family", streaming_tools(), ids=str)
async def test_streamed_tool_calls_accumulate_into_the_same_whole_calls(
    family: Family, sent: Sent, is_async: bool
) -> None:
    llm = family_chat(family, sent).bind_tools(TOOLS)
    question = [HumanMessage(WEATHER_QUESTION)]
    chunks = [c async for c in llm.astream(question)] if is_async else list(llm.stream(question))
    message = joined(chunks)

    assert [(c["name"], c["args"]) for c in message.tool_calls] == list(TOOL_CALLS)
    assert [c["index"] for c in message.tool_call_chunks] == [0, 1]  # dense, whatever the wire
    ids = [c["id"] for c in message.tool_calls]
    assert all(ids)
    assert len(set(ids)) == 2
    assert message.invalid_tool_calls == []
    assert message.response_metadata["finish_reason"] == "tool_calls"
    # The strongest of several finish reasons (new-api's Gemini adds `stop` after `tool_calls`).
    assert message.response_metadata["native_finish_reason"] == family.tool_finish
    assert message.additional_kwargs.get("reasoning_content") == expected_reasoning(
        family, TOOL_REASONING, stream=True
    )
    assert_shaped(sent.one(), family, stream=True)


def test_one_api_gemini_stream_loses_tool_calls_so_the_reply_is_empty(sent: Sent) -> None:
    """one-api's Gemini stream converter forwards text parts only (docs/gateway-behaviour.md §6)."""
    family = BY_MODEL["gemini-pro"]
    chunks = list(
        family_chat(family, sent).bind_tools(TOOLS).stream([HumanMessage(WEATHER_QUESTION)])
    )
    message = joined(chunks)

    assert message.tool_calls == []
    assert message.content == ""
    assert message.response_metadata["finish_reason"] == "stop"
    assert message.response_metadata["model_name"] == "gemini"


@pytest.mark.parametrize("family", having("tools"), ids=str)
def test_tool_results_go_back_under_the_call_ids_with_the_family_reasoning_echo(
    family: Family, sent: Sent
) -> None:
    """A streamed tool turn, then the results: ids (ours when the gateway sent `""`) and, for
    families that require it, the turn's reasoning go back (docs/gateway-behaviour.md §6, §7)."""
    llm = family_chat(family, sent).bind_tools(TOOLS)
    question = HumanMessage(WEATHER_QUESTION)
    first = joined(list(llm.stream([question]))) if family.streams_calls else llm.invoke([question])
    results = [
        ToolMessage(
            WEATHER_RESULT if c["name"] == "get_weather" else TIME_RESULT, tool_call_id=c["id"]
        )
        for c in first.tool_calls
    ]
    answer = llm.invoke([question, first, *results])

    assert answer.content == TOOL_ANSWER
    assert answer.response_metadata["finish_reason"] == "stop"
    body = sent.bodies[1]
    assistant, *tool_messages = body["messages"][1:]
    ids = [c["id"] for c in first.tool_calls]
    assert [c["id"] for c in assistant["tool_calls"]] == ids
    assert [c["function"]["name"] for c in assistant["tool_calls"]] == [
        c["name"] for c in first.tool_calls
    ]
    assert [m["tool_call_id"] for m in tool_messages] == ids
    assert all(isinstance(m["content"], str) for m in tool_messages)
    echoed = assistant.get("reasoning_content")
    if family.thinks:
        assert echoed == (TOOL_REASONING + family.signature if family.echo else None)
    else:
        assert echoed is None
    assert_shaped(body, family, stream=False)


@pytest.mark.parametrize("family", having("tools_ignored"), ids=str)
def test_tools_bound_to_a_text_only_channel_warn_and_the_reply_is_text(
    family: Family, sent: Sent
) -> None:
    """Hunyuan, ERNIE and Spark converters send no `tools` (docs/gateway-behaviour.md §9)."""
    with pytest.warns(AimhubParameterWarning, match="does not forward tools"):
        reply = family_chat(family, sent).bind_tools(TOOLS).invoke([HumanMessage(WEATHER_QUESTION)])

    assert reply.content == NO_TOOLS_TEXT
    assert reply.tool_calls == []
    assert reply.response_metadata["finish_reason"] == "stop"


# --- images and roles -----------------------------------------------------------------------------


@pytest.mark.parametrize("family", having("image"), ids=str)
def test_image_input_is_sent_as_an_image_url_part(family: Family, sent: Sent) -> None:
    image = HumanMessage(
        content=[{"type": "text", "text": IMAGE_QUESTION}, {"type": "image", "url": IMAGE_URL}]
    )
    reply = family_chat(family, sent).invoke([image])

    assert reply.content == IMAGE_TEXT
    assert reply.response_metadata["finish_reason"] == "stop"
    body = sent.one()
    assert body["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": IMAGE_QUESTION},
                {"type": "image_url", "image_url": {"url": IMAGE_URL}},
            ],
        }
    ]
    assert_shaped(body, family, stream=False)


@pytest.mark.parametrize("family", having("roles"), ids=str)
def test_systems_and_consecutive_turns_are_merged_for_strict_upstreams(
    family: Family, sent: Sent
) -> None:
    """Claude, ERNIE, Spark and Qwen want one leading system and alternating turns (§9)."""
    messages: list[BaseMessage] = [
        SystemMessage(SYSTEM),
        HumanMessage(HELLO),
        SystemMessage(SECOND_SYSTEM),
        HumanMessage(SECOND_USER),
    ]
    reply = family_chat(family, sent).invoke(messages)

    assert reply.content == HELLO_TEXT
    assert sent.one()["messages"] == [
        {"role": "system", "content": f"{SYSTEM}\n\n{SECOND_SYSTEM}"},
        {"role": "user", "content": f"{HELLO}\n\n{SECOND_USER}"},
    ]


# --- family-specific switches -------------------------------------------------------------------


def test_qwen3_invoke_with_thinking_on_streams_underneath_and_keeps_the_reasoning(
    sent: Sent,
) -> None:
    """Thinking is only available streamed: `invoke` streams and aggregates.

    See docs/gateway-behaviour.md §7.
    """
    family = BY_MODEL["qwen3-235b-a22b"]
    llm = family_chat(family, sent, extra_body={"enable_thinking": True})
    reply = llm.invoke(HELLO_MESSAGES)

    assert reply.content == HELLO_TEXT
    assert reply.additional_kwargs["reasoning_content"] == REASONING
    body = sent.one()
    assert body["stream"] is True
    assert body["enable_thinking"] is True


# --- the platforms' published examples (docs/gateway-behaviour.md, 'Sources') ------------------


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: s.id)
def test_seed_example_request_goes_out_verbatim_and_its_published_reply_parses(
    seed: Seed, sent: Sent
) -> None:
    llm = chat(seed.model, sent, max_tokens=seed.max_tokens)
    reply = llm.invoke([HumanMessage(content=m["content"]) for m in seed.messages])

    expected: dict[str, Any] = {"model": seed.model, "messages": seed.messages, "stream": False}
    if seed.max_tokens is not None:
        expected["max_tokens"] = seed.max_tokens
    assert sent.one() == expected
    published = seed.reply["choices"][0]
    usage = seed.reply["usage"]
    assert reply.content == published["message"]["content"]
    assert reply.response_metadata["id"] == seed.reply["id"]
    assert reply.response_metadata["finish_reason"] == "stop"
    assert reply.usage_metadata == {
        "input_tokens": usage["prompt_tokens"],
        "output_tokens": usage["completion_tokens"],
        "total_tokens": usage["total_tokens"],
    }
