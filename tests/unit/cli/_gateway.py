"""A fake one-api/new-api gateway for the CLI tests, per model, from docs/gateway-behaviour.md.

Each model id maps to a behaviour:

* `ok`: answers, streams with usage in the last chunk, calls tools OpenAI-style, reads images,
  returns JSON (the OpenAI API reference shapes).
* `no_channel`: 503 "当前分组 default 下对于模型 X 无可用渠道" (docs/gateway-behaviour.md §2.3).
* `stream_drops_tools`: one-api's Gemini converter streams no tool calls at all, only text and
  `stop` (docs/gateway-behaviour.md §6).
* `no_vision`: OpenAI's 400 "Invalid content type. image_url is only supported by certain
  models." for an image sent to a text-only model.
* `no_json_mode`: 400 "This response_format type is unavailable now" (DeepSeek,
  docs/gateway-behaviour.md §9).
* `stream_no_usage`: a stream without any usage chunk (docs/gateway-behaviour.md §4).
* `quota`: 401 "该令牌额度已用尽" (docs/gateway-behaviour.md §2.3).
* `interrupt`: raises KeyboardInterrupt, as Ctrl-C would arrive mid-request.
* `reasoning`: streams `reasoning_content` before the answer (DeepSeek-style, §7).
* `embed` / `rerank`: `/embeddings` and `/rerank` answers (§10, §11).
"""

from __future__ import annotations

import json
import threading
from typing import Any

import httpx

from tests.fakes import sse


def _error(status: int, message: str, code: str | None = None) -> httpx.Response:
    return httpx.Response(
        status, json={"error": {"message": message, "type": "new_api_error", "code": code}}
    )


def _completion(model: str, message: dict[str, Any], finish: str = "stop") -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        },
    )


def _chunk(model: str, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _usage_chunk(model: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "model": model,
        "choices": [],
        "usage": {"prompt_tokens": 20, "completion_tokens": 8, "total_tokens": 28},
    }


def _stream(*payloads: dict[str, Any]) -> httpx.Response:
    return httpx.Response(
        200, content=sse(*payloads), headers={"content-type": "text/event-stream"}
    )


class Gateway:
    """Routes by path and by the body's model; records every request."""

    def __init__(self, models: dict[str, str]) -> None:
        self.models = models
        self.requests: list[httpx.Request] = []
        self._lock = threading.Lock()

    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.requests.append(request)
        if request.url.path.endswith("/models"):
            data = [
                {
                    "id": m,
                    "object": "model",
                    "owned_by": "custom",
                    "supported_endpoint_types": ["embeddings"] if b == "embed" else ["openai"],
                }
                for m, b in self.models.items()
            ]
            return httpx.Response(200, json={"success": True, "object": "list", "data": data})
        body = json.loads(request.content)
        model = body["model"]
        behaviour = self.models.get(model)
        if behaviour is None:
            return _error(503, f"当前分组 default 下对于模型 {model} 无可用渠道")
        if behaviour == "interrupt":
            raise KeyboardInterrupt
        if behaviour == "no_channel":
            return _error(503, f"当前分组 default 下对于模型 {model} 无可用渠道")
        if behaviour == "quota":
            return _error(401, "该令牌额度已用尽")
        if request.url.path.endswith("/embeddings"):
            vectors = [
                {"object": "embedding", "index": i, "embedding": [0.1, 0.2, 0.3, 0.4]}
                for i, _ in enumerate(body["input"])
            ]
            return httpx.Response(
                200,
                json={
                    "object": "list",
                    "data": vectors,
                    "model": model,
                    "usage": {"prompt_tokens": 2, "total_tokens": 2},
                },
            )
        if request.url.path.endswith("/rerank"):
            results = [{"index": 0, "relevance_score": 0.9}, {"index": 1, "relevance_score": 0.1}]
            return httpx.Response(200, json={"results": results, "model": model})
        return self._chat(model, behaviour, body)

    def _chat(self, model: str, behaviour: str, body: dict[str, Any]) -> httpx.Response:
        has_image = any(
            isinstance(m.get("content"), list)
            and any(p.get("type") == "image_url" for p in m["content"])
            for m in body["messages"]
        )
        if has_image and behaviour == "no_vision":
            return _error(
                400,
                "Invalid content type. image_url is only supported by certain models.",
                "invalid_request_error",
            )
        if "response_format" in body and behaviour == "no_json_mode":
            return _error(400, "This response_format type is unavailable now")
        if body.get("stream"):
            return self._chat_stream(model, behaviour, body)
        if body["messages"][-1]["role"] == "tool":
            return _completion(model, {"role": "assistant", "content": "It is 21 °C in Paris."})
        if "response_format" in body:
            return _completion(model, {"role": "assistant", "content": '{"ok": true}'})
        return _completion(model, {"role": "assistant", "content": "OK"})

    def _chat_stream(self, model: str, behaviour: str, body: dict[str, Any]) -> httpx.Response:
        tail = [] if behaviour == "stream_no_usage" else [_usage_chunk(model)]
        if body.get("tools") and behaviour != "stream_drops_tools":
            call = {
                "index": 0,
                "id": "call_1",
                "type": "function",
                "function": {"name": "get_weather", "arguments": ""},
            }
            return _stream(
                _chunk(model, {"role": "assistant", "tool_calls": [call]}),
                _chunk(model, {"tool_calls": [{"index": 0, "function": {"arguments": '{"city"'}}]}),
                _chunk(
                    model, {"tool_calls": [{"index": 0, "function": {"arguments": ':"Paris"}'}}]}
                ),
                _chunk(model, {}, "tool_calls"),
                *tail,
            )
        if behaviour == "reasoning":
            return _stream(
                _chunk(model, {"role": "assistant", "reasoning_content": "Thinking it over. "}),
                _chunk(model, {"content": "Done."}),
                _chunk(model, {}, "stop"),
                *tail,
            )
        return _stream(
            _chunk(model, {"role": "assistant", "content": "1, 2, "}),
            _chunk(model, {"content": "3, 4, 5"}),
            _chunk(model, {}, "stop"),
            *tail,
        )
