"""aimhub: one client for every model behind an OpenAI-compatible aggregator gateway."""

import importlib
from typing import TYPE_CHECKING, Any

from aimhub._version import __version__

if TYPE_CHECKING:
    from aimhub._aiohttp import aiohttp_http_client
    from aimhub._audio import SpeechAudio
    from aimhub._byte_stream import AsyncByteStream, ByteStream
    from aimhub._capabilities import ModelCapabilities
    from aimhub._catalog import capabilities_for, register_model
    from aimhub._client import AimhubClient, AsyncAimhubClient
    from aimhub._config import ClientConfig, normalize_base_url
    from aimhub._constants import API_KEY_ENV, BASE_URL_ENV, CAPABILITIES_ENV, DEFAULT_BASE_URL
    from aimhub._embeddings import Embedder
    from aimhub._exceptions import (
        AimhubError,
        APIConnectionError,
        APIError,
        APIResponseValidationError,
        APIStatusError,
        APIStreamError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ConfigurationError,
        ContextLengthExceededError,
        EmbeddingBatchError,
        EmbeddingCountError,
        InsufficientQuotaError,
        InternalServerError,
        ModelNotAvailableError,
        ModelNotFoundError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        UnsupportedEndpointError,
    )
    from aimhub._limiter import AdaptiveLimiter, configure_limits
    from aimhub._measured import load_capabilities
    from aimhub._media_rules import MediaRules
    from aimhub._normalize import ChatStreamAccumulator
    from aimhub._rerank import Reranker
    from aimhub._streaming import AsyncStream, Stream
    from aimhub._task_errors import (
        BannedPromptError,
        TaskFailedError,
        TaskNotFoundError,
        TaskSubmitError,
        TaskTimeoutError,
    )

# Every name is imported on first use, as pydantic and langchain-core do: `import aimhub` costs
# httpx alone, and a name costs only the modules behind it (no asyncio or thread pools for
# chat-only users, no pydantic models until a client is made).
_EXPORTS = {
    "aiohttp_http_client": "aimhub._aiohttp",
    "SpeechAudio": "aimhub._audio",
    "AsyncByteStream": "aimhub._byte_stream",
    "ByteStream": "aimhub._byte_stream",
    "ModelCapabilities": "aimhub._capabilities",
    "capabilities_for": "aimhub._catalog",
    "register_model": "aimhub._catalog",
    "AimhubClient": "aimhub._client",
    "AsyncAimhubClient": "aimhub._client",
    "ClientConfig": "aimhub._config",
    "normalize_base_url": "aimhub._config",
    "API_KEY_ENV": "aimhub._constants",
    "BASE_URL_ENV": "aimhub._constants",
    "CAPABILITIES_ENV": "aimhub._constants",
    "DEFAULT_BASE_URL": "aimhub._constants",
    "Embedder": "aimhub._embeddings",
    "load_capabilities": "aimhub._measured",
    "MediaRules": "aimhub._media_rules",
    "ChatStreamAccumulator": "aimhub._normalize",
    "Reranker": "aimhub._rerank",
    "AsyncStream": "aimhub._streaming",
    "Stream": "aimhub._streaming",
    "AdaptiveLimiter": "aimhub._limiter",
    "configure_limits": "aimhub._limiter",
    **dict.fromkeys(
        (
            "AimhubError",
            "APIConnectionError",
            "APIError",
            "APIResponseValidationError",
            "APIStatusError",
            "APIStreamError",
            "APITimeoutError",
            "AuthenticationError",
            "BadRequestError",
            "ConfigurationError",
            "ContextLengthExceededError",
            "EmbeddingBatchError",
            "EmbeddingCountError",
            "InsufficientQuotaError",
            "InternalServerError",
            "ModelNotAvailableError",
            "ModelNotFoundError",
            "NotFoundError",
            "PermissionDeniedError",
            "RateLimitError",
            "UnsupportedEndpointError",
        ),
        "aimhub._exceptions",
    ),
    **dict.fromkeys(
        (
            "BannedPromptError",
            "TaskFailedError",
            "TaskNotFoundError",
            "TaskSubmitError",
            "TaskTimeoutError",
        ),
        "aimhub._task_errors",
    ),
}


#: Public subpackages, reachable as attributes after a bare `import aimhub` (`aimhub.types.X`).
_SUBPACKAGES = frozenset({"types"})


def __getattr__(name: str) -> Any:
    if name in _SUBPACKAGES:
        return importlib.import_module(f"aimhub.{name}")  # the import binds it as an attribute
    module = _EXPORTS.get(name)
    if module is None:
        msg = f"module 'aimhub' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS, *_SUBPACKAGES})


__all__ = [
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "CAPABILITIES_ENV",
    "DEFAULT_BASE_URL",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APIStreamError",
    "APITimeoutError",
    "AdaptiveLimiter",
    "AimhubClient",
    "AimhubError",
    "AsyncAimhubClient",
    "AsyncByteStream",
    "AsyncStream",
    "AuthenticationError",
    "BadRequestError",
    "BannedPromptError",
    "ByteStream",
    "ChatStreamAccumulator",
    "ClientConfig",
    "ConfigurationError",
    "ContextLengthExceededError",
    "Embedder",
    "EmbeddingBatchError",
    "EmbeddingCountError",
    "InsufficientQuotaError",
    "InternalServerError",
    "MediaRules",
    "ModelCapabilities",
    "ModelNotAvailableError",
    "ModelNotFoundError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "Reranker",
    "SpeechAudio",
    "Stream",
    "TaskFailedError",
    "TaskNotFoundError",
    "TaskSubmitError",
    "TaskTimeoutError",
    "UnsupportedEndpointError",
    "__version__",
    "aiohttp_http_client",
    "capabilities_for",
    "configure_limits",
    "load_capabilities",
    "normalize_base_url",
    "register_model",
]
