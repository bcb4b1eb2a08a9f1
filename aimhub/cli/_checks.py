"""The probe's checks: one minimal real request each, and what its answer must show.

Every check builds its body through the catalogue's request shaping (so a probe sends what the
adapters would send), measures latency (and time to first token when streamed) and returns a
`CheckResult`. A failure keeps the typed error's class and message: no channel, quota, auth and
unsupported parameters read differently in the table (docs/gateway-behaviour.md §2.3).
"""

from __future__ import annotations

import base64
import json
import struct
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from aimhub._capabilities import ModelCapabilities
from aimhub._client import AimhubClient
from aimhub._exceptions import (
    APIError,
    APIResponseValidationError,
    APIStreamError,
    BadRequestError,
    UnsupportedEndpointError,
)
from aimhub._normalize import ChatStreamAccumulator, completion_usage, normalize_completion
from aimhub._shaping import shape_chat_request

CheckName = Literal["chat", "stream", "tools", "vision", "json", "embed", "rerank"]
CHECKS: tuple[CheckName, ...] = ("chat", "stream", "tools", "vision", "json", "embed", "rerank")
CHAT_CHECKS: tuple[CheckName, ...] = ("chat", "stream", "tools", "vision", "json")
Status = Literal["pass", "fail", "skip"]

#: Rough tokens per check (prompt + the answer cap), for --dry-run and --budget-tokens.
TOKEN_ESTIMATE: dict[CheckName, int] = {
    "chat": 30,
    "stream": 30,
    "tools": 220,  # two turns: the call, then the tool's result
    "vision": 120,  # a tiny image costs about 85 tokens on OpenAI-style upstreams
    "json": 50,
    "embed": 5,
    "rerank": 30,
}
MAX_TOKENS = 16


class ProbeFailedError(Exception):
    """The call succeeded but the answer does not show the ability (e.g. no tool call)."""

    label = "Wrong answer"

    def __init__(self, label: str, message: str) -> None:
        super().__init__(message)
        self.label = label


@dataclass
class CheckResult:
    """One model x check outcome."""

    status: Status
    reason: str | None = None
    message: str | None = None
    error: str | None = None
    latency_ms: float | None = None
    ttft_ms: float | None = None
    tokens: int = 0
    detail: dict[str, Any] = field(default_factory=dict)
    #: Whether the failure says something about the model's ability, not the key or gateway.
    capability_failure: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "reason": self.reason,
            "message": self.message,
            "error": self.error,
            "latency_ms": self.latency_ms,
            "ttft_ms": self.ttft_ms,
            "tokens": self.tokens,
            "detail": self.detail,
        }


