"""Streams → cumulative `ChatResponse`s: every tool-call chunk shape of docs/gateway-behaviour.md
§6, reasoning, usage and finish reasons, replayed in odd network-chunk sizes through the real
client."""

from __future__ import annotations

from typing import Any

import pytest
from llama_index.core.base.llms.types import ChatResponse, ThinkingBlock, ToolCallBlock

from aimhub import APIStreamError
from tests.fakes import FakeGateway, split_every, sse, sse_reply
from tests.unit.llamaindex._llm import chunk, make_llm, run, user

WEATHER = '{"city": "Paris"}'
TIME = '{"city": "Rome"}'
BOTH = [("call_w", "get_weather", {"city": "Paris"}), ("call_t", "get_time", {"city": "Rome"})]


def tc(index: int | None = None, id: str | None = None, name: str | None = None, args: Any = None):
    """One tool-call fragment with only the given fields (None: the field is absent)."""
    out: dict[str, Any] = {}
    if index is not None:
        out["index"] = index
    if id is not None:
        out["id"] = id
        out["type"] = "function"
    function = {k: v for k, v in (("name", name), ("arguments", args)) if v is not None}
    if function:
        out["function"] = function
    return out


SHAPES: dict[str, tuple[list[dict[str, Any]], list[tuple[str, str, dict[str, Any]]]]] = {
    # (a) OpenAI: id and name first, then arguments by index
    "openai": (
        [
            chunk(role="assistant", content=None, tool_calls=[tc(0, "call_w", "get_weather", "")]),
            chunk(tool_calls=[tc(0, args='{"city": ')]),
            chunk(tool_calls=[tc(0, args='"Paris"}')]),
            chunk(tool_calls=[tc(1, "call_t", "get_time", "")]),
            chunk(tool_calls=[tc(1, args=TIME)]),
            chunk("tool_calls"),
        ],
        BOTH,
    ),
    "several calls in one delta": (
        [
            chunk(tool_calls=[tc(0, "call_w", "get_weather", ""), tc(1, "call_t", "get_time", "")]),
            chunk(tool_calls=[tc(0, args=WEATHER), tc(1, args=TIME)]),
            chunk("tool_calls"),
        ],
        BOTH,
    ),
    # (b) whole calls in one chunk (Gemini/Qwen through new-api), then a synthetic `stop`
    "whole calls": (
        [
            chunk(content="", tool_calls=[tc(0, "call_w", "get_weather", WEATHER)]),
            chunk(content="", tool_calls=[tc(1, "call_t", "get_time", TIME)]),
            chunk("tool_calls"),
            chunk("stop"),
        ],
        BOTH,
    ),
    # index-less Claude fragments (new-api ≤ 2025-04, one-api): id-less argument pieces
    "claude without index": (
        [
            chunk(tool_calls=[tc(id="call_w", name="get_weather", args="")]),
            chunk(tool_calls=[{"type": None, "function": {"arguments": '{"ci'}}]),
            chunk(tool_calls=[{"type": None, "function": {"arguments": 'ty": "Paris"}'}}]),
            chunk(tool_calls=[tc(id="call_t", name="get_time", args="")]),
            chunk(tool_calls=[{"type": None, "function": {"arguments": TIME}}]),
            chunk("tool_use"),
        ],
        BOTH,
    ),
    # Claude block indices (1, 2) instead of 0-based tool indices, after a text block
    "claude block indices": (
        [
            chunk(content="Checking.", index=0),
            chunk(tool_calls=[tc(1, "call_w", "get_weather", "")], index=1),
            chunk(tool_calls=[tc(1, args=WEATHER)], index=1),
            chunk(tool_calls=[tc(2, "call_t", "get_time", "")], index=2),
            chunk(tool_calls=[tc(2, args=TIME)], index=2),
            chunk("tool_calls"),
        ],
        BOTH,
    ),
    # (c) the id repeated on every fragment
    "id on every chunk": (
        [
            chunk(tool_calls=[tc(0, "call_w", "get_weather", '{"city": ')]),
            chunk(tool_calls=[tc(0, "call_w", None, '"Paris"}')]),
            chunk("tool_calls"),
        ],
        BOTH[:1],
    ),
    # (d) GLM: index -1 and the arguments as an object in the final chunk
    "arguments as object": (
        [
            chunk(tool_calls=[tc(-1, "call_w", "get_weather", WEATHER)]),
            chunk("tool_calls", tool_calls=[tc(-1, args={"city": "Paris"})]),
        ],
        BOTH[:1],
    ),
    # (e) a zero-parameter tool, re-emitted whole by one-api in the finish chunk
    "empty arguments": (
        [
            chunk(tool_calls=[{"id": "call_n", "type": "function", "function": {"name": "now"}}]),
            chunk(tool_calls=[tc(id="call_n", name="now", args="{}")], finish="tool_calls"),
        ],
        [("call_n", "now", {})],
    ),
}


async def stream(
    is_async: bool,
    chunks: list[Any],
    size: int | None = None,
    model: str = "gpt-4o-mini",
    **kw: Any,
) -> tuple[Any, list[ChatResponse]]:
    body = sse(*chunks)
    pieces = split_every(body, size) if size else [body]
    gateway = FakeGateway(sse_reply(pieces, headers={"x-oneapi-request-id": "req-stream-1"}))
    llm = make_llm(gateway, model=model)
    return llm, await run(llm, "stream_chat", is_async, user("Hi"), **kw)


