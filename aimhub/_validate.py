"""Request bodies checked before anything is sent: one place for every entry point.

`AimhubClient`, `AsyncAimhubClient` and every adapter send through `BaseClient._build`, which
calls `check_body`; adapters call `check_parameters` on their own settings at construction, so
a bad value fails there instead of at the first call. Each error names the parameter, what it
got and what to pass instead; the gateway would answer the same mistakes with a 400 (or, for a
missing model, with "no channel for model ''").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from aimhub._capabilities import ModelCapabilities
from aimhub._catalog import capabilities_for
from aimhub._exceptions import ConfigurationError

__all__ = ["check_body", "check_model", "check_parameters"]

_MODEL_EXAMPLE = "e.g. model='gpt-4o-mini' (the ids are in client.list_models())"


@dataclass(frozen=True)
class _Rule:
    """A numeric request field: integer or not, and its inclusive range."""

    integer: bool
    low: float | None = None
    high: float | None = None

    def describe(self) -> str:
        kind = "an integer" if self.integer else "a number"
        if self.low is not None and self.high is not None:
            return f"{kind} from {self.low:g} to {self.high:g}"
        if self.low is not None:
            return f"{kind} >= {self.low:g}"
        return kind


#: Ranges of the OpenAI API reference (Chat Completions, Embeddings) and of Jina/Cohere rerank;
#: temperature and top_p are read from the model's catalogue record instead.
_RULES: Final[Mapping[str, _Rule]] = {
    "max_tokens": _Rule(integer=True, low=1),
    "max_completion_tokens": _Rule(integer=True, low=1),
    "max_output_tokens": _Rule(integer=True, low=1),
    "n": _Rule(integer=True, low=1),
    "top_logprobs": _Rule(integer=True, low=0, high=20),
    "frequency_penalty": _Rule(integer=False, low=-2.0, high=2.0),
    "presence_penalty": _Rule(integer=False, low=-2.0, high=2.0),
    "seed": _Rule(integer=True),
    "top_k": _Rule(integer=True, low=0),
    "dimensions": _Rule(integer=True, low=1),
    "top_n": _Rule(integer=True, low=1),
}


Capabilities = ModelCapabilities | Mapping[str, Any] | None


def check_parameters(
    params: Mapping[str, Any], model: str | None = None, capabilities: Capabilities = None
) -> None:
    """Raise `ConfigurationError` for a numeric parameter of the wrong type or out of range.

    `None` means "not set" and passes. Temperature and top_p are checked against the model's
    range: that of `capabilities` (a record, or the fields an instance overrides) when given,
    else the catalogue's, so the range an adapter clamped to is the range checked here.
    """
    for name, value in params.items():
        if value is None:
            continue
        rule = _RULES.get(name) or _sampling_rule(name, model, capabilities)
        if rule is not None:
            _check_number(name, value, rule)


def _sampling_rule(name: str, model: str | None, capabilities: Capabilities) -> _Rule | None:
    if name not in ("temperature", "top_p"):
        return None
    caps = capabilities_for(model or "", capabilities)
    low, high = caps.temperature_range if name == "temperature" else caps.top_p_range
    return _Rule(integer=False, low=low, high=high)


def _check_number(name: str, value: object, rule: _Rule) -> None:
    wanted = (int,) if rule.integer else (int, float)
    ok = isinstance(value, wanted) and not isinstance(value, bool)
    if ok and isinstance(value, float) and not math.isfinite(value):
        ok = False
    if ok:
        number = float(value)  # type: ignore[arg-type]  # int or float, checked above
        ok = (rule.low is None or number >= rule.low) and (rule.high is None or number <= rule.high)
    if not ok:
        got = repr(value) if len(repr(value)) < 80 else f"a long {type(value).__name__}"
        msg = f"{name} must be {rule.describe()}, got {got}; pass one in range, or leave it unset"
        raise ConfigurationError(msg)


def check_model(model: object) -> str:
    """The model id, or `ConfigurationError` when it is missing, empty or not a string."""
    if model is None:
        msg = f"no model given: pass the model id, {_MODEL_EXAMPLE}"
        raise ConfigurationError(msg)
    if not isinstance(model, str) or not model.strip():
        msg = f"model must be a non-empty model id string, got {model!r}; {_MODEL_EXAMPLE}"
        raise ConfigurationError(msg)
    return model


def _check_messages(body: Mapping[str, Any]) -> None:
    messages = body.get("messages")
    example = "e.g. messages=[{'role': 'user', 'content': 'Hello'}]"
    if not isinstance(messages, list | tuple) or not messages:
        got = "nothing" if messages is None else repr(messages)[:80]
        msg = f"messages must be a non-empty list of message dicts, got {got}; {example}"
        raise ConfigurationError(msg)
    for position, message in enumerate(messages):
        if not isinstance(message, Mapping):
            msg = (
                f"message {position} must be a dict with 'role' and 'content', got "
                f"{type(message).__name__} {message!r:.60}; {example}"
            )
            raise ConfigurationError(msg)
        role = message.get("role")
        if not isinstance(role, str) or not role:
            msg = (
                f"message {position} has no 'role' (got {role!r}); give each message a role "
                f"such as 'system', 'user', 'assistant' or 'tool'; {example}"
            )
            raise ConfigurationError(msg)


_BODY_CHECKS: Final[Mapping[str, Callable[[Mapping[str, Any]], None]]] = {
    "/chat/completions": _check_messages,
}


def check_body(path: str, body: Mapping[str, Any], capabilities: Capabilities = None) -> None:
    """Every check for a request body to `path` (`/chat/completions`, `/embeddings`, ...)."""
    model = check_model(body.get("model"))
    extra = _BODY_CHECKS.get(path)
    if extra is not None:
        extra(body)
    check_parameters(body, model, capabilities)
