"""The fast lane: `stream_chat_dicts` and `ChatStreamAccumulator.add_json`.

Both must mean exactly what the typed lane means (`stream_chat` + `add`): same chunks, same
errors, same normalised deltas and summary, for any chunk a gateway may send.
"""

from __future__ import annotations

import copy
import itertools
import logging
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from aimhub import APIStreamError, _toolcalls
from aimhub._normalize import ChatDelta, ChatStreamAccumulator
from aimhub.types import ChatCompletionChunk
from tests.fakes import (
    FakeGateway,
    call,
    chat_chunk,
    chat_completion,
    collect,
    drain,
    json_reply,
    make_client,
    prompt_filter_chunk,
    split_every,
    sse,
    sse_reply,
)

ARGS: dict[str, Any] = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
USAGE = {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7}
WIRE_CHUNKS = [
    prompt_filter_chunk(),
    chat_chunk(role="assistant", refusal=None),
    chat_chunk("<think>\nhm"),
    chat_chunk("m</think>\n\nHel", finish_reason=""),
    chat_chunk("lo"),
    chat_chunk(finish_reason="stop"),
    {**chat_chunk(), "choices": [], "usage": USAGE},
]


async def both_lanes(is_async: bool, wire: bytes, size: int) -> tuple[list[Any], list[Any]]:
    typed_client = make_client(FakeGateway(sse_reply(split_every(wire, size))), is_async)
    dict_client = make_client(FakeGateway(sse_reply(split_every(wire, size))), is_async)
    typed = await collect(await call(typed_client, "stream_chat", **ARGS))
    dicts = await collect(await call(dict_client, "stream_chat_dicts", **ARGS))
    return typed, dicts


@pytest.mark.parametrize("size", [1, 7, 100_000])
async def test_dicts_are_the_gateways_objects_and_validate_to_the_typed_chunks(
    is_async: bool, size: int
) -> None:
    wire = b": keep-alive\n\n" + sse(*WIRE_CHUNKS)
    typed, dicts = await both_lanes(is_async, wire, size)
    assert dicts == WIRE_CHUNKS
    assert [ChatCompletionChunk.model_validate(d) for d in dicts] == typed


async def test_non_json_events_are_skipped_with_a_warning_in_both_lanes(
    is_async: bool, caplog: pytest.LogCaptureFixture
) -> None:
    wire = b"data:\n\ndata: ping\n\ndata: [1, 2]\n\n" + sse(chat_chunk("ok"))
    with caplog.at_level(logging.WARNING, logger="aimhub"):
        typed, dicts = await both_lanes(is_async, wire, 100_000)
    assert len(typed) == len(dicts) == 1
    assert dicts[0] == chat_chunk("ok")
    assert caplog.text.count("ping") == 2


async def test_an_error_inside_the_stream_raises_with_partial_text(is_async: bool) -> None:
    wire = sse(chat_chunk("Hel"), chat_chunk("lo"), done=False)
    wire += b'data: {"error": {"message": "upstream failed", "type": "upstream_error"}}\n\n'
    client = make_client(FakeGateway(sse_reply(split_every(wire, 5))), is_async)
    seen: list[Any] = []
    stream = await call(client, "stream_chat_dicts", **ARGS)
    with pytest.raises(APIStreamError) as info:
        await drain(stream, seen)
    assert info.value.partial_text == "Hello"
    assert [c["choices"][0]["delta"]["content"] for c in seen] == ["Hel", "lo"]


async def test_a_whole_json_reply_is_one_chunk_object(is_async: bool) -> None:
    client = make_client(FakeGateway(json_reply(200, chat_completion("一次"))), is_async)
    (chunk,) = await collect(await call(client, "stream_chat_dicts", **ARGS))
    assert chunk["object"] == "chat.completion.chunk"
    assert chunk["choices"][0]["delta"] == {"role": "assistant", "content": "一次"}
    assert chunk["usage"]["total_tokens"] == 5


# --- add_json == add ------------------------------------------------------------------------

