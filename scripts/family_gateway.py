"""A scripted one-api/new-api gateway relaying every model family, as documented.

The documentation followed is docs/gateway-behaviour.md.

An `httpx.MockTransport` handler for `POST /v1/chat/completions`. For each family of
`tests/integration/families/_families.py` it answers the way the family's relay path is documented
to answer (`docs/gateway-behaviour.md` §3-§9; the platforms' published examples, listed there
under 'Sources'), never from a live gateway:

* what the upstream model says is the script of `_families.py` (texts, tool calls, reasoning,
  token counts), picked from the request: a tool result gets the final answer, bound tools get the
  two tool calls, an image gets a description, anything else the greeting;
* how it reaches the client is the relay's renderer below: ids, `model` labels, chunk shapes of
  tool calls, reasoning fields, finish reasons and where usage goes (or that it is missing, or
  estimated);
* what the upstream rejects is checked first, with the documented errors
  (`family_rejections.py`), so that a request our shaper should have fixed is recorded as the
  400 a user would get.

Deterministic: ids and request ids derive from the request body, timestamps are constant.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from scripts.family_rejections import rejection
from tests.integration.families._families import (
    BY_MODEL,
    CREATED,
    HELLO_TEXT,
    IMAGE_TEXT,
    NO_TOOLS_TEXT,
    REASONING,
    SEEDS,
    TOOL_ANSWER,
    TOOL_CALLS,
    TOOL_REASONING,
    Family,
    Tokens,
)

Json = dict[str, Any]
SEED_BY_MODEL = {seed.model: seed for seed in SEEDS}
TOOL_TOKENS = Tokens(88, 36)
TOOL_TURN_TOKENS = Tokens(131, 19)
IMAGE_TOKENS = Tokens(98, 16)
NO_TOOLS_TOKENS = Tokens(60, 17)
#: Relays that strip `stream_options` and then estimate usage themselves
#: (docs/gateway-behaviour.md §4).
ESTIMATING = frozenset(
    {
        "new-api-ali",
        "new-api-baidu",
        "new-api-zhipu",
        "new-api-tencent",
        "new-api-xunfei",
        "new-api-deepseek",
    }
)


@dataclass
class Answer:
    """What the upstream model says, before the relay renders it."""

    text: str = ""
    reasoning: str = ""
    calls: tuple[tuple[str, dict[str, Any]], ...] = ()
    tokens: Tokens = field(default_factory=lambda: Tokens(0, 0))


@dataclass
class Exchange:
    """One request as the gateway sees it."""

    family: Family
    body: Json
    digest: str

    @property
    def stream(self) -> bool:
        return bool(self.body.get("stream"))

    @property
    def wants_usage(self) -> bool:
        options = self.body.get("stream_options") or {}
        return bool(options.get("include_usage"))

    def hid(self, salt: str, size: int = 24) -> str:
        """A deterministic hex id for `salt` within this request."""
        return hashlib.sha256(f"{self.digest}:{salt}".encode()).hexdigest()[:size]

    @property
    def request_id(self) -> str:
        # new-api: `GetTimeString() + GetRandomString(8)` (docs/gateway-behaviour.md §1).
        return "20250301120000" + self.hid("request-id", 8)


class ScriptedFamilyGateway:
    """The handler: validate, decide the answer, render it the family's way."""

    def __init__(self) -> None:
        self.count = 0
        self.rejected: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        body = json.loads(request.content)
        digest = hashlib.sha256(request.content).hexdigest()
        model = str(body.get("model"))
        if request.url.path != "/v1/chat/completions":
            return _error(404, f"Invalid URL ({request.method} {request.url.path})", digest[:8])
        if model in SEED_BY_MODEL:
            return _json(SEED_BY_MODEL[model].reply, "20250301120000" + digest[:8])
        family = BY_MODEL.get(model)
        if family is None:
            message = f"当前分组 default 下对于模型 {model} 无可用渠道"
            return _error(503, message, digest[:8], code="model_not_found")
        exchange = Exchange(family, body, digest)
        problem = rejection(family, body)
        if problem is not None:
            self.rejected.append(f"{model}: {problem}")
            return _error(400, problem, exchange.request_id)
        answer = _decide(exchange)
        return RENDERERS[family.relay](exchange, answer)