@pytest.mark.parametrize("size", [None, 7], ids=["whole", "7-byte"])
@pytest.mark.parametrize("shape", list(SHAPES))
async def test_every_tool_call_shape(is_async: bool, shape: str, size: int | None) -> None:
    chunks, expected = SHAPES[shape]
    llm, responses = await stream(is_async, chunks, size)
    final = responses[-1]
    selections = llm.get_tool_calls_from_response(final)
    assert [(s.tool_id, s.tool_name, s.tool_kwargs) for s in selections] == expected
    assert final.additional_kwargs["finish_reason"] == "tool_calls"
    # Every intermediate response carries the calls so far, readable by LlamaIndex agents.
    names = [name for _, name, _ in expected]
    for response in responses[:-1]:
        partial = llm.get_tool_calls_from_response(response, error_on_no_tool_call=False)
        assert [s.tool_name for s in partial] == names[: len(partial)]
    last_partial = llm.get_tool_calls_from_response(responses[-2])
    assert [(s.tool_id, s.tool_name) for s in last_partial] == [(i, n) for i, n, _ in expected]


async def test_text_streams_as_deltas_and_ends_with_the_whole_answer(is_async: bool) -> None:
    chunks = [chunk(role="assistant", content="Hel"), chunk(content="lo"), chunk(content=" you")]
    chunks += [
        chunk("stop"),
        {
            **chunk(),
            "choices": [],
            "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8},
        },
    ]
    _, responses = await stream(is_async, chunks, 5)
    assert "".join(r.delta or "" for r in responses) == "Hello you"
    assert [r.message.content for r in responses[:3]] == ["Hel", "Hello", "Hello you"]
    final = responses[-1]
    assert final.message.content == "Hello you"
    assert final.additional_kwargs["usage"] == {
        "input_tokens": 5,
        "output_tokens": 3,
        "total_tokens": 8,
    }
    assert final.additional_kwargs["request_id"] == "req-stream-1"
    assert final.additional_kwargs["finish_reason"] == "stop"
    assert "usage" not in responses[0].additional_kwargs  # usage once, on the last response


async def test_reasoning_streams_as_thinking(is_async: bool) -> None:
    chunks = [
        chunk(role="assistant", reasoning_content="Let me "),
        chunk(reasoning_content="think."),
        chunk(content="42"),
        chunk("stop"),
    ]
    _, responses = await stream(is_async, chunks, 9, model="deepseek-reasoner")
    assert [r.additional_kwargs.get("thinking_delta") for r in responses[:2]] == [
        "Let me ",
        "think.",
    ]
    final = responses[-1]
    assert final.message.blocks[0] == ThinkingBlock(content="Let me think.")
    assert final.message.content == "42"


async def test_think_tags_split_across_chunks(is_async: bool) -> None:
    chunks = [chunk(content="<thi"), chunk(content="nk>Pondering</th"), chunk(content="ink>\n42")]
    _, responses = await stream(is_async, [*chunks, chunk("stop")], model="qwq-32b")
    final = responses[-1]
    assert final.message.blocks[0] == ThinkingBlock(content="Pondering")
    assert final.message.content == "42"
    assert "".join(r.delta or "" for r in responses) == "42"  # no tag ever leaks as text


async def test_cumulative_usage_on_every_chunk_is_not_summed(is_async: bool) -> None:
    usage = {"prompt_tokens": 10, "completion_tokens": 1, "total_tokens": 11}
    later = {"prompt_tokens": 10, "completion_tokens": 4, "total_tokens": 14}
    chunks = [
        {**chunk(content="a"), "usage": usage},
        {**chunk("stop", content="b"), "usage": later},
    ]
    _, responses = await stream(is_async, chunks, model="gemini-2.0-flash")
    assert responses[-1].additional_kwargs["completion_tokens"] == 4


async def test_a_stream_cut_off_without_finish_reason_says_incomplete(is_async: bool) -> None:
    _, responses = await stream(is_async, [chunk(content="Half an ans")])
    assert responses[-1].additional_kwargs["finish_reason"] == "incomplete"


async def test_error_inside_the_stream_propagates(is_async: bool) -> None:
    chunks = [
        chunk(content="Hel"),
        {"error": {"message": "upstream died", "code": "do_request_failed"}},
    ]
    with pytest.raises(APIStreamError, match="upstream died"):
        await stream(is_async, chunks)


async def test_stream_complete_deltas(is_async: bool) -> None:
    gateway = FakeGateway(
        sse_reply([sse(chunk(content="Hel"), chunk(content="lo"), chunk("stop"))])
    )
    responses = await run(make_llm(gateway), "stream_complete", is_async, "Hi")
    assert [r.delta for r in responses] == ["Hel", "lo", ""]
    assert responses[-1].text == "Hello"
    assert responses[-1].additional_kwargs["finish_reason"] == "stop"


async def test_partial_calls_are_visible_while_streaming(is_async: bool) -> None:
    chunks, _ = SHAPES["openai"]
    _, responses = await stream(is_async, chunks)
    blocks = [b for b in responses[1].message.blocks if isinstance(b, ToolCallBlock)]
    assert [(b.tool_call_id, b.tool_name, b.tool_kwargs) for b in blocks] == [
        ("call_w", "get_weather", '{"city": ')
    ]