maybe_text = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(["", "<think>", "</think>", "\n", "<thi", "nk>"]),
)
odd = st.one_of(st.none(), st.integers(), st.just(""), st.just([]), st.just({}))
fragment = st.fixed_dictionaries(
    {},
    optional={
        "index": st.one_of(st.integers(0, 2), st.none()),
        "id": st.one_of(st.none(), st.sampled_from(["call_1", "call_2", ""])),
        "type": st.just("function"),
        "function": st.fixed_dictionaries(
            {}, optional={"name": maybe_text, "arguments": st.sampled_from(['{"a"', ": 1}", ""])}
        ),
    },
)
delta = st.fixed_dictionaries(
    {},
    optional={
        "role": st.one_of(st.just("assistant"), st.none(), st.integers()),
        "content": st.one_of(maybe_text, st.just([{"type": "text", "text": "p"}]), st.integers()),
        "reasoning_content": st.one_of(maybe_text, odd),
        "reasoning": maybe_text,
        "refusal": st.one_of(st.none(), st.just("no")),
        "tool_calls": st.one_of(st.none(), st.lists(fragment, max_size=2)),
        "function_call": st.one_of(st.none(), st.just({"name": "f", "arguments": "{}"})),
    },
)
choice = st.fixed_dictionaries(
    {"delta": st.one_of(delta, st.none(), st.integers())},
    optional={
        "index": st.one_of(st.integers(0, 3), st.none(), st.text(max_size=2)),
        "finish_reason": st.sampled_from([None, "", "stop", "tool_calls", "length", "weird"]),
        "logprobs": st.one_of(st.none(), st.just({"content": []})),
        "usage": st.one_of(st.none(), st.just(USAGE)),
    },
)
chunk = st.fixed_dictionaries(
    {"choices": st.one_of(st.lists(choice, max_size=2), st.none(), st.just(["x"]))},
    optional={
        "id": st.one_of(st.sampled_from(["a", "b"]), st.none(), st.integers()),
        "model": st.one_of(st.sampled_from(["m1", "m2"]), st.none()),
        "object": st.one_of(st.just("chat.completion.chunk"), st.integers()),
        "system_fingerprint": st.one_of(st.sampled_from(["fp", ""]), st.none(), st.integers()),
        "usage": st.one_of(st.none(), st.just(USAGE), st.just({})),
        "created": st.one_of(st.integers(), st.text(max_size=3)),
    },
)


def typed_lane(acc: ChatStreamAccumulator, payload: dict[str, Any]) -> ChatDelta:
    try:
        return acc.add(ChatCompletionChunk.model_validate(payload))
    except ValidationError:
        return ChatDelta()  # what `stream_chat` does with a chunk its model rejects


@settings(max_examples=400, deadline=None)
@given(st.lists(chunk, max_size=6), st.booleans())
def test_add_json_equals_add_of_the_typed_chunk(chunks: list[dict[str, Any]], tags: bool) -> None:
    fast, typed = ChatStreamAccumulator(think_tags=tags), ChatStreamAccumulator(think_tags=tags)
    logging.disable(logging.WARNING)
    try:
        for payload in chunks:
            # Calls without an id get a fresh random one: the same in both lanes, for comparing.
            with patch.object(_toolcalls, "_new_id", itertools.count().__next__):
                fast_delta = fast.add_json(copy.deepcopy(payload))
            with patch.object(_toolcalls, "_new_id", itertools.count().__next__):
                assert fast_delta == typed_lane(typed, payload)
    finally:
        logging.disable(logging.NOTSET)
    assert fast.flush() == typed.flush()
    assert fast.summary() == typed.summary()


def test_plain_text_chunks_take_the_fast_lane_without_the_typed_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    acc = ChatStreamAccumulator()
    acc.add_json(chat_chunk(role="assistant", content="", refusal=None))

    def no_model(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a plain chunk was validated")

    monkeypatch.setattr(ChatCompletionChunk, "model_validate", no_model)
    assert acc.add_json(chat_chunk("Hel", finish_reason="")).text == "Hel"
    assert acc.add_json(chat_chunk("lo", logprobs=None)).text == "lo"


def test_a_chunk_the_model_rejects_is_skipped_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    acc = ChatStreamAccumulator()
    with caplog.at_level(logging.WARNING, logger="aimhub"):
        assert not acc.add_json({"id": 7, "choices": [{"delta": {"content": "x"}}]})
    assert "'id'" in caplog.text
    assert acc.add_json(chat_chunk("y")).text == "y"


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        (12, 12),
        (12.0, 12),
        ("12", 12),
        ("1e3", 1000),
        ("INF", None),
        ("nan", None),
        (float("inf"), None),
        ("x", None),
        (True, None),
        (None, None),
    ],
)
def test_lenient_integers_read_numbers_and_turn_garbage_into_none(
    sent: object, read: object
) -> None:
    # OpenRouter sends counts as floats and some relays as strings; garbage must not crash.
    assert ChatCompletionChunk.model_validate({"created": sent}).created == read