# --- the upstream: what it answers -----------------------------------------------------------


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def _has_image(message: Json) -> bool:
    content = message.get("content")
    return isinstance(content, list) and any(
        isinstance(p, dict) and p.get("type") == "image_url" for p in content
    )


def _decide(exchange: Exchange) -> Answer:
    family, body = exchange.family, exchange.body
    last = body["messages"][-1]
    thinking = (
        family.thinks
        and (exchange.stream or family.thinks_unstreamed)
        and body.get("enable_thinking") is not False
    )
    if last.get("role") == "tool":
        return Answer(TOOL_ANSWER, tokens=TOOL_TURN_TOKENS)
    if body.get("tools"):
        # The channel's converter drops `tools` (docs/gateway-behaviour.md §9).
        if "tools" not in family.cases:
            return Answer(NO_TOOLS_TEXT, tokens=NO_TOOLS_TOKENS)
        reasoning = TOOL_REASONING if thinking else ""
        return Answer(reasoning=reasoning, calls=TOOL_CALLS, tokens=TOOL_TOKENS)
    if _has_image(last):
        return Answer(IMAGE_TEXT, tokens=IMAGE_TOKENS)
    return Answer(HELLO_TEXT, REASONING if thinking else "", tokens=family.tokens)


# --- framing ---------------------------------------------------------------------------------


def _dump(value: Any) -> str:
    # Go's encoding/json: compact, UTF-8 kept.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json(body: Json, request_id: str, status: int = 200) -> httpx.Response:
    return httpx.Response(
        status,
        content=_dump(body).encode(),
        headers={"content-type": "application/json", "x-oneapi-request-id": request_id},
    )


def _sse(chunks: list[Json | str], request_id: str) -> httpx.Response:
    events = [c if isinstance(c, str) else f"data: {_dump(c)}\n\n" for c in chunks]
    events.append("data: [DONE]\n\n")
    return httpx.Response(
        200,
        content="".join(events).encode(),
        headers={
            "content-type": "text/event-stream",
            "cache-control": "no-cache",
            "x-oneapi-request-id": request_id,
        },
    )


def _error(
    status: int, message: str, request_id: str, *, code: str | None = None
) -> httpx.Response:
    error = {
        "message": f"{message} (request id: {request_id})",
        "type": "new_api_error" if status != 400 else "upstream_error",
        "param": "",
        "code": code,
    }
    return _json({"error": error}, request_id, status)


def _pieces(text: str, words: int = 2) -> Iterator[str]:
    """A text in streamed pieces of a few words each (spaces kept)."""
    parts = text.split(" ") if text else []
    for start in range(0, len(parts), words):
        piece = " ".join(parts[start : start + words])
        yield piece if start == 0 else " " + piece


def _halves(arguments: str) -> list[str]:
    if len(arguments) < 4:
        return [arguments]
    middle = len(arguments) // 2
    return [arguments[:middle], arguments[middle:]]


def _arguments(args: dict[str, Any]) -> str:
    return _dump(args)


def _usage(tokens: Tokens) -> Json:
    return {
        "prompt_tokens": tokens.prompt,
        "completion_tokens": tokens.completion,
        "total_tokens": tokens.prompt + tokens.completion,
    }


