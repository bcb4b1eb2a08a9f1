"""Every model family through LlamaIndex's `Aimhub`, replayed from the family gateway's cassettes.

The same cases as `test_chataimhub_families.py` (plain, streamed, tool calls streamed and not,
the tool round trip with its reasoning echo, images, role merging, text-only channels, the
platforms' published examples), checked the LlamaIndex way: `ChatResponse` text, `ThinkingBlock`s,
`ToolSelection`s and the usage and finish reasons in `additional_kwargs`, plus the request JSON
each family was sent. Cassettes: `cassettes/families/test_aimhub_families/`, built by
`scripts/build_family_cassettes.py`.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ImageBlock,
    MessageRole,
    TextBlock,
    ThinkingBlock,
)
from llama_index.core.tools import FunctionTool

from aimhub._shaping import AimhubParameterWarning
from llamaindex_aimhub import Aimhub
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
    TOOL_ANSWER,
    TOOL_CALLS,
    TOOL_REASONING,
    WEATHER_QUESTION,
    WEATHER_RESULT,
    Family,
    Seed,
    Tokens,
    assert_shaped,
    expected_reasoning,
    having,
    streaming_tools,
)
from tests.integration.families._sent import Sent

pytestmark = pytest.mark.vcr


def get_weather(city: str) -> str:
    """Current weather in a city."""
    return WEATHER_RESULT


def get_time() -> str:
    """Local time in Paris."""
    return TIME_RESULT


TOOLS = [FunctionTool.from_defaults(fn=get_weather), FunctionTool.from_defaults(fn=get_time)]


def hello() -> list[ChatMessage]:
    return [
        ChatMessage(role=MessageRole.SYSTEM, content=SYSTEM),
        ChatMessage(role=MessageRole.USER, content=HELLO),
    ]


def aimhub(model: str, sent: Sent, **kwargs: Any) -> Aimhub:
    """An Aimhub on the scripted gateway whose request bodies land in `sent`."""
    return Aimhub(
        model=model,
        api_key=KEY,
        api_base=GATEWAY,
        max_retries=0,
        http_client=sent.client(),
        async_http_client=sent.async_client(),
        **kwargs,
    )


def family_llm(family: Family, sent: Sent, **kwargs: Any) -> Aimhub:
    return aimhub(family.model, sent, temperature=TEMPERATURE, max_tokens=MAX_TOKENS, **kwargs)


def usage_of(tokens: Tokens) -> dict[str, Any]:
    """The usage keys `Aimhub` puts in a final response's `additional_kwargs`."""
    details = {
        "input_tokens": tokens.prompt,
        "output_tokens": tokens.completion,
        "total_tokens": tokens.prompt + tokens.completion,
        "cache_read_tokens": tokens.cached,
        "reasoning_tokens": tokens.reasoning,
    }
    return {
        "prompt_tokens": tokens.prompt,
        "completion_tokens": tokens.completion,
        "total_tokens": tokens.prompt + tokens.completion,
        "usage": {k: v for k, v in details.items() if v is not None},
    }


def reported_usage(response: ChatResponse) -> dict[str, Any]:
    keys = ("prompt_tokens", "completion_tokens", "total_tokens", "usage")
    return {k: response.additional_kwargs[k] for k in keys if k in response.additional_kwargs}


def thinking(response: ChatResponse) -> str | None:
    text = "".join(b.content or "" for b in response.message.blocks if isinstance(b, ThinkingBlock))
    return text or None


# --- plain and streamed replies ----------------------------------------------------------------


@pytest.mark.parametrize("family", having("plain"), ids=str)
def test_plain_reply_has_text_finish_usage_request_id_and_shaped_request(
    family: Family, sent: Sent
) -> None:
    response = family_llm(family, sent).chat(hello())
    info = response.additional_kwargs

    assert response.message.content == HELLO_TEXT
    assert thinking(response) == expected_reasoning(family, REASONING, stream=False)
    assert info["finish_reason"] == "stop"
    assert info.get("model") == (family.reply_model if family.reply_has_model else None)
    assert REQUEST_ID.match(info["request_id"])
    assert reported_usage(response) == usage_of(family.tokens)
    body = sent.one()
    assert body["messages"] == HELLO_WIRE
    assert_shaped(body, family, stream=False)


