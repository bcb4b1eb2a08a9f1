"""ChatAimhub turns every gateway answer shape into correct LangChain messages."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from langchain_core.exceptions import ModelAuthenticationError, ModelRateLimitError
from langchain_core.load import dumps
from langchain_core.messages import AIMessageChunk, BaseMessageChunk, HumanMessage

import aimhub
from tests.unit.langchain._gateway import Gateway, completion, delta, make_llm, sse


def _collect(chunks: list[BaseMessageChunk]) -> AIMessageChunk:
    full = chunks[0]
    for chunk in chunks[1:]:
        full = full + chunk
    assert isinstance(full, AIMessageChunk)
    return full


async def _stream(llm: Any, is_async: bool, prompt: Any = "hi") -> list[BaseMessageChunk]:
    if is_async:
        return [c async for c in llm.astream(prompt)]
    return list(llm.stream(prompt))


both = pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])


@both
async def test_invoke_metadata_usage_and_request_id(is_async: bool) -> None:
    usage = {
        "prompt_tokens": 10,
        "completion_tokens": 5,
        "total_tokens": 15,
        "prompt_tokens_details": {"cached_tokens": 4},
        "completion_tokens_details": {"reasoning_tokens": 2},
    }
    llm = make_llm(Gateway(completion("hello", usage=usage, system_fingerprint="fp1")))
    answer = await llm.ainvoke("hi") if is_async else llm.invoke("hi")
    assert answer.content == "hello"
    assert answer.usage_metadata == {
        "input_tokens": 10,
        "output_tokens": 5,
        "total_tokens": 15,
        "input_token_details": {"cache_read": 4},
        "output_token_details": {"reasoning": 2},
    }
    meta = answer.response_metadata
    assert meta["model_provider"] == "aimhub"
    assert meta["request_id"] == "req-1"
    assert meta["finish_reason"] == "stop"
    assert meta["model_name"] == "gpt-4o-mini"


@both
async def test_stream_yields_usage_once_and_last_seen_not_summed(is_async: bool) -> None:
    # SiliconFlow/Gemini-style cumulative usage repeated on every chunk
    # (docs/gateway-behaviour.md §4).
    body = sse(
        {
            **delta(content="a"),
            "usage": {"prompt_tokens": 5, "completion_tokens": 1, "total_tokens": 6},
        },
        {
            **delta(content="b"),
            "usage": {"prompt_tokens": 5, "completion_tokens": 2, "total_tokens": 7},
        },
        {
            **delta(finish_reason="stop"),
            "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8},
        },
    )
    chunks = await _stream(make_llm(Gateway(body)), is_async)
    with_usage = [c for c in chunks if c.usage_metadata]  # type: ignore[attr-defined]
    assert len(with_usage) == 1
    full = _collect(chunks)
    assert full.content == "ab"
    assert full.usage_metadata == {"input_tokens": 5, "output_tokens": 3, "total_tokens": 8}
    assert full.response_metadata["finish_reason"] == "stop"
    assert full.response_metadata["request_id"] == "req-s"


def test_moonshot_usage_inside_the_choice_is_read() -> None:
    body = completion("x")
    body["choices"][0]["usage"] = body.pop("usage")
    assert make_llm(Gateway(body)).invoke("hi").usage_metadata["total_tokens"] == 12  # type: ignore[index]


TOOL_SHAPES = {
    "openai_by_index": [
        delta(
            tool_calls=[
                {
                    "index": 0,
                    "id": "call_a",
                    "type": "function",
                    "function": {"name": "f", "arguments": ""},
                }
            ]
        ),
        delta(tool_calls=[{"index": 0, "function": {"arguments": '{"x": '}}]),
        delta(tool_calls=[{"index": 0, "function": {"arguments": "1}"}}]),
        delta(
            tool_calls=[
                {
                    "index": 1,
                    "id": "call_b",
                    "type": "function",
                    "function": {"name": "g", "arguments": "{}"},
                }
            ]
        ),
    ],
    "claude_without_index": [
        delta(
            tool_calls=[
                {"id": "toolu_a", "type": "function", "function": {"name": "f", "arguments": ""}}
            ]
        ),
        delta(tool_calls=[{"type": None, "function": {"arguments": '{"x":'}}]),
        delta(tool_calls=[{"type": None, "function": {"arguments": " 1}"}}]),
        delta(
            tool_calls=[
                {"id": "toolu_b", "type": "function", "function": {"name": "g", "arguments": ""}}
            ]
        ),
    ],
    "claude_block_indices": [
        delta(content="Let me check."),
        delta(
            tool_calls=[
                {
                    "index": 1,
                    "id": "toolu_a",
                    "type": "function",
                    "function": {"name": "f", "arguments": ""},
                }
            ]
        ),
        delta(tool_calls=[{"index": 1, "function": {"arguments": '{"x": 1}'}}]),
        delta(
            tool_calls=[
                {
                    "index": 2,
                    "id": "toolu_b",
                    "type": "function",
                    "function": {"name": "g", "arguments": ""},
                }
            ]
        ),
    ],
    "gemini_whole_calls_empty_ids": [
        delta(
            content="",
            tool_calls=[
                {
                    "index": 0,
                    "id": "",
                    "type": "function",
                    "function": {"name": "f", "arguments": '{"x":1}'},
                }
            ],
        ),
        delta(
            content="",
            tool_calls=[
                {
                    "index": 1,
                    "id": "",
                    "type": "function",
                    "function": {"name": "g", "arguments": "{}"},
                }
            ],
        ),
    ],
    "several_calls_in_one_delta": [
        delta(
            tool_calls=[
                {
                    "index": 0,
                    "id": "c1",
                    "type": "function",
                    "function": {"name": "f", "arguments": '{"x": 1}'},
                },
                {
                    "index": 1,
                    "id": "c2",
                    "type": "function",
                    "function": {"name": "g", "arguments": ""},
                },
            ]
        ),
    ],
    "glm_arguments_as_objects": [
        delta(
            tool_calls=[
                {"index": -1, "id": "call_1", "function": {"name": "f", "arguments": {"x": 1}}}
            ]
        ),
        delta(
            tool_calls=[{"index": -1, "id": "call_2", "function": {"name": "g", "arguments": {}}}]
        ),
    ],
    "id_repeated_on_every_chunk": [
        delta(
            tool_calls=[{"index": 0, "id": "c1", "function": {"name": "f", "arguments": '{"x"'}}]
        ),
        delta(tool_calls=[{"index": 0, "id": "c1", "function": {"arguments": ": 1}"}}]),
        delta(tool_calls=[{"index": 1, "id": "c2", "function": {"name": "g"}}]),
    ],
}


@both
@pytest.mark.parametrize("shape", sorted(TOOL_SHAPES))
async def test_streamed_tool_calls_merge_for_every_gateway_shape(
    shape: str, is_async: bool
) -> None:
    body = sse(*TOOL_SHAPES[shape], delta(finish_reason="stop"))
    full = _collect(await _stream(make_llm(Gateway(body)), is_async))
    assert [(c["name"], c["args"]) for c in full.tool_calls] == [("f", {"x": 1}), ("g", {})]
    assert all(c["id"] for c in full.tool_calls)
    assert len({c["id"] for c in full.tool_calls}) == 2
    assert full.response_metadata["finish_reason"] == "tool_calls"


def test_malformed_arguments_land_in_invalid_tool_calls() -> None:
    call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": '{"x": '}}
    answer = make_llm(Gateway(completion(None, tool_calls=[call], finish="tool_calls"))).invoke("x")
    assert answer.tool_calls == []
    assert answer.invalid_tool_calls[0]["name"] == "f"
    assert answer.invalid_tool_calls[0]["args"] == '{"x": '
    streamed = _collect(list(make_llm(Gateway(sse(delta(tool_calls=[call])))).stream("x")))
    # Streamed calls are parsed by LangChain's own chunk merging (partial-JSON repair); the
    # gateway's raw arguments stay on the chunks, never lost.
    assert streamed.tool_call_chunks[0]["args"] == '{"x": '
    assert streamed.tool_call_chunks[0]["id"] == "c1"


@both
@pytest.mark.parametrize(
    "chunks",
    [
        [
            delta(reasoning_content="think "),
            delta(reasoning_content="more"),
            delta(content="answer"),
        ],
        [delta(reasoning="think more"), delta(content="answer")],
        # new-api sets both fields to the same text: never concatenated
        [delta(reasoning_content="think more", reasoning="think more"), delta(content="answer")],
        [
            delta(content="<think>\nthink "),
            delta(content="more</th"),
            delta(content="ink>\nanswer"),
        ],
    ],
    ids=["reasoning_content", "reasoning", "both_fields", "think_tags"],
)
async def test_reasoning_arrives_as_reasoning_content(
    chunks: list[dict[str, Any]], is_async: bool
) -> None:
    full = _collect(await _stream(make_llm(Gateway(sse(*chunks))), is_async))
    assert full.content == "answer"
    assert full.additional_kwargs["reasoning_content"].strip() == "think more"


def test_think_tags_in_a_whole_answer_are_split_off() -> None:
    answer = make_llm(Gateway(completion("<think>plan</think>\n\nDone."))).invoke("x")
    assert answer.content == "Done."
    assert answer.additional_kwargs["reasoning_content"] == "plan"


def test_output_version_v1_gives_standard_reasoning_blocks() -> None:
    llm = make_llm(Gateway(completion("Done.", reasoning_content="plan")), output_version="v1")
    blocks = llm.invoke("x").content
    assert {"type": "reasoning", "reasoning": "plan"}.items() <= blocks[0].items()  # type: ignore[union-attr]
    assert blocks[-1]["text"] == "Done."  # type: ignore[index]


def test_stream_without_finish_reason_is_marked_incomplete() -> None:
    full = _collect(list(make_llm(Gateway(sse(delta(content="cut"), done=False))).stream("x")))
    assert full.content == "cut"
    assert full.response_metadata["finish_reason"] == "incomplete"


@pytest.mark.parametrize(
    ("finish", "expected"),
    [
        ("end_turn", "stop"),
        ("max_tokens", "length"),
        ("tool_use", "tool_calls"),
        ("SAFETY", "content_filter"),
        ("", None),
    ],
)
def test_finish_reasons_are_normalised_and_raw_kept(finish: str, expected: str | None) -> None:
    meta = make_llm(Gateway(completion("x", finish=finish))).invoke("x").response_metadata
    assert meta["finish_reason"] == expected
    assert meta["native_finish_reason"] == (finish or None)


def test_streaming_flag_makes_invoke_stream_with_per_token_callbacks() -> None:
    from langchain_core.callbacks import BaseCallbackHandler

    tokens: list[str] = []

    class Collect(BaseCallbackHandler):
        def on_llm_new_token(self, token: str, **kwargs: Any) -> None:
            tokens.append(token)

    gateway = Gateway(sse(delta(content="a"), delta(content="b"), delta(finish_reason="stop")))
    answer = make_llm(gateway, streaming=True).invoke("x", config={"callbacks": [Collect()]})
    assert gateway.last["stream"] is True
    assert answer.content == "ab"
    assert tokens[:2] == ["a", "b"]


def test_gateway_errors_are_catchable_as_aimhub_and_langchain_errors() -> None:
    quota = httpx.Response(429, json={"error": {"message": "Rate limit reached", "type": "x"}})
    with pytest.raises(ModelRateLimitError) as info:
        make_llm(Gateway(quota)).invoke("x")
    assert isinstance(info.value, aimhub.RateLimitError)
    denied = httpx.Response(401, json={"error": {"message": "无效的令牌 (request id: 2025X)"}})
    with pytest.raises(aimhub.AuthenticationError) as auth:
        make_llm(Gateway(denied)).invoke("x")
    assert isinstance(auth.value, ModelAuthenticationError)
    assert auth.value.request_ids == ("2025X",)


def test_error_inside_a_stream_raises_with_partial_text() -> None:
    body = sse(
        delta(content="par"),
        delta(content="tial"),
        {"error": {"message": "upstream died", "code": 500}},
    )
    with pytest.raises(aimhub.APIError) as info:
        list(make_llm(Gateway(body)).stream("x"))
    assert info.value.partial_text == "partial"


def test_key_never_appears_in_repr_or_serialisation() -> None:
    llm = make_llm(Gateway(completion()))
    assert "sk-unit-test-key" not in repr(llm)
    assert "sk-unit-test-key" not in str(llm)
    dumped = dumps(llm)
    assert "sk-unit-test-key" not in dumped
    assert json.loads(dumped)["kwargs"]["api_key"]["id"] == ["AIMHUB_API_KEY"]


def test_missing_key_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from langchain_aimhub import ChatAimhub

    monkeypatch.delenv("AIMHUB_API_KEY", raising=False)
    # pydantic wraps validator errors; the message still names the variable and the fix.
    with pytest.raises(ValueError, match="AIMHUB_API_KEY environment variable"):
        ChatAimhub(model="gpt-4o-mini")


def test_token_estimate_is_offline_and_counts_cjk_per_character() -> None:
    llm = make_llm(Gateway(completion()))
    assert llm.get_num_tokens("你好世界") == 4
    assert llm.get_num_tokens("a" * 40) == 10
    assert llm.get_num_tokens_from_messages([HumanMessage("a" * 40)]) == 16


def test_ls_params_and_profile_come_from_the_catalogue() -> None:
    llm = make_llm(Gateway(completion()), model="claude-3-5-sonnet-20240620", max_tokens=10)
    params = llm._get_ls_params(model="override")
    assert params["ls_provider"] == "aimhub"
    assert params["ls_model_name"] == "override"
    assert params["ls_max_tokens"] == 10
    assert llm.profile is not None
    assert llm.profile["max_input_tokens"] == 200_000
    assert llm.profile["image_inputs"] is True


def test_capabilities_override_changes_the_profile() -> None:
    llm = make_llm(Gateway(completion()), model="my-finetune", capabilities={"vision": True})
    assert llm.profile is not None
    assert llm.profile["image_inputs"] is True
    assert llm.model_capabilities.family == "unknown"
