"""aimhub: one client for every model behind an OpenAI-compatible aggregator gateway."""

from aimhub._client import AimhubClient, AsyncAimhubClient
from aimhub._config import ClientConfig, normalize_base_url
from aimhub._constants import API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL
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
    InsufficientQuotaError,
    InternalServerError,
    ModelNotAvailableError,
    ModelNotFoundError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnsupportedEndpointError,
)
from aimhub._rerank import Reranker
from aimhub._streaming import AsyncStream, Stream
from aimhub._version import __version__

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
    "normalize_base_url",
]
