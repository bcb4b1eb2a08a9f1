"""aimhub errors as LangChain's standard model errors, without losing the aimhub type.

Each bridged class is defined here, at module level, so that it pickles (multiprocessing, Ray,
LangGraph checkpoints) and can be imported and caught by name; `_BRIDGE` maps each aimhub class
to its bridged class.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from langchain_core import exceptions as lc

import aimhub
from aimhub.adapter import EmbeddingCountError

# Catchable as either type: `except aimhub.RateLimitError` and `except ModelRateLimitError`
# both work.


class AimhubAPIConnectionError(aimhub.APIConnectionError, lc.ModelConnectionError):
    """`aimhub.APIConnectionError` that is also LangChain's `ModelConnectionError`."""


class AimhubAPITimeoutError(aimhub.APITimeoutError, lc.ModelTimeoutError):
    """`aimhub.APITimeoutError` that is also LangChain's `ModelTimeoutError`."""


class AimhubAPIResponseValidationError(aimhub.APIResponseValidationError, lc.ModelAPIError):
    """`aimhub.APIResponseValidationError` that is also LangChain's `ModelAPIError`."""


class AimhubAPIStatusError(aimhub.APIStatusError, lc.ModelAPIError):
    """`aimhub.APIStatusError` that is also LangChain's `ModelAPIError`."""


class AimhubBadRequestError(aimhub.BadRequestError, lc.ModelInvalidRequestError):
    """`aimhub.BadRequestError` that is also LangChain's `ModelInvalidRequestError`."""


class AimhubContextLengthExceededError(aimhub.ContextLengthExceededError, lc.ContextOverflowError):
    """`aimhub.ContextLengthExceededError` that is also LangChain's `ContextOverflowError`."""


class AimhubAuthenticationError(aimhub.AuthenticationError, lc.ModelAuthenticationError):
    """`aimhub.AuthenticationError` that is also LangChain's `ModelAuthenticationError`."""


class AimhubInsufficientQuotaError(aimhub.InsufficientQuotaError, lc.ModelPermissionDeniedError):
    """`aimhub.InsufficientQuotaError` that is also LangChain's `ModelPermissionDeniedError`."""


class AimhubPermissionDeniedError(aimhub.PermissionDeniedError, lc.ModelPermissionDeniedError):
    """`aimhub.PermissionDeniedError` that is also LangChain's `ModelPermissionDeniedError`."""


class AimhubNotFoundError(aimhub.NotFoundError, lc.ModelNotFoundError):
    """`aimhub.NotFoundError` that is also LangChain's `ModelNotFoundError`."""


class AimhubModelNotFoundError(aimhub.ModelNotFoundError, lc.ModelNotFoundError):
    """`aimhub.ModelNotFoundError` that is also LangChain's `ModelNotFoundError`."""


class AimhubModelNotAvailableError(aimhub.ModelNotAvailableError, lc.ModelNotFoundError):
    """`aimhub.ModelNotAvailableError` that is also LangChain's `ModelNotFoundError`."""


class AimhubRateLimitError(aimhub.RateLimitError, lc.ModelRateLimitError):
    """`aimhub.RateLimitError` that is also LangChain's `ModelRateLimitError`."""


class AimhubUnsupportedEndpointError(aimhub.UnsupportedEndpointError, lc.ModelInvalidRequestError):
    """`aimhub.UnsupportedEndpointError` that is also LangChain's `ModelInvalidRequestError`."""


class AimhubInternalServerError(aimhub.InternalServerError, lc.ModelAPIError):
    """`aimhub.InternalServerError` that is also LangChain's `ModelAPIError`."""


class AimhubAPIStreamError(aimhub.APIStreamError, lc.ModelAPIError):
    """`aimhub.APIStreamError` that is also LangChain's `ModelAPIError`."""


class AimhubEmbeddingCountError(EmbeddingCountError, lc.ModelAPIError):
    """`aimhub.EmbeddingCountError` that is also LangChain's `ModelAPIError`."""


