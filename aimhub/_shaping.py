"""Request shaping: make one chat request acceptable to the model's upstream.

The rules are those of docs/gateway-behaviour.md §5-§9.

Pure and driven only by `ModelCapabilities` fields. When a value the user chose has to change,
a `AimhubParameterWarning` names the value and the rule, once per model and rule.
"""

from __future__ import annotations

import copy
import json
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aimhub._capabilities import ModelCapabilities, StructuredMethod
from aimhub._exceptions import ConfigurationError

__all__ = [
    "AimhubParameterWarning",
    "RequestOptions",
    "ShapedRequest",
    "shape_chat_request",
    "structured_method",
    "take_request_options",
    "warn_cache_control_dropped",
]


class AimhubParameterWarning(UserWarning):
    """A request value was changed or left out because the model's upstream rejects it."""


_warned: set[tuple[str, str]] = set()


def _warn(model: str, rule: str, message: str) -> None:
    if (model, rule) in _warned:
        return
    _warned.add((model, rule))
    warnings.warn(f"{model}: {message}", AimhubParameterWarning, stacklevel=4)


@dataclass(frozen=True)
class RequestOptions:
    """Per-call `extra_headers`, `extra_query` and `extra_body`, as the OpenAI SDK takes them."""

    headers: Mapping[str, str] | None = None
    query: Mapping[str, Any] | None = None
    body: Mapping[str, Any] | None = None

    def send_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of the core client's methods."""
        return {"extra_headers": self.headers, "extra_query": self.query}


def take_request_options(kwargs: dict[str, Any]) -> RequestOptions:
    """Pop `extra_headers`/`extra_query`/`extra_body` from call kwargs (never body fields).

    Headers go on the request, query parameters into the URL and `extra_body` is merged into
    the JSON body, as in `ChatOpenAI` and the OpenAI SDK.
    """
    found: dict[str, Mapping[str, Any] | None] = {}
    for name in ("extra_headers", "extra_query", "extra_body"):
        value = kwargs.pop(name, None)
        if value is not None and not isinstance(value, Mapping):
            msg = f"{name} must be a mapping, got {type(value).__name__}; pass e.g. {{'key': 'v'}}"
            raise ConfigurationError(msg)
        found[name] = value
    headers = found["extra_headers"]
    if headers and not all(isinstance(v, str) for v in headers.values()):
        msg = "extra_headers values must be strings; convert numbers with str()"
        raise ConfigurationError(msg)
    return RequestOptions(headers, found["extra_query"], found["extra_body"])


