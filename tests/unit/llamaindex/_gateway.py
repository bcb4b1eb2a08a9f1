"""A fake aggregator gateway that answers the way one-api/new-api relay each model family.

Shapes follow `docs/gateway-behaviour.md` and the platforms' published API docs: whole answers as
in Aimhub's and 数标标's (`chat.completion` with `usage`, `system_fingerprint`), streams and
tool calls per family (§3, §6), usage variants (§4), reasoning (§7) and raw finish reasons (§8).
Everything is deterministic (ids from a counter, fixed timestamps) so that cassettes built from it
replay byte for byte.

Per family (model prefix):

- `gpt-` and anything else: OpenAI-style tool calls, several announced in **one delta**, then
  arguments by index; a usage-only last chunk with cached tokens.
- `claude-`: new-api ≤ 2025-04 tool calls with **no `index`** and id-less argument fragments;
  `choices[].index` set to Claude's block index; raw `tool_use`/`end_turn` finish reasons.
- `gemini-`: each call **whole in one chunk**; cumulative usage on every chunk; a `tool_calls`
  finish followed by new-api's synthetic `stop` chunk.
- `qwen`: each call whole in one chunk.
- `deepseek-reasoner`: `reasoning_content` deltas; DeepSeek's cache and reasoning usage fields.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

CREATED = 1714079126
REQUEST_ID = "20250508041410123456789abcdefgh"
#: Arguments the fake model gives each tool it calls (others get `{}`).
TOOL_ARGS: dict[str, dict[str, Any]] = {
    "get_weather": {"city": "Paris"},
    "get_time": {"city": "Paris"},
}


@dataclass
class Reply:
    """What the fake model says: text, reasoning and tool calls `(name, arguments)`."""

    text: str = ""
    reasoning: str = ""
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def _family(model: str) -> str:
    for prefix in ("claude", "gemini", "qwen", "deepseek-reasoner"):
        if model.startswith(prefix):
            return prefix
    return "openai"


class FamilyGateway:
    """An `httpx.MockTransport` handler answering `POST /v1/chat/completions` per family.

    Args:
        text: the plain answer (also the answer after tool results).
        structured: the object returned for structured-output requests (JSON or a tool call).
        parallel: call every offered tool at once (one delta); else one tool per turn, in order.
        planner: replaces the default decision of what to answer.
    """

    def __init__(
        self,
        *,
        text: str = "Hello!",
        structured: dict[str, Any] | None = None,
        parallel: bool = True,
        planner: Callable[[dict[str, Any]], Reply] | None = None,
    ) -> None:
        self.text = text
        self.structured = structured or {}
        self.parallel = parallel
        self.planner = planner or self.plan
        self.requests: list[httpx.Request] = []
        self._ids = 0

    @property
    def bodies(self) -> list[dict[str, Any]]:
        """Every JSON body received."""
        return [json.loads(r.content) for r in self.requests]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path != "/v1/chat/completions":
            error = {"error": {"message": f"Invalid URL (POST {request.url.path})"}}
            return httpx.Response(404, json=error)
        body = json.loads(request.content)
        reply = self.planner(body)
        headers = {"x-oneapi-request-id": REQUEST_ID}
        style = _family(str(body["model"]))
        if body.get("stream"):
            chunks = [*self._chunks(style, body, reply), "[DONE]"]
            data = "".join(f"data: {c if isinstance(c, str) else _dump(c)}\n\n" for c in chunks)
            headers["content-type"] = "text/event-stream"
            return httpx.Response(200, content=data.encode(), headers=headers)
        return httpx.Response(200, json=self._completion(style, body, reply), headers=headers)

    # --- what to answer -------------------------------------------------------------------

    def plan(self, body: dict[str, Any]) -> Reply:
        """Tool calls while offered tools are unanswered, JSON when asked for, else text."""
        reasoning = "Let me think." if _family(body["model"]) == "deepseek-reasoner" else ""
        tools = [t["function"]["name"] for t in body.get("tools") or []]
        called = [
            c["function"]["name"]
            for m in body["messages"]
            if m.get("role") == "assistant"
            for c in m.get("tool_calls") or []
        ]
        pending = [t for t in tools if t not in called]
        if pending:
            chosen = pending if self.parallel else pending[:1]
            return Reply("", reasoning, [(n, TOOL_ARGS.get(n, self.structured)) for n in chosen])
        if body.get("response_format") or _asks_for_json(body):
            return Reply(json.dumps(self.structured), reasoning)
        return Reply(self.text, reasoning)

    def _call_id(self) -> str:
        self._ids += 1
        return f"call_{self._ids:024d}"

    # --- whole answers --------------------------------------------------------------------

    def _completion(self, style: str, body: dict[str, Any], reply: Reply) -> dict[str, Any]:
        message: dict[str, Any] = {"role": "assistant", "content": reply.text or None}
        if reply.reasoning:
            message["reasoning_content"] = reply.reasoning
        if reply.calls:
            message["tool_calls"] = [
                {
                    "id": self._call_id(),
                    "type": "function",
                    "function": {"name": name, "arguments": json.dumps(args)},
                }
                for name, args in reply.calls
            ]
        finish = _finish(style, bool(reply.calls))
        return {
            "id": "chatcmpl-9I0ZS2JxLKz9yOdh4QDUftcmfly2v",
            "object": "chat.completion",
            "created": CREATED,
            "model": body["model"],
            "choices": [
                {"index": 0, "message": message, "logprobs": None, "finish_reason": finish}
            ],
            "usage": _usage(style),
            "system_fingerprint": "fp_5d12056990",
        }

    # --- streams --------------------------------------------------------------------------

    def _chunks(self, style: str, body: dict[str, Any], reply: Reply) -> list[dict[str, Any]]:
        model = body["model"]
        deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
        deltas += [{"reasoning_content": part} for part in _halves(reply.reasoning)]
        deltas += [{"content": part} for part in _halves(reply.text)]
        deltas += self._tool_deltas(style, reply.calls)
        index = 1 if style == "claude" and reply.reasoning else 0
        chunks = [_chunk(model, d, index=index) for d in deltas]
        if style == "gemini":  # cumulative usage on every chunk (docs/gateway-behaviour.md §4)
            for chunk in chunks:
                chunk["usage"] = _usage(style)
        chunks.append(_chunk(model, {}, finish=_finish(style, bool(reply.calls))))
        if style == "gemini" and reply.calls:
            chunks.append(_chunk(model, {}, finish="stop"))  # new-api's synthetic stop (§3)
        if style != "gemini" and body.get("stream_options", {}).get("include_usage"):
            chunks.append({**_chunk(model, {}), "choices": [], "usage": _usage(style)})
        return chunks

    def _tool_deltas(self, style: str, calls: list[tuple[str, dict[str, Any]]]) -> list[Any]:
        if not calls:
            return []
        ids = [self._call_id() for _ in calls]
        texts = [json.dumps(args) for _, args in calls]
        if style in ("gemini", "qwen"):  # (b) whole call in one chunk, index set
            return [
                {"content": "", "tool_calls": [_call(i, ids[i], name, texts[i])]}
                for i, (name, _) in enumerate(calls)
            ]
        if style == "claude":  # index-less start, then index-less, id-less fragments
            out: list[Any] = []
            for i, (name, _) in enumerate(calls):
                start = {
                    "id": ids[i],
                    "type": "function",
                    "function": {"name": name, "arguments": ""},
                }
                out.append({"tool_calls": [start]})
                out += [
                    {"tool_calls": [{"type": None, "function": {"arguments": part}}]}
                    for part in _halves(texts[i])
                ]
            return out
        # OpenAI style, with every call announced in the same delta (several calls, one delta).
        first = {"tool_calls": [_call(i, ids[i], name, "") for i, (name, _) in enumerate(calls)]}
        rest = [
            {"tool_calls": [{"index": i, "function": {"arguments": part}}]}
            for i in range(len(calls))
            for part in _halves(texts[i])
        ]
        return [first, *rest]


def _asks_for_json(body: dict[str, Any]) -> bool:
    texts = [m.get("content") for m in body["messages"]]
    return any(isinstance(t, str) and "JSON schema" in t for t in texts)


def _finish(style: str, tools: bool) -> str:
    if style == "claude":  # new-api ≤ mid-2025 passes Claude's stop reasons through (§8)
        return "tool_use" if tools else "end_turn"
    return "tool_calls" if tools else "stop"


def _usage(style: str) -> dict[str, Any]:
    usage: dict[str, Any] = {"prompt_tokens": 31, "completion_tokens": 9, "total_tokens": 40}
    if style == "openai":
        usage["prompt_tokens_details"] = {"cached_tokens": 16}
    if style == "deepseek-reasoner":
        usage["prompt_cache_hit_tokens"] = 16
        usage["prompt_cache_miss_tokens"] = 15
        usage["completion_tokens_details"] = {"reasoning_tokens": 4}
    return usage


def _call(index: int, call_id: str, name: str, arguments: str) -> dict[str, Any]:
    function = {"name": name, "arguments": arguments}
    return {"index": index, "id": call_id, "type": "function", "function": function}


def _chunk(
    model: str, delta: dict[str, Any], *, finish: str | None = None, index: int = 0
) -> dict[str, Any]:
    return {
        "id": "chatcmpl-9I0ZS2JxLKz9yOdh4QDUftcmfly2v",
        "object": "chat.completion.chunk",
        "created": CREATED,
        "model": model,
        "choices": [{"index": index, "delta": delta, "finish_reason": finish}],
    }


def _halves(text: str) -> list[str]:
    if not text:
        return []
    middle = max(1, len(text) // 2)
    return [p for p in (text[:middle], text[middle:]) if p]


def _dump(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False)
