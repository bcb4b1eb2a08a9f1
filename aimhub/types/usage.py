"""Token usage as gateways report it (OpenAI, DeepSeek, Moonshot and Anthropic-style names)."""

from __future__ import annotations

from aimhub.types._base import LenientInt, WireModel


class PromptTokensDetails(WireModel):
    """Breakdown of input tokens."""

    cached_tokens: LenientInt = None
    audio_tokens: LenientInt = None
    #: Prompt-cache writes: new-api's name, then OpenRouter's (docs/gateway-behaviour.md §21.2).
    cached_creation_tokens: LenientInt = None
    cache_write_tokens: LenientInt = None


class CompletionTokensDetails(WireModel):
    """Breakdown of output tokens."""

    reasoning_tokens: LenientInt = None
    audio_tokens: LenientInt = None


class Usage(WireModel):
    """Token counts; every field is optional because every gateway omits a different one."""

    prompt_tokens: LenientInt = None
    completion_tokens: LenientInt = None
    total_tokens: LenientInt = None
    input_tokens: LenientInt = None
    output_tokens: LenientInt = None
    prompt_tokens_details: PromptTokensDetails | None = None
    completion_tokens_details: CompletionTokensDetails | None = None
    #: DeepSeek's names for cache hits and misses.
    prompt_cache_hit_tokens: LenientInt = None
    prompt_cache_miss_tokens: LenientInt = None
    #: Anthropic-style cache read count, passed through by some relays.
    cache_read_input_tokens: LenientInt = None
    #: Anthropic-style cache write count (LiteLLM, relays of Claude usage).
    cache_creation_input_tokens: LenientInt = None