def _png(size: int = 8, rgb: tuple[int, int, int] = (220, 30, 30)) -> bytes:
    """A small solid-colour PNG, built here so the probe needs no image file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )


RED_PNG_URL = "data:image/png;base64," + base64.b64encode(_png()).decode()
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The current weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


def _user(content: Any) -> list[dict[str, Any]]:
    return [{"role": "user", "content": content}]


def _body(model: str, caps: ModelCapabilities, stream: bool, **fields: Any) -> dict[str, Any]:
    body = {"model": model, "max_tokens": MAX_TOKENS, **fields}
    return shape_chat_request(body, caps, stream=stream).body


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _answer(client: AimhubClient, body: dict[str, Any]) -> tuple[str, int]:
    reply = client.chat(body)
    choices = normalize_completion(reply)
    usage = completion_usage(reply)
    if not choices:
        return "", usage.total_tokens if usage else 0
    return choices[0].text + (choices[0].reasoning or ""), usage.total_tokens if usage else 0


def check_chat(client: AimhubClient, model: str, caps: ModelCapabilities) -> CheckResult:
    text, tokens = _answer(client, _body(model, caps, False, messages=_user("Reply with: OK")))
    if not text.strip():
        raise ProbeFailedError("Empty answer", "the model answered with no text")
    return CheckResult("pass", tokens=tokens, detail={"answer": text[:60]})


def check_stream(client: AimhubClient, model: str, caps: ModelCapabilities) -> CheckResult:
    started = time.perf_counter()
    ttft = None
    acc = ChatStreamAccumulator()
    text = ""
    body = _body(model, caps, True, messages=_user("Count from 1 to 5."))
    for payload in client.stream_chat_dicts(body):
        delta = acc.add_json(payload)
        if (delta.text or delta.reasoning) and ttft is None:
            ttft = _ms(started)
        text += delta.text + delta.reasoning
    summary = acc.summary()
    if not text.strip():
        raise ProbeFailedError("Empty stream", "the stream ended without any text")
    tokens = summary.usage.total_tokens if summary.usage else 0
    result = CheckResult("pass", ttft_ms=ttft, tokens=tokens, detail={"answer": text[:60]})
    if summary.usage is None:
        # Token counts matter for cost tracking: a stream without usage is worth flagging.
        result.detail["usage"] = "missing"
    return result


def check_tools(client: AimhubClient, model: str, caps: ModelCapabilities) -> CheckResult:
    messages = _user("What is the weather in Paris? Call the get_weather tool.")
    body = _body(model, caps, True, messages=messages, tools=[WEATHER_TOOL], max_tokens=100)
    acc = ChatStreamAccumulator()
    for payload in client.stream_chat_dicts(body):
        acc.add_json(payload)
    summary = acc.summary()
    calls = [c for c in summary.tool_calls if c.error is None and c.name == "get_weather"]
    if not calls:
        broken = [c.error for c in summary.tool_calls if c.error]
        if broken:
            raise ProbeFailedError(
                "Bad tool stream", f"the streamed tool call is broken: {broken[0]}"
            )
        raise ProbeFailedError(
            "No tool call", f"no get_weather call (finish: {summary.finish_reason})"
        )
    call = calls[0]
    tokens = summary.usage.total_tokens if summary.usage else 0
    turn = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": call.arguments},
            }
        ],
    }
    result_msg = {"role": "tool", "tool_call_id": call.id, "content": '{"celsius": 21}'}
    follow = _body(model, caps, False, messages=[*messages, turn, result_msg], tools=[WEATHER_TOOL])
    text, more = _answer(client, follow)
    if not text.strip():
        raise ProbeFailedError("Tool result ignored", "no answer after the tool's result was sent")
    return CheckResult("pass", tokens=tokens + more, detail={"arguments": call.args})


def check_vision(client: AimhubClient, model: str, caps: ModelCapabilities) -> CheckResult:
    content = [
        {"type": "text", "text": "What colour is this image? One word."},
        {"type": "image_url", "image_url": {"url": RED_PNG_URL}},
    ]
    text, tokens = _answer(client, _body(model, caps, False, messages=_user(content)))
    if not text.strip():
        raise ProbeFailedError("Empty answer", "no answer about the image")
    return CheckResult("pass", tokens=tokens, detail={"answer": text[:60]})


def check_json(client: AimhubClient, model: str, caps: ModelCapabilities) -> CheckResult:
    prompt = 'Return exactly this JSON object and nothing else: {"ok": true}'
    # Send JSON mode itself (the catalogue may say to replace it by an instruction): the check
    # measures whether the gateway accepts it.
    body = _body(
        model,
        caps.replace(json_mode=True),
        False,
        messages=_user(prompt),
        response_format={"type": "json_object"},
        max_tokens=30,
    )
    text, tokens = _answer(client, body)
    stripped = text.strip().removeprefix("```json").removeprefix("```").removesuffix("```")
    try:
        value = json.loads(stripped)
    except ValueError:
        raise ProbeFailedError("Not JSON", f"the answer is not JSON: {text[:60]!r}") from None
    if not isinstance(value, dict):
        raise ProbeFailedError("Not JSON", f"the answer is not a JSON object: {text[:60]!r}")
    return CheckResult("pass", tokens=tokens)


def check_embed(client: AimhubClient, model: str, caps: ModelCapabilities) -> CheckResult:
    reply = client.embed(model=model, input=["probe"], encoding_format="float")
    vector = reply.data[0].embedding if reply.data else None
    if not isinstance(vector, list) or not vector:
        raise ProbeFailedError("No vector", "the answer holds no embedding")
    tokens = reply.usage.total_tokens or 0 if reply.usage else 0
    return CheckResult("pass", tokens=tokens, detail={"dimensions": len(vector)})


def check_rerank(client: AimhubClient, model: str, caps: ModelCapabilities) -> CheckResult:
    docs = ["Paris is the capital of France.", "Bananas are yellow."]
    reply = client.rerank(model=model, query="capital of France", documents=docs, top_n=2)
    if not reply.results:
        raise ProbeFailedError("No results", "the reranker returned no results")
    best = max(reply.results, key=lambda r: r.relevance_score or 0.0)
    if best.index != 0:
        raise ProbeFailedError("Wrong order", "the reranker ranked the unrelated document first")
    return CheckResult("pass", detail={"results": len(reply.results)})


CHECK_FUNCTIONS: dict[CheckName, Callable[[AimhubClient, str, ModelCapabilities], CheckResult]] = {
    "chat": check_chat,
    "stream": check_stream,
    "tools": check_tools,
    "vision": check_vision,
    "json": check_json,
    "embed": check_embed,
    "rerank": check_rerank,
}

#: Errors that say the model cannot do this, as opposed to the key, the quota or the gateway.
_CAPABILITY_ERRORS = (
    BadRequestError,
    UnsupportedEndpointError,
    APIResponseValidationError,
    APIStreamError,
    ProbeFailedError,
)


def run_check(
    client: AimhubClient, model: str, caps: ModelCapabilities, check: CheckName
) -> CheckResult:
    """Run one check; an error becomes a failed result, classified by its type."""
    started = time.perf_counter()
    try:
        result = CHECK_FUNCTIONS[check](client, model, caps)
    except (APIError, ProbeFailedError) as exc:
        label = exc.label
        result = CheckResult(
            "fail",
            reason=label,
            message=str(exc),
            error=type(exc).__name__,
            capability_failure=isinstance(exc, _CAPABILITY_ERRORS),
        )
    result.latency_ms = _ms(started)
    return result