@dataclass(frozen=True)
class ShapedRequest:
    """The body to send, whether the call must stream underneath (Qwen3 thinking), the
    per-call headers and query parameters, and the record the body was shaped with."""

    body: dict[str, Any]
    force_stream: bool = False
    options: RequestOptions = RequestOptions()
    capabilities: ModelCapabilities | None = None

    def send_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of the core client's methods besides the body; the core checks
        the body against the same record (an instance's override included)."""
        return {**self.options.send_kwargs(), "capabilities": self.capabilities}


def shape_chat_request(
    body: Mapping[str, Any],
    caps: ModelCapabilities,
    *,
    stream: bool,
    options: RequestOptions | None = None,
) -> ShapedRequest:
    """Apply every rule of the model's family to a Chat Completions body (with the per-call
    `extra_body` of `options` merged in first)."""
    options = options or RequestOptions()
    out = {**body, **(options.body or {})}
    model = str(out.get("model", "?"))
    _token_param(out, caps, model)
    _sampling(out, caps, model)
    _unsupported(out, caps, model)
    _tools(out, caps, model)
    _check_tool_media(out.get("messages"), caps, model)  # before any message is added
    _response_format(out, caps, model)
    if "messages" in out:
        out["messages"] = _messages(list(out["messages"]), caps, model)
    if stream and not caps.stream_usage and "stream_options" not in out:
        out["stream_options"] = None
    force_stream = False
    if caps.thinking_requires_stream and not stream:
        if out.get("enable_thinking") is True:
            force_stream = True  # thinking is only available streamed: stream and aggregate
        else:
            out.setdefault("enable_thinking", False)
    return ShapedRequest(out, force_stream, options, caps)


def _token_param(out: dict[str, Any], caps: ModelCapabilities, model: str) -> None:
    # Never both: gateways' Claude/Gemini converters read only `max_tokens`
    # (docs/gateway-behaviour.md §5).
    value = out.pop("max_tokens", None)
    other = out.pop("max_completion_tokens", None)
    chosen = value if value is not None else other
    if chosen is not None:
        out[caps.token_param] = chosen


def _clamp(out: dict[str, Any], key: str, low: float, high: float, model: str, rule: str) -> None:
    value = out.get(key)
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        return  # not a number to clamp: `check_body` rejects it with a clear message
    clamped = min(max(float(value), low), high)
    if clamped != value:
        out[key] = clamped
        _warn(model, f"{key}-range", f"{key}={value} is outside {rule}; sending {key}={clamped}")


def _sampling(out: dict[str, Any], caps: ModelCapabilities, model: str) -> None:
    if caps.fixed_temperature is not None:
        if out.get("temperature") not in (None, caps.fixed_temperature):
            _warn(
                model,
                "fixed-temperature",
                f"temperature={out['temperature']} is not accepted; the model only takes "
                f"temperature={caps.fixed_temperature}",
            )
        out["temperature"] = caps.fixed_temperature
    else:
        low, high = caps.temperature_range
        _clamp(out, "temperature", low, high, model, f"the model's range [{low}, {high}]")
        low, high = caps.top_p_range
        _clamp(out, "top_p", low, high, model, f"the model's range [{low}, {high}]")
    if caps.default_top_p is not None:
        if out.get("top_p") is None:
            # new-api injects top_p=0.001 (near-greedy) for Qwen when none is sent
            # (docs/gateway-behaviour.md §5).
            out["top_p"] = caps.default_top_p
        elif round(out["top_p"], 2) != out["top_p"]:
            _warn(
                model,
                "top_p-decimals",
                f"top_p={out['top_p']} has more than 2 decimals, "
                f"which the upstream rejects; sending {round(out['top_p'], 2)}",
            )
            out["top_p"] = round(out["top_p"], 2)


def _unsupported(out: dict[str, Any], caps: ModelCapabilities, model: str) -> None:
    dropped = [key for key in caps.unsupported_params if out.get(key) is not None]
    if not caps.temperature and out.get("temperature") is not None:
        dropped.append("temperature")
    if not caps.reasoning_effort and out.get("reasoning_effort") is not None:
        dropped.append("reasoning_effort")
    for key in sorted(set(dropped)):
        _warn(model, f"drop-{key}", f"{key}={out[key]!r} is not accepted by this model; left out")
        del out[key]
    for key in list(caps.unsupported_params):
        out.pop(key, None)


def _tools(out: dict[str, Any], caps: ModelCapabilities, model: str) -> None:
    choice = out.get("tool_choice")
    if choice == "any":
        choice = out["tool_choice"] = "required"
    if out.get("tools") and not caps.tool_calling:
        _warn(
            model,
            "no-tools",
            "the gateway's channel for this model does not forward tools; "
            "expect plain text answers (set capabilities={'tool_calling': True} if yours does)",
        )
    if choice is not None:
        form = (
            "named"
            if isinstance(choice, Mapping) or choice not in ("auto", "none", "required")
            else choice
        )
        if form == "named" and isinstance(choice, str):
            out["tool_choice"] = {"type": "function", "function": {"name": choice}}
        if caps.tool_calling and form not in caps.tool_choices:
            fallback = "auto" if "auto" in caps.tool_choices else None
            _warn(
                model,
                f"tool_choice-{form}",
                f"tool_choice {form!r} is not accepted by this "
                f"model; sending {fallback!r} (the model may answer without calling a tool)",
            )
            if fallback is None:
                out.pop("tool_choice", None)
            else:
                out["tool_choice"] = fallback
    if not caps.parallel_tool_calls and out.get("parallel_tool_calls") is not None:
        _warn(
            model, "parallel_tool_calls", "parallel_tool_calls is rejected by this model; left out"
        )
        del out["parallel_tool_calls"]
    if not caps.strict_tools and out.get("tools"):
        if any(
            isinstance(t, Mapping) and t.get("function", {}).get("strict") for t in out["tools"]
        ):
            _warn(
                model,
                "strict",
                "strict tool schemas are ignored by this model's upstream; "
                "arguments are validated on receipt instead",
            )
        out["tools"] = [_without_strict(t) for t in out["tools"]]


def _without_strict(tool: Any) -> Any:
    if (
        isinstance(tool, Mapping)
        and isinstance(tool.get("function"), Mapping)
        and "strict" in tool["function"]
    ):
        function = {k: v for k, v in tool["function"].items() if k != "strict"}
        return {**tool, "function": function}
    return tool


def _response_format(out: dict[str, Any], caps: ModelCapabilities, model: str) -> None:
    fmt = out.get("response_format")
    if not isinstance(fmt, Mapping):
        return
    kind = fmt.get("type")
    schema = (fmt.get("json_schema") or {}).get("schema") if kind == "json_schema" else None
    if kind == "json_schema" and not caps.json_schema:
        if caps.json_mode:
            _warn(
                model,
                "json_schema",
                f"response_format json_schema is not accepted by the {caps.family} family's "
                "upstream; sending json_object with the schema in the system prompt",
            )
            out["response_format"] = {"type": "json_object"}
        else:
            _warn(
                model,
                "json_schema",
                f"the {caps.family} family's upstream takes neither response_format "
                "json_schema nor json_object; asking for JSON in the system prompt instead",
            )
            del out["response_format"]
    elif kind == "json_object" and not caps.json_mode:
        _warn(
            model,
            "json_object",
            f"response_format json_object is not forwarded for the {caps.family} family; "
            "asking for JSON in the system prompt instead",
        )
        del out["response_format"]
    else:
        return
    if schema is not None or "response_format" not in out:
        # One instruction, whichever way the format was downgraded.
        out["messages"] = _with_schema_instruction(list(out.get("messages", [])), schema)


def structured_method(
    caps: ModelCapabilities, requested: StructuredMethod | None, *, has_schema: bool
) -> tuple[StructuredMethod, str | None]:
    """The structured-output method to use, and why it differs from `requested` (or None).

    A JSON method the family's upstream cannot honour becomes a tool call when the catalogue
    prefers tool calling for the family (Claude, Qwen, GLM: no JSON mode or no `json_schema`
    behind a gateway). Otherwise the request shaper downgrades the response format (DeepSeek:
    `json_object` plus the schema in the prompt); JSON mode without a schema stays as asked.
    """
    if requested is None:
        return caps.structured_output, None
    works = {
        "function_calling": caps.tool_calling,
        "json_schema": caps.json_schema,
        "json_mode": caps.json_mode,
    }
    best = caps.structured_output
    if works[requested] or best != "function_calling" or not works[best] or not has_schema:
        return requested, None
    missing = "JSON mode" if requested == "json_mode" else "json_schema response formats"
    reason = (
        f"method={requested!r} is not supported by the {caps.family} family's upstream "
        f"(no {missing} behind the gateway); using method={best!r} instead"
    )
    return best, reason


def _with_schema_instruction(messages: list[Any], schema: Any) -> list[Any]:
    instruction = "Reply with one JSON object only, no prose and no code fences."
    if schema is not None:
        instruction += " It must match this JSON schema:\n" + json.dumps(schema, ensure_ascii=False)
    return [{"role": "system", "content": instruction}, *messages]


def _messages(messages: list[Any], caps: ModelCapabilities, model: str) -> list[Any]:
    messages = [_message(m, caps) for m in _lift_tool_media(messages)]
    if not caps.prompt_caching:
        messages = _without_cache_control(messages, model)
    if caps.role_rules == "any_order":
        return messages
    return _alternate(messages, caps, model)


def warn_cache_control_dropped(model: str) -> None:
    """The one warning that `cache_control` was left out for `model`."""
    _warn(
        model,
        "cache_control",
        "cache_control (prompt caching) is not accepted by this model's upstream; "
        "left out (set capabilities={'prompt_caching': True} if yours takes it)",
    )


def _without_cache_control(messages: list[Any], model: str) -> list[Any]:
    """Content parts without `cache_control`: only Claude's upstream takes it; strict
    OpenAI-schema upstreams answer 400 for the unknown part field (docs/gateway-behaviour.md
    §21.2)."""
    out: list[Any] = []
    for message in messages:
        content = message.get("content") if isinstance(message, Mapping) else None
        if isinstance(content, list) and any(
            isinstance(p, Mapping) and "cache_control" in p for p in content
        ):
            warn_cache_control_dropped(model)
            parts = [
                {k: v for k, v in p.items() if k != "cache_control"}
                if isinstance(p, Mapping)
                else p
                for p in content
            ]
            message = {**message, "content": parts}
        out.append(message)
    return out


def _tool_media(message: Any) -> list[Any]:
    """The non-text parts of a `tool` message (none for other messages)."""
    if not isinstance(message, Mapping) or message.get("role") != "tool":
        return []
    content = message.get("content")
    parts = content if isinstance(content, list) else []
    return [p for p in parts if isinstance(p, Mapping) and p.get("type") != "text"]


def _check_tool_media(messages: Any, caps: ModelCapabilities, model: str) -> None:
    # Families whose upstream cannot see media a tool returned, even lifted to a user turn.
    if caps.image_tool_message or not isinstance(messages, list | tuple):
        return
    for position, message in enumerate(messages):
        if _tool_media(message):
            msg = (
                f"{model} does not take media in tool messages (message {position}); return "
                "text from the tool, or pass capabilities={'image_tool_message': True}."
            )
            raise ConfigurationError(msg)


def _lift_tool_media(messages: list[Any]) -> list[Any]:
    """Media a tool returned move to a user turn right after the tool results.

    Chat Completions `tool` messages take text parts only: OpenAI answers 400 "Image URLs are
    only allowed for messages with role 'user'" (openai/openai-node#1030) or "Supported values
    are: 'text'" for files, and gateways' Claude converters want a string. Models that see
    images take them from the user turn that follows.
    """
    out: list[Any] = []
    lifted: list[Any] = []
    for message in messages:
        is_tool = isinstance(message, Mapping) and message.get("role") == "tool"
        if not is_tool and lifted:
            out.append({"role": "user", "content": lifted})
            lifted = []
        media = _tool_media(message)
        if not media:
            out.append(message)
            continue
        parts = message["content"]
        texts = [p if isinstance(p, str) else str(p["text"]) for p in parts if p not in media]
        note = f"[{len(media)} attachment(s) returned; sent in the next message]"
        out.append({**message, "content": "\n".join([*texts, note])})
        call = message.get("tool_call_id")
        lifted += [{"type": "text", "text": f"Returned by tool call {call}:"}, *media]
    if lifted:
        out.append({"role": "user", "content": lifted})
    return out


def _message(message: Any, caps: ModelCapabilities) -> Any:
    if not isinstance(message, Mapping):
        return message
    role = message.get("role")
    changed: dict[str, Any] | None = None
    if role == "developer" and not caps.developer_role:
        changed = {**message, "role": "system"}  # Qwen and others reject `developer`
    if role == "assistant" and "reasoning_content" in message:
        keep = caps.reasoning_echo == "always" or (
            caps.reasoning_echo == "tool_turns" and bool(message.get("tool_calls"))
        )
        if not keep:
            changed = {k: v for k, v in message.items() if k != "reasoning_content"}
    if role == "tool" and caps.tool_content_string and not isinstance(message.get("content"), str):
        changed = {**(changed or message), "content": _stringify(message.get("content"))}
    return message if changed is None else changed


def _stringify(content: Any) -> str:
    if isinstance(content, list):
        texts = [
            p.get("text") for p in content if isinstance(p, Mapping) and p.get("type") == "text"
        ]
        if len(texts) == len(content):
            return "\n".join(str(t) for t in texts)
    return json.dumps(content, ensure_ascii=False)


def _alternate(messages: list[Any], caps: ModelCapabilities, model: str) -> list[Any]:
    """System first and merged; consecutive same-role turns merged; first turn from the user."""
    systems = [m for m in messages if isinstance(m, Mapping) and m.get("role") == "system"]
    rest = [m for m in messages if not (isinstance(m, Mapping) and m.get("role") == "system")]
    merged: list[Any] = []
    for message in rest:
        previous: Any = merged[-1] if merged else None
        if _mergeable(previous, message):
            merged[-1] = {**previous, "content": _join(previous["content"], message["content"])}
        else:
            merged.append(dict(message) if isinstance(message, Mapping) else message)
    if caps.role_rules == "strict_alternation_drop_leading_assistant":
        while merged and merged[0].get("role") == "assistant":
            _warn(
                model,
                "drop-leading-assistant",
                "this model's upstream (ERNIE-style role rules) takes no assistant turn before "
                "the first user turn; a leading assistant turn was left out",
            )
            merged.pop(0)
    elif merged and merged[0].get("role") == "assistant":
        # Claude and Qwen need a user turn first; new-api inserts the same placeholder.
        _warn(
            model,
            "leading-assistant",
            "the conversation starts with an assistant turn; a "
            "placeholder user turn '...' was inserted before it",
        )
        merged.insert(0, {"role": "user", "content": "..."})
    if systems:
        content = _join_all([s.get("content") for s in systems])
        merged.insert(0, {"role": "system", "content": content})
    return merged


def _mergeable(previous: Any, message: Any) -> bool:
    return (
        isinstance(previous, Mapping)
        and isinstance(message, Mapping)
        and previous.get("role") == message.get("role")
        and previous.get("role") in ("user", "assistant")
        and not previous.get("tool_calls")
        and not message.get("tool_calls")
        and previous.get("content") is not None
        and message.get("content") is not None
    )


def _join(left: Any, right: Any) -> Any:
    if isinstance(left, str) and isinstance(right, str):
        return f"{left}\n\n{right}"
    return [*_parts(left), *_parts(right)]


def _join_all(contents: list[Any]) -> Any:
    result = contents[0]
    for content in contents[1:]:
        result = _join(result, content)
    return copy.copy(result)


def _parts(content: Any) -> list[Any]:
    return list(content) if isinstance(content, list) else [{"type": "text", "text": str(content)}]
