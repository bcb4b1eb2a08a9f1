"""The catalogue's record types: what one model family can do, as plain data.

`ModelCapabilities` is the record every other module reads; `CatalogRow` ties it to model-id
prefixes. Both the built-in rows (`aimhub/_catalog_data.py`) and the lookup (`aimhub/_catalog.py`)
import them from here, so neither has to import the other lazily.
"""

from __future__ import annotations

import dataclasses
import re
import sys
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from aimhub._exceptions import ConfigurationError
from aimhub._media_rules import MediaRules

__all__ = [
    "ALL_TOOL_CHOICES",
    "CatalogRow",
    "Kind",
    "ModelCapabilities",
    "ReasoningEcho",
    "RoleRules",
    "StructuredMethod",
    "ToolChoiceForm",
    "normalize_model_id",
]

Kind = Literal["chat", "completion", "embedding", "rerank", "image", "audio", "moderation", "task"]
StructuredMethod = Literal["json_schema", "function_calling", "json_mode"]
ReasoningEcho = Literal["never", "tool_turns", "always"]
#: How the upstream wants the turns of a conversation (`aimhub/_shaping.py` applies them):
#: `any_order` as sent; `strict_alternation` one system message first, consecutive user or
#: assistant turns merged, a placeholder user turn before a leading assistant turn;
#: `strict_alternation_drop_leading_assistant` the same, but leading assistant turns are left out.
RoleRules = Literal["any_order", "strict_alternation", "strict_alternation_drop_leading_assistant"]
#: The model-family names these values had before; still accepted, with a DeprecationWarning.
LEGACY_ROLE_RULES: Mapping[str, RoleRules] = {
    "openai": "any_order",
    "claude": "strict_alternation",
    "ernie": "strict_alternation_drop_leading_assistant",
}
ToolChoiceForm = Literal["auto", "none", "required", "named"]

ALL_TOOL_CHOICES: frozenset[ToolChoiceForm] = frozenset({"auto", "none", "required", "named"})


@dataclass(frozen=True)
class ModelCapabilities:
    """One model family's capabilities and upstream rules, as data.

    LangChain's `profile` and LlamaIndex's `LLMMetadata` are projections of this record.
    """

    family: str = "unknown"
    kind: Kind = "chat"
    #: Tokens of prompt plus answer; 32k is the safe default for unknown models
    #: (docs/gateway-behaviour.md §12).
    context_window: int = 32_768
    max_output_tokens: int | None = None

    tool_calling: bool = True
    parallel_tool_calls: bool = True
    #: The `tool_choice` forms the upstream accepts; others are downgraded with a warning.
    tool_choices: frozenset[ToolChoiceForm] = ALL_TOOL_CHOICES
    #: Whether the upstream honours `strict: true` on tools and schemas.
    strict_tools: bool = True

    vision: bool = False
    audio_input: bool = False
    pdf_input: bool = False
    video_input: bool = False
    image_tool_message: bool = False
    #: Gemini behind one-api/new-api takes audio and PDFs as `image_url` parts (钱多多's API
    #: docs; docs/gateway-behaviour.md §9 and 'Sources').
    media_via_image_url: bool = False

    structured_output: StructuredMethod = "function_calling"
    #: Whether `response_format: {"type": "json_object"}` is accepted.
    json_mode: bool = True
    #: Whether `response_format: {"type": "json_schema"}` is accepted.
    json_schema: bool = False

    reasoning: bool = False
    #: When to send earlier turns' reasoning back (docs/gateway-behaviour.md §7).
    reasoning_echo: ReasoningEcho = "never"
    reasoning_effort: bool = False
    #: Qwen3-style thinking models reject thinking on non-streaming calls
    #: (docs/gateway-behaviour.md §7).
    thinking_requires_stream: bool = False

    #: `max_tokens` for every family except OpenAI reasoning models (docs/gateway-behaviour.md §5).
    token_param: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"
    temperature: bool = True
    temperature_range: tuple[float, float] = (0.0, 2.0)
    #: Inclusive; an open interval is given as the nearest values the upstream takes (GLM).
    top_p_range: tuple[float, float] = (0.0, 1.0)
    #: Sent when the user did not set `top_p` (Qwen gets 0.001 injected otherwise).
    default_top_p: float | None = None
    fixed_temperature: float | None = None
    #: Whether the `developer` role may be sent (OpenAI reasoning models only).
    developer_role: bool = False
    role_rules: RoleRules = "any_order"
    #: Whether tool-message content must be a string.
    tool_content_string: bool = False
    #: Parameters the upstream rejects; left out of requests with a warning.
    unsupported_params: frozenset[str] = frozenset()
    #: Whether `cache_control` on content parts reaches an upstream that honours it (Claude's
    #: prompt caching); elsewhere it is left out with a warning (docs/gateway-behaviour.md §21.2).
    prompt_caching: bool = False
    #: Whether to ask for usage in streams (`stream_options.include_usage`).
    stream_usage: bool = True

    embedding_batch_size: int = 256
    embedding_dimensions: int | None = None
    #: Whether to ask for base64 vectors (a quarter of the bytes, no float parsing). Off in every
    #: built-in row: only a deployment whose channel passes the request through to an upstream
    #: that answers base64 (OpenAI's) benefits; converted channels answer floats or fail on it
    #: (docs/gateway-behaviour.md §10). Turn it on per model with `capabilities=`.
    embedding_base64: bool = False

    #: Sizes, voices, formats and file limits of the image and audio routes.
    media: MediaRules = field(default_factory=MediaRules)

    def __post_init__(self) -> None:
        if self.role_rules in LEGACY_ROLE_RULES:  # `ModelCapabilities(role_rules="claude")`
            upgraded = upgrade_role_rules({"role_rules": self.role_rules})["role_rules"]
            object.__setattr__(self, "role_rules", upgraded)

    def replace(self, **changes: Any) -> ModelCapabilities:
        """A copy with some fields changed; unknown field names are an error."""
        names = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - names)
        if unknown:
            msg = f"unknown capability field(s) {unknown}; known fields: {sorted(names)}"
            raise ConfigurationError(msg)
        return dataclasses.replace(self, **_coerce(changes))

    def as_dict(self) -> dict[str, Any]:
        """Plain data, for metadata and serialisation."""
        data = dataclasses.asdict(self)
        data["tool_choices"] = sorted(self.tool_choices)
        data["unsupported_params"] = sorted(self.unsupported_params)
        return data


