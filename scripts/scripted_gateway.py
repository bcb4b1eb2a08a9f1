"""A scripted OpenAI-compatible gateway: new-api relaying OpenAI and Gemini models, in-process.

An `httpx.MockTransport` handler. It answers `POST /v1/chat/completions` the way a new-api
gateway relaying the upstream does, from documented behaviour only:

* framing: `data: {json}\\n\\n` events and `data: [DONE]`; a usage-only last chunk with
  `choices: []` when `stream_options.include_usage` is set, `"usage": null` on the other chunks;
  tool calls streamed OpenAI-style (id and name first, then argument fragments by `index`);
  docs/gateway-behaviour.md §3, §4, §6;
* accounting: `prompt_tokens_details.cached_tokens` (OpenAI caches repeated prompts of 1024+
  tokens, in 128-token steps) and `completion_tokens_details.reasoning_tokens`;
  docs/gateway-behaviour.md §4;
* identity: `X-Oneapi-Request-Id` on every response, error messages ending in
  `(request id: …)`, new-api's 401/404/503 envelopes; docs/gateway-behaviour.md §1, §2;
* the upstream's request validation, with OpenAI's error texts as reported in public issues
  (cited next to each rule), so that a request the real upstream rejects is rejected here too;
* response shapes of the Aimhub, 数标标 and 钱多多 API docs (`chat.completion` with `usage`,
  `system_fingerprint`; docs/gateway-behaviour.md, 'Sources').

The answers themselves come from `scripted_answers.answer()`. Everything is deterministic: ids,
timestamps and request ids derive from a counter and the request body.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from scripted_answers import Turn, answer, text_of
from standin_media import BY_URL

GATEWAY_HOST = "gateway.aimhub.test"
API_KEY = "sk-test"
CREATED = 1740830400  # 2025-03-01T12:00:00Z

Json = dict[str, Any]


@dataclass(frozen=True)
class Upstream:
    """What the gateway's channel for a model forwards to, and what that upstream accepts."""

    served_as: str
    fingerprint: str | None = None
    vision: bool = True
    pdf: bool = True
    audio: bool = False
    #: OpenAI o-series: `max_completion_tokens` only, default temperature only.
    reasoning: bool = False
    #: new-api converts the request for a non-OpenAI upstream (Gemini): no OpenAI validation.
    converted: bool = False


UPSTREAMS: dict[str, Upstream] = {
    "gpt-4o-mini": Upstream("gpt-4o-mini-2024-07-18", "fp_0ba0d124f1"),
    "gpt-4.1-mini": Upstream("gpt-4.1-mini-2025-04-14", "fp_6f2eabb9a5"),
    "o3-mini": Upstream(
        "o3-mini-2025-01-31", "fp_42bfad963b", vision=False, pdf=False, reasoning=True
    ),
    "gpt-4o-audio-preview": Upstream(
        "gpt-4o-audio-preview-2024-12-17", "fp_8ba8c2f6d4", vision=False, pdf=False, audio=True
    ),
    "gemini-2.0-flash": Upstream("gemini-2.0-flash", audio=True, converted=True),
}

#: Top-level fields OpenAI's Chat Completions accepts; others answer "Unrecognized request
#: argument supplied" (seen through gateways: QuantumNous/new-api#418 for `stream_options`).
OPENAI_FIELDS = frozenset(
    [
        "model",
        "messages",
        "temperature",
        "top_p",
        "n",
        "stream",
        "stream_options",
        "stop",
        "max_tokens",
        "max_completion_tokens",
        "presence_penalty",
        "frequency_penalty",
        "logit_bias",
        "logprobs",
        "top_logprobs",
        "user",
        "seed",
        "tools",
        "tool_choice",
        "parallel_tool_calls",
        "response_format",
        "reasoning_effort",
        "modalities",
        "audio",
        "metadata",
        "store",
        "service_tier",
        "prediction",
        "web_search_options",
    ]
)
NAME_PATTERN = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


