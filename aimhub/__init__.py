"""aimhub: one client for every model behind an OpenAI-compatible aggregator gateway."""

import importlib
from typing import TYPE_CHECKING, Any

from aimhub._aiohttp import aiohttp_http_client
from aimhub._client import AimhubClient, AsyncAimhubClient
from aimhub._config import ClientConfig, normalize_base_url
from aimhub._constants import API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL
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
    InsufficientQuotaError,
    InternalServerError,
    ModelNotAvailableError,
    ModelNotFoundError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnsupportedEndpointError,
)
from aimhub._streaming import AsyncStream, Stream
from aimhub._version import __version__

if TYPE_CHECKING:
    from aimhub._embeddings import Embedder
    from aimhub._normalize import ChatStreamAccumulator
    from aimhub._rerank import Reranker

# Imported on first use: asyncio, thread pools and stream normalising that most users never need.
_LAZY = {
    "ChatStreamAccumulator": "aimhub._normalize",
    "Embedder": "aimhub._embeddings",
    "Reranker": "aimhub._rerank",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    msg = f"module 'aimhub' has no attribute {name!r}"
    raise AttributeError(msg)


__all__ = [
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APIStreamError",
    "APITimeoutError",
    "AimhubClient",
    "AimhubError",
    "AsyncAimhubClient",
    "AsyncStream",
    "AuthenticationError",
    "BadRequestError",
    "ChatStreamAccumulator",
    "ClientConfig",
    "ConfigurationError",
    "ContextLengthExceededError",
    "Embedder",
    "InsufficientQuotaError",
    "InternalServerError",
    "ModelNotAvailableError",
    "ModelNotFoundError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "Reranker",
    "Stream",
    "UnsupportedEndpointError",
    "__version__",
    "aiohttp_http_client",
    "normalize_base_url",
]