def _openai_usage(tokens: Tokens) -> Json:
    """OpenAI details cached and reasoning tokens always, zeros included."""
    return {
        **_usage(tokens),
        "prompt_tokens_details": {"cached_tokens": tokens.cached or 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": tokens.reasoning or 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def _deepseek_usage(tokens: Tokens) -> Json:
    """DeepSeek's own cache fields, `prompt_cache_hit_tokens`/`_miss_tokens`.

    See docs/gateway-behaviour.md §4.
    """
    usage = _usage(tokens)
    if tokens.cached is not None:
        usage["prompt_cache_hit_tokens"] = tokens.cached
        usage["prompt_cache_miss_tokens"] = tokens.prompt - tokens.cached
    if tokens.reasoning is not None:
        usage["completion_tokens_details"] = {"reasoning_tokens": tokens.reasoning}
    return usage


def _estimate(exchange: Exchange, answer: Answer) -> Tokens:
    """new-api's local count for a stream whose upstream sent no usage
    (docs/gateway-behaviour.md §4): about four characters a token per message, +7 per tool call."""
    prompt = sum(math.ceil(len(_text_of(m.get("content"))) / 4) for m in exchange.body["messages"])
    completion = math.ceil(len(answer.reasoning) / 4) + math.ceil(len(answer.text) / 4)
    return Tokens(prompt + 3, completion + 7 * len(answer.calls))


def _finish(answer: Answer) -> str:
    return "tool_calls" if answer.calls else "stop"


# --- OpenAI-shaped relays ----------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """The differences between OpenAI-shaped upstreams."""

    usage: Callable[[Tokens], Json] = _usage
    fingerprint: str | None = None
    call_id: Callable[[Exchange, int, str], str] = lambda e, i, name: "call_" + e.hid(f"c{i}")
    #: Each call whole in one chunk (Gemini, Qwen: docs/gateway-behaviour.md §6 (b)).
    whole_calls: bool = False
    #: Where streamed usage goes: a `choices: []` chunk, the finish chunk, or `choices[0]`.
    stream_usage: str = "separate"
    #: Reasoning text also under `reasoning` (new-api's SetReasoningContent, §7).
    both_reasoning_fields: bool = False
    #: Streamed reasoning moved into `content` as `<think>\n…\n</think>\n` (§7).
    think_to_content: bool = False
    #: GLM: every call in the finish chunk, `index: -1`, arguments as objects (§6).
    calls_in_finish_chunk: bool = False
    #: Spark: non-streamed answers carry no `model` (new-api's Xunfei converter sets none).
    no_model: bool = False
    chunk_id: str = ""
    served_as: str = ""


def _openai_message(exchange: Exchange, answer: Answer, style: Style) -> Json:
    message: Json = {"role": "assistant", "content": answer.text or None}
    if answer.reasoning:
        message["reasoning_content"] = answer.reasoning
    if answer.calls:
        message["tool_calls"] = [
            {
                "id": style.call_id(exchange, i, name),
                "type": "function",
                "function": {"name": name, "arguments": _arguments(args)},
            }
            for i, (name, args) in enumerate(answer.calls)
        ]
    return message


def _openai_completion(exchange: Exchange, answer: Answer, style: Style) -> Json:
    body: Json = {
        "id": style.chunk_id or "chatcmpl-" + exchange.hid("id"),
        "object": "chat.completion",
        "created": CREATED,
        "model": style.served_as or exchange.family.reply_model,
        "choices": [
            {
                "index": 0,
                "message": _openai_message(exchange, answer, style),
                "logprobs": None,
                "finish_reason": _finish(answer),
            }
        ],
        "usage": style.usage(answer.tokens),
    }
    if style.fingerprint:
        body["system_fingerprint"] = style.fingerprint
    if style.no_model:
        del body["model"]
    return body


def _openai_deltas(exchange: Exchange, answer: Answer, style: Style) -> Iterator[Json]:
    """The deltas of a streamed answer, OpenAI-style unless the style says otherwise."""
    yield {"role": "assistant", "content": ""}
    if style.think_to_content and answer.reasoning:
        # new-api's thinkToContent: "<think>\n" before the first reasoning delta, "\n</think>\n"
        # before the first content delta (relay-openai.go).
        pieces = list(_pieces(answer.reasoning))
        yield from ({"content": ("<think>\n" if i == 0 else "") + p} for i, p in enumerate(pieces))
        texts = list(_pieces(answer.text))
        yield from (
            {"content": ("\n</think>\n" if i == 0 else "") + p} for i, p in enumerate(texts)
        )
    else:
        for piece in _pieces(answer.reasoning):
            delta: Json = {"reasoning_content": piece}
            if style.both_reasoning_fields:
                delta["reasoning"] = piece
            yield delta
        for piece in _pieces(answer.text):
            yield {"content": piece}
    if style.calls_in_finish_chunk:
        return
    for i, (name, args) in enumerate(answer.calls):
        call_id = style.call_id(exchange, i, name)
        head = {"index": i, "id": call_id, "type": "function"}
        if style.whole_calls:
            function = {"name": name, "arguments": _arguments(args)}
            yield {"content": "", "tool_calls": [{**head, "function": function}]}
            continue
        yield {"tool_calls": [{**head, "function": {"name": name, "arguments": ""}}]}
        for part in _halves(_arguments(args)):
            yield {"tool_calls": [{"index": i, "function": {"arguments": part}}]}


def _openai_stream(
    exchange: Exchange, answer: Answer, style: Style, usage: Json | None, *, nulls: bool = True
) -> list[Json | str]:
    """`nulls`: `"usage": null` on every chunk, as upstreams asked for usage write it."""
    chunk_id = style.chunk_id or "chatcmpl-" + exchange.hid("id")
    model = style.served_as or exchange.family.stream_model
    base: Json = {
        "id": chunk_id,
        "object": "chat.completion.chunk",
        "created": CREATED,
        "model": model,
    }
    if style.fingerprint:
        base["system_fingerprint"] = style.fingerprint
    chunks: list[Json | str] = []
    for delta in _openai_deltas(exchange, answer, style):
        chunk = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
        if nulls and usage is not None and style.stream_usage == "separate":
            chunk["usage"] = None
        chunks.append(chunk)
    final: Json = {"index": 0, "delta": {}, "finish_reason": _finish(answer)}
    if style.calls_in_finish_chunk and answer.calls:
        final["delta"] = {
            "role": "assistant",
            "tool_calls": [
                {
                    "index": -1,
                    "id": style.call_id(exchange, i, name),
                    "type": "function",
                    "function": {"name": name, "arguments": args},
                }
                for i, (name, args) in enumerate(answer.calls)
            ],
        }
    last: Json = {**base, "choices": [final]}
    if usage is not None and style.stream_usage == "in_choice":  # Moonshot (§4)
        final["usage"] = usage
    elif usage is not None and style.stream_usage == "finish_chunk":
        last["usage"] = usage
    chunks.append(last)
    if usage is not None and style.stream_usage == "separate":
        chunks.append({**base, "choices": [], "usage": usage})
    return chunks


def _render_openai_like(
    style: Style, *, estimating: bool = False
) -> Callable[[Exchange, Answer], httpx.Response]:
    def render(exchange: Exchange, answer: Answer) -> httpx.Response:
        if not exchange.stream:
            return _json(_openai_completion(exchange, answer, style), exchange.request_id)
        usage: Json | None = None
        if exchange.wants_usage:
            estimate = _usage(_estimate(exchange, answer))
            usage = estimate if estimating else style.usage(answer.tokens)
        # An estimating relay stripped `stream_options`: the upstream wrote no usage fields.
        chunks = _openai_stream(exchange, answer, style, usage, nulls=not estimating)
        return _sse(chunks, exchange.request_id)

    return render


# --- Claude through the gateways' Anthropic converters ----------------------------------------


def _claude_one_api(exchange: Exchange, answer: Answer) -> httpx.Response:
    """one-api (Feb 2025): `finish_reason: ""` on every chunk but the last, an empty chunk for
    `ping`/`content_block_stop`/`message_stop`, tool calls without `index`, argument fragments
    without id, a no-argument call re-emitted whole in the finish chunk, no usage when streamed
    (docs/gateway-behaviour.md §3, §6; one-api relay/adaptor/anthropic/main.go)."""
    model = exchange.family.model
    msg_id = "chatcmpl-msg_" + exchange.hid("msg")
    calls = [
        (f"toolu_{exchange.hid(f't{i}')}", name, args)
        for i, (name, args) in enumerate(answer.calls)
    ]
    finish = _finish(answer)
    if not exchange.stream:
        message: Json = {"role": "assistant", "content": answer.text}
        if calls:
            message["tool_calls"] = [
                {
                    "id": cid,
                    "type": "function",
                    "function": {"name": name, "arguments": _arguments(args)},
                }
                for cid, name, args in calls
            ]
        body = {
            "id": msg_id,
            "model": model,
            "object": "chat.completion",
            "created": CREATED,
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": _usage(answer.tokens),
        }
        return _json(body, exchange.request_id)
    base: Json = {
        "id": msg_id,
        "object": "chat.completion.chunk",
        "created": CREATED,
        "model": model,
    }

    def chunk(content: str = "", finish_reason: str = "", tools: list[Json] | None = None) -> Json:
        delta: Json = {"content": content, "role": "assistant"}
        if tools:
            delta["tool_calls"] = tools
        return {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]}

    chunks: list[Json | str] = []
    if answer.text:
        chunks += [chunk(), chunk()]  # content_block_start (empty text), ping
        chunks += [chunk(piece) for piece in _pieces(answer.text)]
        chunks.append(chunk())  # content_block_stop
    reemit: list[Json] = []
    for cid, name, args in calls:
        head = {"id": cid, "type": "function", "function": {"name": name, "arguments": ""}}
        chunks.append(chunk(tools=[head]))
        if args:
            chunks += [
                chunk(tools=[{"function": {"arguments": p}}]) for p in _halves(_arguments(args))
            ]
        else:
            reemit.append(
                {"id": cid, "type": "function", "function": {"name": name, "arguments": "{}"}}
            )
        chunks.append(chunk())  # content_block_stop
    chunks.append(chunk(finish_reason=finish, tools=reemit or None))  # message_delta
    chunks.append(chunk())  # message_stop
    return _sse(chunks, exchange.request_id)


def _claude_new_api(exchange: Exchange, answer: Answer) -> httpx.Response:
    """new-api (<= Apr 2025): tool calls without `index` and fragments with `type: null`,
    `finish_reason` `tool_use` passed through, thinking as `reasoning_content` (a signature as
    `"\\n"`), the Claude block index copied into `choices[0].index`, usage in a final
    `choices: []` chunk (docs/gateway-behaviour.md §3, §6, §7, §8; new-api
    relay/channel/claude/relay-claude.go)."""
    model = exchange.family.model
    msg_id = "msg_" + exchange.hid("msg")
    calls = [
        (f"toolu_{exchange.hid(f't{i}')}", name, args)
        for i, (name, args) in enumerate(answer.calls)
    ]
    finish = "tool_use" if calls else "stop"
    if not exchange.stream:
        message: Json = {"role": "assistant", "content": answer.text}
        if answer.reasoning:
            message["reasoning_content"] = answer.reasoning
        if calls:
            message["tool_calls"] = [
                {
                    "id": cid,
                    "type": "function",
                    "function": {"name": name, "arguments": _arguments(args)},
                }
                for cid, name, args in calls
            ]
        body = {
            "id": msg_id,
            "object": "chat.completion",
            "created": CREATED,
            "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": _usage(answer.tokens),
        }
        return _json(body, exchange.request_id)
    base: Json = {
        "id": msg_id,
        "object": "chat.completion.chunk",
        "created": CREATED,
        "model": model,
    }

    def chunk(delta: Json, index: int = 0, finish_reason: str | None = None) -> Json:
        return {
            **base,
            "choices": [{"index": index, "delta": delta, "finish_reason": finish_reason}],
        }

    chunks: list[Json | str] = [chunk({"role": "assistant", "content": ""})]  # message_start
    block = 0
    if answer.reasoning:
        chunks += [chunk({"reasoning_content": p}, block) for p in _pieces(answer.reasoning)]
        chunks.append(chunk({"reasoning_content": "\n"}, block))  # signature_delta
        block += 1
    if answer.text:
        chunks.append(chunk({"content": ""}, block))  # content_block_start
        chunks += [chunk({"content": p}, block) for p in _pieces(answer.text)]
        block += 1
    for cid, name, args in calls:
        head = {"id": cid, "type": "function", "function": {"name": name, "arguments": ""}}
        chunks.append(chunk({"content": None, "tool_calls": [head]}, block))
        for part in _halves(_arguments(args)) if args else []:
            fragment = {"type": None, "function": {"arguments": part}}
            chunks.append(chunk({"content": None, "tool_calls": [fragment]}, block))
        block += 1
    chunks.append(chunk({}, 0, finish))  # message_delta
    if exchange.wants_usage:
        chunks.append({**base, "choices": [], "usage": _usage(answer.tokens)})
    return _sse(chunks, exchange.request_id)


# --- Gemini through the gateways' converters ---------------------------------------------------


def _uuid(exchange: Exchange, salt: str) -> str:
    return exchange.hid(salt, 32)


def _gemini_one_api(exchange: Exchange, answer: Answer) -> httpx.Response:
    """one-api: a new `chatcmpl-<uuid>` and `model: "gemini"` on every chunk, no tool calls at
    all when streamed, only the first call (with `finish_reason: "stop"`) when not, no stream
    usage (docs/gateway-behaviour.md §3, §6; one-api relay/adaptor/gemini/main.go)."""
    if not exchange.stream:
        message: Json = {"role": "assistant", "content": answer.text}
        if answer.calls:
            name, args = answer.calls[0]
            call = {
                "id": "call_" + _uuid(exchange, "call"),
                "type": "function",
                "function": {"name": name, "arguments": _arguments(args)},
            }
            message["tool_calls"] = [call]
        body = {
            "id": "chatcmpl-" + _uuid(exchange, "id"),
            "object": "chat.completion",
            "created": CREATED,
            "model": exchange.family.model,
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "usage": _usage(answer.tokens),
        }
        return _json(body, exchange.request_id)
    pieces = list(_pieces(answer.text)) or [""]
    chunks: list[Json | str] = []
    for number, piece in enumerate(pieces):
        last = number == len(pieces) - 1
        chunks.append(
            {
                "id": "chatcmpl-" + _uuid(exchange, f"chunk{number}"),
                "object": "chat.completion.chunk",
                "created": CREATED,
                "model": "gemini",
                "choices": [
                    {
                        "index": 0,
                        "delta": {"content": piece},
                        "finish_reason": "stop" if last else None,
                    }
                ],
            }
        )
    return _sse(chunks, exchange.request_id)


def _gemini_new_api(exchange: Exchange, answer: Answer) -> httpx.Response:
    """new-api (Apr 2025): `call_<uuid>` ids, each call whole in one chunk with `index` and
    `content: ""`, a synthetic `stop` chunk after `tool_calls`, usage chunk (Gemini is on the
    `stream_options` allow-list) (docs/gateway-behaviour.md §3, §4, §6; new-api
    relay-gemini.go)."""
    style = Style(
        call_id=lambda e, i, name: "call_" + _uuid(e, f"call{i}"),
        whole_calls=True,
        chunk_id="chatcmpl-" + _uuid(exchange, "id"),
    )
    if not exchange.stream:
        body = _openai_completion(exchange, answer, style)
        message = body["choices"][0]["message"]
        message["content"] = answer.text  # "" with tool calls, never null
        del body["choices"][0]["logprobs"]
        return _json(body, exchange.request_id)
    usage = _usage(answer.tokens) if exchange.wants_usage else None
    chunks = _openai_stream(exchange, answer, style, usage)
    if answer.calls:
        stop = {
            **_base_of(chunks[0]),
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        }
        position = len(chunks) - (1 if usage is not None else 0)
        chunks.insert(position, stop)
    return _sse(chunks, exchange.request_id)


def _base_of(chunk: Json | str) -> Json:
    assert isinstance(chunk, dict)
    return {k: v for k, v in chunk.items() if k not in ("choices", "usage")}


def _gemini_openai(exchange: Exchange, answer: Answer) -> httpx.Response:
    """Google's OpenAI-compatible endpoint behind a new-api OpenAI channel: tool-call ids are
    `""` (docs/gateway-behaviour.md §6: vercel/ai#7834), calls whole, usage on the finish chunk."""
    style = Style(
        call_id=lambda e, i, name: "",
        whole_calls=True,
        stream_usage="finish_chunk",
        chunk_id=_uuid(exchange, "id")[:28],
    )
    return _render_openai_like(style)(exchange, answer)


# --- the renderers, by relay -----------------------------------------------------------------

RENDERERS: dict[str, Callable[[Exchange, Answer], httpx.Response]] = {
    "openai": _render_openai_like(Style(usage=_openai_usage, fingerprint="fp_7fcd609668")),
    "openai-compatible": _render_openai_like(Style()),
    "moonshot": _render_openai_like(
        Style(
            call_id=lambda e, i, name: f"{name}:{i}",  # Kimi's own call ids
            stream_usage="in_choice",
        )
    ),
    "claude-one-api": _claude_one_api,
    "claude-new-api": _claude_new_api,
    "gemini-one-api": _gemini_one_api,
    "gemini-new-api": _gemini_new_api,
    "gemini-openai": _gemini_openai,
    "new-api-ali": _render_openai_like(Style(whole_calls=True), estimating=True),
    "new-api-baidu": _render_openai_like(Style(served_as="ernie-bot"), estimating=True),
    "new-api-zhipu": _render_openai_like(Style(calls_in_finish_chunk=True), estimating=True),
    "new-api-tencent": _render_openai_like(Style(served_as="tencent-hunyuan"), estimating=True),
    "new-api-xunfei": _render_openai_like(Style(no_model=True), estimating=True),
    "new-api-deepseek": _render_openai_like(
        Style(usage=_deepseek_usage, both_reasoning_fields=True), estimating=True
    ),
    "new-api-think-to-content": _render_openai_like(Style(think_to_content=True)),
}