class GatewayError(Exception):
    """An error the gateway (or the upstream, relayed) answers with."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        kind: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body: Json = {"message": message, "type": kind, "param": param, "code": code}


def _invalid(message: str, param: str | None = None, code: str | None = None) -> GatewayError:
    return GatewayError(400, message, param=param, code=code)


# --- validation -----------------------------------------------------------------------------


def validate(body: Json, upstream: Upstream) -> None:
    """Raise what the upstream answers for a request it rejects."""
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise _invalid("[] is too short - 'messages'", "messages")
    if upstream.converted:
        return  # new-api rebuilds the request for Gemini and drops what it does not know
    for key in body:
        if key not in OPENAI_FIELDS:
            raise _invalid(f"Unrecognized request argument supplied: {key}")
    if "stream_options" in body and not body.get("stream"):
        raise _invalid(
            "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
            "stream_options",
        )
    if upstream.reasoning:
        _reasoning_params(body)
    stop = body.get("stop")
    if isinstance(stop, list) and len(stop) > 4:
        raise _invalid(
            "Invalid 'stop': array too long. Expected an array with maximum length 4, but got "
            f"an array with length {len(stop)} instead.",
            "stop",
            "array_above_max_length",
        )
    _tools(body)
    _response_format(body, messages)
    for number, message in enumerate(messages):
        _message(number, message, upstream)
    _tool_turns(messages)


def _reasoning_params(body: Json) -> None:
    # OpenAI reasoning models (docs/gateway-behaviour.md §5; langchain-ai/langchain#29954 for the
    # wording).
    if "max_tokens" in body:
        raise _invalid(
            "Unsupported parameter: 'max_tokens' is not supported with this model. "
            "Use 'max_completion_tokens' instead.",
            "max_tokens",
            "unsupported_parameter",
        )
    temperature = body.get("temperature")
    if temperature is not None and temperature != 1:
        raise _invalid(
            f"Unsupported value: 'temperature' does not support {temperature} with this "
            "model. Only the default (1) value is supported.",
            "temperature",
            "unsupported_value",
        )


def _tools(body: Json) -> None:
    tools = body.get("tools")
    choice = body.get("tool_choice")
    if not tools:
        for key in ("tool_choice", "parallel_tool_calls"):
            if key in body:
                raise _invalid(
                    f"Invalid value for '{key}': '{key}' is only allowed when 'tools' are "
                    "specified.",
                    key,
                )
        return
    names = []
    for number, tool in enumerate(tools):
        name = str(tool.get("function", {}).get("name", ""))
        if not NAME_PATTERN.match(name):
            raise _invalid(
                f"Invalid 'tools[{number}].function.name': string does not match pattern. "
                "Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
                f"tools[{number}].function.name",
                "invalid_value",
            )
        names.append(name)
        function = tool["function"]
        if function.get("strict"):
            _strict_schema(function.get("parameters") or {}, f"function '{name}'")
    if isinstance(choice, str) and choice not in ("none", "auto", "required"):
        raise _invalid(
            f"Invalid value: '{choice}'. Supported values are: 'none', 'auto', and 'required'.",
            "tool_choice",
            "invalid_value",
        )
    if isinstance(choice, Mapping) and choice.get("function", {}).get("name") not in names:
        raise _invalid(
            f"Invalid value for 'tool_choice': function '{choice['function'].get('name')}' "
            "is not among the tools given.",
            "tool_choice",
        )


def _strict_schema(schema: Json, where: str) -> None:
    # Structured outputs: every object closes with additionalProperties false and lists every
    # property as required (OpenAI structured-outputs guide; langchain-ai/langchain#31655).
    if schema.get("type") == "object":
        if schema.get("additionalProperties") is not False:
            raise _invalid(
                f"Invalid schema for {where}: In context=(), 'additionalProperties' is "
                "required to be supplied and to be false.",
                code="invalid_function_parameters",
            )
        missing = set(schema.get("properties") or {}) - set(schema.get("required") or [])
        if missing:
            raise _invalid(
                f"Invalid schema for {where}: In context=(), 'required' is required to be "
                "supplied and to be an array including every key in properties. Missing "
                f"'{sorted(missing)[0]}'.",
                code="invalid_function_parameters",
            )
    for sub in (schema.get("properties") or {}).values():
        if isinstance(sub, Mapping):
            _strict_schema(dict(sub), where)


def _response_format(body: Json, messages: list[Json]) -> None:
    fmt = body.get("response_format")
    if not isinstance(fmt, Mapping):
        return
    if fmt.get("type") == "json_object":
        if not any("json" in text_of(m.get("content")).lower() for m in messages):
            # The documented JSON-mode rule, widely reported (e.g. openai/openai-python#887).
            raise _invalid(
                "'messages' must contain the word 'json' in some form, to use "
                "'response_format' of type 'json_object'.",
                "messages",
            )
    elif fmt.get("type") == "json_schema":
        spec = fmt.get("json_schema") or {}
        if not NAME_PATTERN.match(str(spec.get("name", ""))):
            raise _invalid(
                "Invalid 'response_format.json_schema.name': string does not match pattern. "
                "Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
                "response_format.json_schema.name",
                "invalid_value",
            )
        if spec.get("strict"):
            _strict_schema(spec.get("schema") or {}, f"response_format '{spec['name']}'")


def _message(number: int, message: Json, upstream: Upstream) -> None:
    role = message.get("role")
    if role not in ("system", "developer", "user", "assistant", "tool", "function"):
        raise _invalid(
            f"Invalid value: '{role}'. Supported values are: 'system', 'assistant', 'user', "
            "'function', 'tool', and 'developer'.",
            f"messages[{number}].role",
            "invalid_value",
        )
    content = message.get("content")
    if content is None and not (role == "assistant" and message.get("tool_calls")):
        raise _invalid(
            "Invalid value for 'content': expected a string, got null.",
            f"messages.[{number}].content",
        )
    if not isinstance(content, list):
        return
    for index, part in enumerate(content):
        _part(number, index, role, part, upstream)


def _part(number: int, index: int, role: Any, part: Json, upstream: Upstream) -> None:
    kind = part.get("type")
    where = f"messages[{number}].content[{index}]"
    if kind == "text":
        return
    if kind == "image_url" and role != "user":
        # openai/openai-node#1030, OpenHands/OpenHands#7700 (role 'tool').
        raise _invalid(
            f"Invalid 'messages[{number}]'. Image URLs are only allowed for messages with role "
            f"'user', but this message with role '{role}' contains an image URL.",
            f"messages[{number}]",
        )
    if role != "user":
        # Tool and assistant content parts are text only (OpenAI API reference).
        raise _invalid(
            f"Invalid value: '{kind}'. Supported values are: 'text'.",
            f"{where}.type",
            "invalid_value",
        )
    if kind == "image_url" and not upstream.vision:
        raise _invalid(
            "Invalid content type. image_url is only supported by certain models.",
            f"{where}.type",
        )
    if kind == "input_audio" and not upstream.audio:
        raise _invalid(
            "This model does not support audio inputs.", f"{where}.type", "invalid_value"
        )
    if kind == "file":
        if not upstream.pdf:
            raise _invalid("This model does not support file inputs.", f"{where}.type")
        file = part.get("file") or {}
        if file.get("file_data") and not file.get("filename"):
            # openai/openai-agents-python#1513, langchain-ai/langchainjs#9570: inline file
            # data without a filename is rejected, with this (misleading) parameter name.
            raise _invalid(
                f"Missing required parameter: '{where}.file.file_id'.",
                f"{where}.file.file_id",
                "missing_required_parameter",
            )
    if kind not in ("image_url", "input_audio", "file"):
        raise _invalid(
            f"Invalid value: '{kind}'. Supported values are: 'text', 'image_url', "
            "'input_audio', 'refusal', 'audio', and 'file'.",
            f"{where}.type",
            "invalid_value",
        )


def _tool_turns(messages: list[Json]) -> None:
    """Tool results answer the tool calls just before them, every one of them."""
    open_ids: list[str] = []
    opened_at = 0
    for number, message in enumerate(messages):
        role = message.get("role")
        if role == "tool":
            if message.get("tool_call_id") not in open_ids:
                raise _invalid(
                    "Invalid parameter: messages with role 'tool' must be a response to a "
                    "preceeding message with 'tool_calls'.",
                    f"messages.[{number}].role",
                )
            open_ids.remove(message["tool_call_id"])
            continue
        _check_answered(open_ids, opened_at)
        open_ids = [c["id"] for c in message.get("tool_calls") or []]
        opened_at = number
    _check_answered(open_ids, opened_at)


def _check_answered(open_ids: list[str], opened_at: int) -> None:
    if open_ids:
        raise _invalid(
            "An assistant message with 'tool_calls' must be followed by tool messages "
            "responding to each 'tool_call_id'. The following tool_call_ids did not have "
            f"response messages: {', '.join(open_ids)}",
            f"messages.[{opened_at}].role",
        )


# --- accounting -----------------------------------------------------------------------------


def tokens(text: str) -> int:
    """A deterministic BPE-like count: about 4 characters per token, 1 per CJK character."""
    cjk = len(re.findall(r"[\u3000-\u9fff]", text))
    return cjk + math.ceil((len(text) - cjk) / 4)


def prompt_tokens(body: Json) -> tuple[int, int]:
    """(prompt tokens, of which audio) for the request."""
    total, audio = 3, 0
    for message in body["messages"]:
        content = message.get("content")
        total += 4 + tokens(text_of(content))
        for call in message.get("tool_calls") or []:
            total += 3 + tokens(call["function"]["name"] + call["function"]["arguments"])
        for part in content if isinstance(content, list) else []:
            if part.get("type") == "image_url":
                total += 85  # a low-detail tile
            elif part.get("type") == "input_audio":
                audio += 12
            elif part.get("type") == "file":
                total += 120
    if body.get("tools"):
        total += tokens(json.dumps(body["tools"]))
    return total + audio, audio


def pieces(text: str) -> list[str]:
    """The text as streamed tokens: a word with its leading space, or a punctuation mark."""
    return re.findall(r"\s*[\w'’]+|\s*[^\w\s]|\s+", text)


# --- the gateway ----------------------------------------------------------------------------


class ScriptedGateway:
    """The `httpx.MockTransport` handler; keeps the state a real gateway would (prompt cache)."""

    def __init__(self) -> None:
        self.count = 0
        self.seen_prompts: set[str] = set()
        #: Requests no answer rule covered, and requests answered with an error.
        self.unscripted: list[str] = []
        self.rejected: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        media = BY_URL.get(str(request.url))
        if media is not None:
            return httpx.Response(
                200, content=media.content, headers={"content-type": media.mime_type}
            )
        if request.url.host != GATEWAY_HOST:
            return httpx.Response(404, text="not served by the cassette builder")
        self.count += 1
        request_id = f"20250301120000{self.count:09d}" + _digest(request.content)[:8]
        try:
            response = self._answer(request, request_id)
        except GatewayError as error:
            body = dict(error.body)
            body["message"] = f"{body['message']} (request id: {request_id})"
            self.rejected.append(f"{error.status} {body['message']}")
            response = httpx.Response(error.status, json={"error": body})
        response.headers["X-Oneapi-Request-Id"] = request_id
        return response

    def _answer(self, request: httpx.Request, request_id: str) -> httpx.Response:
        if request.headers.get("authorization") != f"Bearer {API_KEY}":
            raise GatewayError(401, "无效的令牌", kind="new_api_error")
        if request.method != "POST" or request.url.path != "/v1/chat/completions":
            raise GatewayError(404, f"Invalid URL ({request.method} {request.url.path})")
        body: Json = json.loads(request.content)
        upstream = UPSTREAMS.get(str(body.get("model")))
        if upstream is None:
            raise GatewayError(
                503,
                f"当前分组 default 下对于模型 {body.get('model')} 无可用渠道",
                kind="new_api_error",
                code="model_not_found",
            )
        validate(body, upstream)
        turn = answer(body)
        if not turn.scripted:
            self.unscripted.append(json.dumps(body["messages"], ensure_ascii=False)[:300])
        completion = Completion(
            body, upstream, turn, self._ids(request.content), self._cached(body)
        )
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            stream = "".join(f"data: {_compact(c)}\n\n" for c in completion.chunks(include_usage))
            return httpx.Response(
                200,
                content=(stream + "data: [DONE]\n\n").encode(),
                headers={"content-type": "text/event-stream"},
            )
        return httpx.Response(200, json=completion.whole())

    def _ids(self, content: bytes) -> tuple[str, int]:
        digest = _digest(content + str(self.count).encode())
        return digest, CREATED + self.count

    def _cached(self, body: Json) -> int:
        """OpenAI's automatic prompt cache: repeated prompts of 1024+ tokens, 128-token steps."""
        count, _ = prompt_tokens(body)
        key = json.dumps(body["messages"], sort_keys=True)
        if count < 1024:
            return 0
        if key in self.seen_prompts:
            return (count // 128) * 128
        self.seen_prompts.add(key)
        return 0


def _compact(payload: Json) -> str:
    """JSON as OpenAI streams it: no spaces, non-ASCII kept."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _base62(hexdigest: str, length: int) -> str:
    value = int(hexdigest, 16)
    out = []
    for _ in range(length):
        value, digit = divmod(value, 62)
        out.append(_ALPHABET[digit])
    return "".join(out)


class Completion:
    """One scripted answer, rendered as a whole `chat.completion` or as stream chunks."""

    def __init__(
        self, body: Json, upstream: Upstream, turn: Turn, ids: tuple[str, int], cached: int
    ) -> None:
        self.body = body
        self.upstream = upstream
        self.digest, self.created = ids
        self.id = f"chatcmpl-{_base62(self.digest, 29)}"
        self.text, self.finish = self._limit(turn)
        self.calls = [
            (f"call_{_base62(_digest(f'{self.digest}{n}'.encode()), 24)}", name, args)
            for n, (name, args) in enumerate(turn.tool_calls)
        ]
        if self.calls:
            self.finish = "tool_calls"
        self.reasoning_tokens = turn.reasoning_tokens or (448 if upstream.reasoning else 0)
        self.cached = cached

    def _limit(self, turn: Turn) -> tuple[str | None, str]:
        """Stop sequences and the token limit cut the text as the upstream would."""
        text = turn.text
        if text is None:
            return None, "stop"
        stops = self.body.get("stop") or []
        for stop in [stops] if isinstance(stops, str) else stops:
            if stop and stop in text:
                text = text[: text.index(stop)]
        limit = self.body.get("max_completion_tokens") or self.body.get("max_tokens")
        words = pieces(text)
        if limit is not None and len(words) > limit:
            return "".join(words[:limit]), "length"
        return text, "stop"

    def usage(self) -> Json:
        prompt, audio = prompt_tokens(self.body)
        completion = tokens(self.text or "") + self.reasoning_tokens
        for _, name, args in self.calls:
            completion += 7 + tokens(name + json.dumps(args))
        usage: Json = {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        }
        if not self.upstream.converted:
            usage["prompt_tokens_details"] = {"cached_tokens": self.cached, "audio_tokens": audio}
            usage["completion_tokens_details"] = {
                "reasoning_tokens": self.reasoning_tokens,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            }
        return usage

    def _envelope(self, kind: str) -> Json:
        out: Json = {
            "id": self.id,
            "object": kind,
            "created": self.created,
            "model": self.upstream.served_as,
        }
        if not self.upstream.converted:
            out["service_tier"] = "default"
            out["system_fingerprint"] = self.upstream.fingerprint
        return out

    def _wire_calls(self) -> list[Json]:
        return [
            {
                "id": call_id,
                "type": "function",
                "function": {"name": name, "arguments": _compact(args)},
            }
            for call_id, name, args in self.calls
        ]

    def whole(self) -> Json:
        message: Json = {"role": "assistant", "content": self.text}
        if self.calls:
            message["tool_calls"] = self._wire_calls()
        if not self.upstream.converted:
            message["refusal"] = None
            message["annotations"] = []
        choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": self.finish}
        return {**self._envelope("chat.completion"), "choices": [choice], "usage": self.usage()}

    def chunks(self, include_usage: bool) -> Iterator[Json]:
        """OpenAI's stream: role first, then content or tool-call fragments, finish, usage."""

        def chunk(delta: Json, finish: str | None = None) -> Json:
            out = {
                **self._envelope("chat.completion.chunk"),
                "choices": [
                    {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
                ],
            }
            if include_usage:
                out["usage"] = None
            return out

        if self.calls:
            for number, call in enumerate(self._wire_calls()):
                head = {
                    "index": number,
                    "id": call["id"],
                    "type": "function",
                    "function": {"name": call["function"]["name"], "arguments": ""},
                }
                delta: Json = {"tool_calls": [head]}
                if number == 0:
                    delta = {"role": "assistant", "content": None, **delta, "refusal": None}
                yield chunk(delta)
                arguments = call["function"]["arguments"]
                for start in range(0, len(arguments), 8):
                    fragment = {
                        "index": number,
                        "function": {"arguments": arguments[start : start + 8]},
                    }
                    yield chunk({"tool_calls": [fragment]})
        else:
            yield chunk({"role": "assistant", "content": "", "refusal": None})
            for piece in pieces(self.text or ""):
                yield chunk({"content": piece})
        yield chunk({}, self.finish)
        if include_usage:
            yield {**self._envelope("chat.completion.chunk"), "choices": [], "usage": self.usage()}