@pytest.mark.parametrize("family", having("stream"), ids=str)
def test_streamed_reply_rebuilds_the_text_with_usage_once_and_first_chunk_model(
    family: Family, sent: Sent
) -> None:
    responses = list(family_llm(family, sent).stream_chat(hello()))
    last = responses[-1]

    assert sum(1 for r in responses if r.delta) > 1  # really streamed
    assert "".join(r.delta or "" for r in responses) == HELLO_TEXT
    assert last.message.content == HELLO_TEXT
    reasoning = "".join(r.additional_kwargs.get("thinking_delta", "") for r in responses)
    assert (reasoning or None) == expected_reasoning(family, REASONING, stream=True)
    assert thinking(last) == expected_reasoning(family, REASONING, stream=True)
    assert last.additional_kwargs["finish_reason"] == "stop"
    assert last.additional_kwargs["model"] == family.stream_model
    assert REQUEST_ID.match(last.additional_kwargs["request_id"])
    assert all("total_tokens" not in r.additional_kwargs for r in responses[:-1])
    expected = usage_of(family.stream_tokens) if family.stream_tokens else {}
    assert reported_usage(last) == expected
    body = sent.one()
    assert body["messages"] == HELLO_WIRE
    assert_shaped(body, family, stream=True)


# --- tool calls -----------------------------------------------------------------------------------


def selections(llm: Aimhub, response: ChatResponse) -> list[tuple[str, dict[str, Any], str]]:
    calls = llm.get_tool_calls_from_response(response, error_on_no_tool_call=False)
    return [(c.tool_name, c.tool_kwargs, c.tool_id) for c in calls]


@pytest.mark.parametrize("family", having("tools"), ids=str)
def test_tool_calls_are_parsed_into_named_calls_with_ids_and_object_args(
    family: Family, sent: Sent
) -> None:
    llm = family_llm(family, sent)
    response = llm.chat_with_tools(TOOLS, user_msg=WEATHER_QUESTION, allow_parallel_tool_calls=True)
    calls = selections(llm, response)

    assert [(name, args) for name, args, _ in calls] == list(TOOL_CALLS[: family.kept_calls])
    ids = [call_id for _, _, call_id in calls]
    assert all(ids)
    assert len(set(ids)) == len(ids)
    assert response.message.content == ""
    assert response.additional_kwargs["finish_reason"] == "tool_calls"
    assert response.additional_kwargs["native_finish_reason"] == family.tool_finish
    assert "tool_call_errors" not in response.additional_kwargs
    assert thinking(response) == expected_reasoning(family, TOOL_REASONING, stream=False)
    body = sent.one()
    assert [t["function"]["name"] for t in body["tools"]] == ["get_weather", "get_time"]
    assert "parallel_tool_calls" not in body
    assert_shaped(body, family, stream=False)


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("family", streaming_tools(), ids=str)
async def test_streamed_tool_calls_accumulate_into_the_same_whole_calls(
    family: Family, sent: Sent, is_async: bool
) -> None:
    llm = family_llm(family, sent)
    options: dict[str, Any] = {"user_msg": WEATHER_QUESTION, "allow_parallel_tool_calls": True}
    if is_async:
        responses = [r async for r in await llm.astream_chat_with_tools(TOOLS, **options)]
    else:
        responses = list(llm.stream_chat_with_tools(TOOLS, **options))
    last = responses[-1]
    calls = selections(llm, last)

    assert [(name, args) for name, args, _ in calls] == list(TOOL_CALLS)
    ids = [call_id for _, _, call_id in calls]
    assert all(ids)
    assert len(set(ids)) == 2
    assert last.additional_kwargs["finish_reason"] == "tool_calls"
    # The strongest of several finish reasons (new-api's Gemini adds `stop` after `tool_calls`).
    assert last.additional_kwargs["native_finish_reason"] == family.tool_finish
    assert "tool_call_errors" not in last.additional_kwargs
    assert thinking(last) == expected_reasoning(family, TOOL_REASONING, stream=True)
    assert_shaped(sent.one(), family, stream=True)


def test_one_api_gemini_stream_loses_tool_calls_so_the_reply_is_empty(sent: Sent) -> None:
    """one-api's Gemini stream converter forwards text parts only (docs/gateway-behaviour.md §6)."""
    family = BY_MODEL["gemini-pro"]
    llm = family_llm(family, sent)
    last = list(llm.stream_chat_with_tools(TOOLS, user_msg=WEATHER_QUESTION))[-1]

    assert selections(llm, last) == []
    assert last.message.content == ""
    assert last.additional_kwargs["finish_reason"] == "stop"
    assert last.additional_kwargs["model"] == "gemini"


