"""The contract between the core and the framework adapters: everything an adapter may use.

`langchain_aimhub` and `llamaindex_aimhub` import from the core only through this module (and the
public `aimhub` names); `tests/test_adapter_contract.py` pins the list and checks that no adapter
reaches into a private `aimhub._*` module. A name added here is a promise to both adapters; a
name removed breaks them, so the test makes either change deliberate.

Names load on first use, so a chat-only program never imports the embeddings or rerank code.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aimhub._capabilities import ModelCapabilities
    from aimhub._catalog import capabilities_for
    from aimhub._client import AimhubClient, AsyncAimhubClient
    from aimhub._constants import (
        API_KEY_ENV,
        BASE_URL_ENV,
        DEFAULT_MAX_RETRIES,
        SECRET_HEADERS,
        SECRET_QUERY_PARAMS,
    )
    from aimhub._content import MediaBlock, MediaKind, media_part
    from aimhub._embeddings import DEFAULT_EMBEDDING_CONCURRENCY, Embedder
    from aimhub._exceptions import ConfigurationError, EmbeddingCountError
    from aimhub._lifecycle import HoldsClients, client_pair
    from aimhub._media_text import (
        describe_images,
        describe_moderation,
        describe_speech,
        resolve_audio_path,
    )
    from aimhub._normalize import (
        ChatDelta,
        ChatStreamAccumulator,
        NormalizedChoice,
        NormalizedUsage,
        StreamSummary,
        completion_usage,
        normalize_completion,
    )
    from aimhub._options import check_known_options, move_unknown_options
    from aimhub._rerank import RankedDocument, Reranker
    from aimhub._shaping import (
        AimhubParameterWarning,
        ShapedRequest,
        shape_chat_request,
        structured_method,
        take_request_options,
        warn_cache_control_dropped,
    )
    from aimhub._task_agent import (
        TOOL_WAIT_TIMEOUT,
        asettle_task,
        describe_task,
        pick_button,
        settle_task,
    )
    from aimhub._toolcalls import ParsedToolCall
    from aimhub._validate import check_model, check_parameters
    from aimhub.types import ChatCompletion

_EXPORTS = {
    "ModelCapabilities": "aimhub._capabilities",
    "capabilities_for": "aimhub._catalog",
    "AimhubClient": "aimhub._client",
    "AsyncAimhubClient": "aimhub._client",
    "API_KEY_ENV": "aimhub._constants",
    "BASE_URL_ENV": "aimhub._constants",
    "DEFAULT_MAX_RETRIES": "aimhub._constants",
    "SECRET_HEADERS": "aimhub._constants",
    "SECRET_QUERY_PARAMS": "aimhub._constants",
    "MediaBlock": "aimhub._content",
    "MediaKind": "aimhub._content",
    "media_part": "aimhub._content",
    "DEFAULT_EMBEDDING_CONCURRENCY": "aimhub._embeddings",
    "Embedder": "aimhub._embeddings",
    "ConfigurationError": "aimhub._exceptions",
    "HoldsClients": "aimhub._lifecycle",
    "client_pair": "aimhub._lifecycle",
    "EmbeddingCountError": "aimhub._exceptions",
    "describe_images": "aimhub._media_text",
    "describe_moderation": "aimhub._media_text",
    "describe_speech": "aimhub._media_text",
    "resolve_audio_path": "aimhub._media_text",
    "check_known_options": "aimhub._options",
    "move_unknown_options": "aimhub._options",
    "ChatDelta": "aimhub._normalize",
    "ChatStreamAccumulator": "aimhub._normalize",
    "NormalizedChoice": "aimhub._normalize",
    "NormalizedUsage": "aimhub._normalize",
    "StreamSummary": "aimhub._normalize",
    "completion_usage": "aimhub._normalize",
    "normalize_completion": "aimhub._normalize",
    "RankedDocument": "aimhub._rerank",
    "Reranker": "aimhub._rerank",
    "AimhubParameterWarning": "aimhub._shaping",
    "ShapedRequest": "aimhub._shaping",
    "shape_chat_request": "aimhub._shaping",
    "structured_method": "aimhub._shaping",
    "take_request_options": "aimhub._shaping",
    "warn_cache_control_dropped": "aimhub._shaping",
    "TOOL_WAIT_TIMEOUT": "aimhub._task_agent",
    "asettle_task": "aimhub._task_agent",
    "describe_task": "aimhub._task_agent",
    "pick_button": "aimhub._task_agent",
    "settle_task": "aimhub._task_agent",
    "ParsedToolCall": "aimhub._toolcalls",
    "check_model": "aimhub._validate",
    "check_parameters": "aimhub._validate",
    "ChatCompletion": "aimhub.types",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        msg = f"module 'aimhub.adapter' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


__all__ = [
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "DEFAULT_EMBEDDING_CONCURRENCY",
    "DEFAULT_MAX_RETRIES",
    "SECRET_HEADERS",
    "SECRET_QUERY_PARAMS",
    "TOOL_WAIT_TIMEOUT",
    "AimhubClient",
    "AimhubParameterWarning",
    "AsyncAimhubClient",
    "ChatCompletion",
    "ChatDelta",
    "ChatStreamAccumulator",
    "ConfigurationError",
    "Embedder",
    "EmbeddingCountError",
    "HoldsClients",
    "MediaBlock",
    "MediaKind",
    "ModelCapabilities",
    "NormalizedChoice",
    "NormalizedUsage",
    "ParsedToolCall",
    "RankedDocument",
    "Reranker",
    "ShapedRequest",
    "StreamSummary",
    "asettle_task",
    "capabilities_for",
    "check_known_options",
    "check_model",
    "check_parameters",
    "client_pair",
    "completion_usage",
    "describe_images",
    "describe_moderation",
    "describe_speech",
    "describe_task",
    "media_part",
    "move_unknown_options",
    "normalize_completion",
    "pick_button",
    "resolve_audio_path",
    "settle_task",
    "shape_chat_request",
    "structured_method",
    "take_request_options",
    "warn_cache_control_dropped",
]