class AimhubEmbeddingBatchError(aimhub.EmbeddingBatchError, lc.ModelAPIError):
    """`aimhub.EmbeddingBatchError` that is also LangChain's `ModelAPIError`."""


class AimhubTaskNotFoundError(aimhub.TaskNotFoundError, lc.ModelNotFoundError):
    """`aimhub.TaskNotFoundError` that is also LangChain's `ModelNotFoundError`."""


class AimhubTaskSubmitError(aimhub.TaskSubmitError, lc.ModelInvalidRequestError):
    """`aimhub.TaskSubmitError` that is also LangChain's `ModelInvalidRequestError`."""


class AimhubBannedPromptError(aimhub.BannedPromptError, lc.ModelInvalidRequestError):
    """`aimhub.BannedPromptError` that is also LangChain's `ModelInvalidRequestError`."""


class AimhubTaskFailedError(aimhub.TaskFailedError, lc.ModelAPIError):
    """`aimhub.TaskFailedError` that is also LangChain's `ModelAPIError`."""


class AimhubTaskTimeoutError(aimhub.TaskTimeoutError, lc.ModelTimeoutError):
    """`aimhub.TaskTimeoutError` that is also LangChain's `ModelTimeoutError`."""


#: Every aimhub API error class and its bridged class (a test checks none is missing).
_BRIDGE: dict[type[aimhub.AimhubError], type[aimhub.AimhubError]] = {
    aimhub.APIConnectionError: AimhubAPIConnectionError,
    aimhub.APITimeoutError: AimhubAPITimeoutError,
    aimhub.APIResponseValidationError: AimhubAPIResponseValidationError,
    aimhub.APIStatusError: AimhubAPIStatusError,
    aimhub.BadRequestError: AimhubBadRequestError,
    aimhub.ContextLengthExceededError: AimhubContextLengthExceededError,
    aimhub.AuthenticationError: AimhubAuthenticationError,
    aimhub.InsufficientQuotaError: AimhubInsufficientQuotaError,
    aimhub.PermissionDeniedError: AimhubPermissionDeniedError,
    aimhub.NotFoundError: AimhubNotFoundError,
    aimhub.ModelNotFoundError: AimhubModelNotFoundError,
    aimhub.ModelNotAvailableError: AimhubModelNotAvailableError,
    aimhub.RateLimitError: AimhubRateLimitError,
    aimhub.UnsupportedEndpointError: AimhubUnsupportedEndpointError,
    aimhub.InternalServerError: AimhubInternalServerError,
    aimhub.APIStreamError: AimhubAPIStreamError,
    EmbeddingCountError: AimhubEmbeddingCountError,
    aimhub.EmbeddingBatchError: AimhubEmbeddingBatchError,
    aimhub.TaskNotFoundError: AimhubTaskNotFoundError,
    aimhub.TaskSubmitError: AimhubTaskSubmitError,
    aimhub.BannedPromptError: AimhubBannedPromptError,
    aimhub.TaskFailedError: AimhubTaskFailedError,
    aimhub.TaskTimeoutError: AimhubTaskTimeoutError,
}


def _bridged_class(cls: type[aimhub.AimhubError]) -> type[aimhub.AimhubError]:
    return _BRIDGE.get(cls, cls)


def bridge(error: aimhub.AimhubError) -> aimhub.AimhubError:
    """The same error, also an instance of the matching LangChain `ModelError`."""
    cls = _bridged_class(type(error))
    if cls is type(error):
        return error
    bridged = cls.__new__(cls)
    bridged.__dict__.update(error.__dict__)
    bridged.args = error.args
    return bridged


@contextmanager
def as_langchain_errors() -> Iterator[None]:
    """Re-raise aimhub API errors as bridged errors (works around sync and async code)."""
    try:
        yield
    except aimhub.APIError as error:
        raise bridge(error) from error
