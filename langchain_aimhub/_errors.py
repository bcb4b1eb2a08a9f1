"""aimhub errors as LangChain's standard model errors, without losing the aimhub type."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from langchain_core import exceptions as lc

import aimhub

# Walked along the error's MRO: the most specific aimhub class decides.
_BRIDGE: dict[type[aimhub.AimhubError], type[lc.ModelError]] = {
    aimhub.ContextLengthExceededError: lc.ContextOverflowError,
    aimhub.BadRequestError: lc.ModelInvalidRequestError,
    aimhub.UnsupportedEndpointError: lc.ModelInvalidRequestError,
    aimhub.AuthenticationError: lc.ModelAuthenticationError,
    aimhub.InsufficientQuotaError: lc.ModelPermissionDeniedError,
    aimhub.PermissionDeniedError: lc.ModelPermissionDeniedError,
    aimhub.ModelNotAvailableError: lc.ModelNotFoundError,
    aimhub.NotFoundError: lc.ModelNotFoundError,
    aimhub.RateLimitError: lc.ModelRateLimitError,
    aimhub.APITimeoutError: lc.ModelTimeoutError,
    aimhub.APIConnectionError: lc.ModelConnectionError,
    aimhub.APIStatusError: lc.ModelAPIError,
    aimhub.APIResponseValidationError: lc.ModelAPIError,
}


_CLASSES: dict[type[aimhub.AimhubError], type[aimhub.AimhubError]] = {}


def _bridged_class(cls: type[aimhub.AimhubError]) -> type[aimhub.AimhubError]:
    if cls in _CLASSES:
        return _CLASSES[cls]
    _CLASSES[cls] = _make_bridged_class(cls)
    return _CLASSES[cls]


def _make_bridged_class(cls: type[aimhub.AimhubError]) -> type[aimhub.AimhubError]:
    for base in cls.__mro__:
        target = _BRIDGE.get(base)
        if target is not None:
            # Catchable as either type: `except aimhub.RateLimitError` and
            # `except ModelRateLimitError` both work.
            return type(f"Aimhub{cls.__name__}", (cls, target), {"__module__": __name__})
    return cls


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