@pytest.mark.parametrize("family", having("tools"), ids=str)
def test_tool_results_go_back_under_the_call_ids_with_the_family_reasoning_echo(
    family: Family, sent: Sent
) -> None:
    """A streamed tool turn, then the results: ids (ours when the gateway sent `""`) and, for
    families that require it, the turn's reasoning go back (docs/gateway-behaviour.md §6, §7)."""
    llm = family_llm(family, sent)
    question = ChatMessage(role=MessageRole.USER, content=WEATHER_QUESTION)
    options: dict[str, Any] = {"chat_history": [question], "allow_parallel_tool_calls": True}
    if family.streams_calls:
        first = list(llm.stream_chat_with_tools(TOOLS, **options))[-1]
    else:
        first = llm.chat_with_tools(TOOLS, **options)
    calls = selections(llm, first)
    results = [
        ChatMessage(
            role=MessageRole.TOOL,
            content=WEATHER_RESULT if name == "get_weather" else TIME_RESULT,
            additional_kwargs={"tool_call_id": call_id},
        )
        for name, _, call_id in calls
    ]
    history = [question, first.message, *results]
    answer = llm.chat_with_tools(TOOLS, chat_history=history, allow_parallel_tool_calls=True)

    assert answer.message.content == TOOL_ANSWER
    assert answer.additional_kwargs["finish_reason"] == "stop"
    body = sent.bodies[1]
    assistant, *tool_messages = body["messages"][1:]
    ids = [call_id for _, _, call_id in calls]
    assert [c["id"] for c in assistant["tool_calls"]] == ids
    assert [c["function"]["name"] for c in assistant["tool_calls"]] == [n for n, _, _ in calls]
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
    llm = family_llm(family, sent)
    assert llm.metadata.is_function_calling_model is False
    with pytest.warns(AimhubParameterWarning, match="does not forward tools"):
        response = llm.chat_with_tools(TOOLS, user_msg=WEATHER_QUESTION)

    assert response.message.content == NO_TOOLS_TEXT
    assert selections(llm, response) == []
    assert response.additional_kwargs["finish_reason"] == "stop"


# --- images and roles -----------------------------------------------------------------------------


@pytest.mark.parametrize("family", having("image"), ids=str)
def test_image_input_is_sent_as_an_image_url_part(family: Family, sent: Sent) -> None:
    message = ChatMessage(
        role=MessageRole.USER, blocks=[TextBlock(text=IMAGE_QUESTION), ImageBlock(url=IMAGE_URL)]
    )
    response = family_llm(family, sent).chat([message])

    assert response.message.content == IMAGE_TEXT
    assert response.additional_kwargs["finish_reason"] == "stop"
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
    messages = [
        *hello(),
        ChatMessage(role=MessageRole.SYSTEM, content=SECOND_SYSTEM),
        ChatMessage(role=MessageRole.USER, content=SECOND_USER),
    ]
    response = family_llm(family, sent).chat(messages)

    assert response.message.content == HELLO_TEXT
    assert sent.one()["messages"] == [
        {"role": "system", "content": f"{SYSTEM}\n\n{SECOND_SYSTEM}"},
        {"role": "user", "content": f"{HELLO}\n\n{SECOND_USER}"},
    ]


# --- family-specific switches -------------------------------------------------------------------


def test_qwen3_chat_with_thinking_on_streams_underneath_and_keeps_the_reasoning(
    sent: Sent,
) -> None:
    """Thinking is only available streamed: `chat` streams and aggregates.

    See docs/gateway-behaviour.md §7.
    """
    family = BY_MODEL["qwen3-235b-a22b"]
    response = family_llm(family, sent, enable_thinking=True).chat(hello())

    assert response.message.content == HELLO_TEXT
    assert thinking(response) == REASONING
    body = sent.one()
    assert body["stream"] is True
    assert body["enable_thinking"] is True


# --- the platforms' published examples (docs/gateway-behaviour.md, 'Sources') ------------------


def seed_message(message: dict[str, Any]) -> ChatMessage:
    content = message["content"]
    if isinstance(content, str):
        return ChatMessage(role=MessageRole.USER, content=content)
    blocks: list[Any] = []
    for part in content:
        if part["type"] == "text":
            blocks.append(TextBlock(text=part["text"]))
            continue
        image = part["image_url"]
        url, detail = image["url"], image.get("detail")
        if url.startswith("data:"):
            mime, data = url[5:].split(";base64,")
            raw = base64.b64decode(data)
            blocks.append(ImageBlock(image=raw, image_mimetype=mime, detail=detail))
        else:
            blocks.append(ImageBlock(url=url, detail=detail))
    return ChatMessage(role=MessageRole.USER, blocks=blocks)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: s.id)
def test_seed_example_request_goes_out_verbatim_and_its_published_reply_parses(
    seed: Seed, sent: Sent
) -> None:
    llm = aimhub(seed.model, sent, max_tokens=seed.max_tokens)
    response = llm.chat([seed_message(m) for m in seed.messages])

    expected: dict[str, Any] = {"model": seed.model, "messages": seed.messages, "stream": False}
    if seed.max_tokens is not None:
        expected["max_tokens"] = seed.max_tokens
    assert sent.one() == expected
    published = seed.reply["choices"][0]
    usage = seed.reply["usage"]
    assert response.message.content == published["message"]["content"]
    assert response.additional_kwargs["id"] == seed.reply["id"]
    assert response.additional_kwargs["finish_reason"] == "stop"
    assert reported_usage(response) == usage_of(
        Tokens(usage["prompt_tokens"], usage["completion_tokens"])
    )