def _coerce(changes: Mapping[str, Any]) -> dict[str, Any]:
    out = upgrade_role_rules(changes)
    for name in ("tool_choices", "unsupported_params"):
        if name in out and not isinstance(out[name], frozenset):
            out[name] = frozenset(out[name])
    return out


def upgrade_role_rules(fields: Mapping[str, Any]) -> dict[str, Any]:
    """`fields` with a family-named `role_rules` value (`"claude"`) turned into its rule's name."""
    out = dict(fields)
    old = out.get("role_rules")
    if isinstance(old, str) and old in LEGACY_ROLE_RULES:
        new = LEGACY_ROLE_RULES[old]
        warnings.warn(
            f"role_rules={old!r} is deprecated; use role_rules={new!r} (the values now name "
            "the rule, not a model family)",
            DeprecationWarning,
            stacklevel=_outside_the_package(),
        )
        out["role_rules"] = new
    return out


def _outside_the_package() -> int:
    # The old value arrives through `replace`, `register_model`, `capabilities=` or a measured
    # file, each at another depth: point the warning at the first caller outside the packages.
    level, frame = 2, sys._getframe(2)
    while frame.f_back is not None and frame.f_globals.get("__name__", "").partition(".")[0] in (
        "aimhub",
        "langchain_aimhub",
        "llamaindex_aimhub",
    ):
        level, frame = level + 1, frame.f_back
    return level


@dataclass(frozen=True)
class CatalogRow:
    """Model-id prefixes and the capabilities they share."""

    prefixes: tuple[str, ...]
    capabilities: ModelCapabilities
    #: Suffix traits such as `-thinking` apply on top of the prefix match.
    suffixes: tuple[str, ...] = field(default=())


_SUFFIX_STRIP = re.compile(r"\[[^\]]*\]$")


def normalize_model_id(model: str) -> str:
    """Lower-case, without a `provider/` prefix or a doc-style `[128k]` suffix."""
    name = model.strip().lower().rsplit("/", 1)[-1]
    return _SUFFIX_STRIP.sub("", name)
