"""Pure retry decisions: what to retry, and how long to wait first."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from aimhub._constants import INITIAL_RETRY_DELAY, MAX_RETRY_AFTER, MAX_RETRY_DELAY
from aimhub._error_parse import effective_status, error_info
from aimhub._exceptions import (
    APIConnectionError,
    APIError,
    APIStatusError,
    AuthenticationError,
    InsufficientQuotaError,
    ModelNotAvailableError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    parse_retry_after,
)

__all__ = ["RetryPolicy", "is_retryable", "parse_retry_after", "provably_not_accepted"]

# Retrying these can never succeed, whatever status the gateway chose
# (docs/gateway-behaviour.md §2.3).
_NEVER_RETRY = (
    InsufficientQuotaError,
    AuthenticationError,
    PermissionDeniedError,
    ModelNotAvailableError,
    NotFoundError,
)
_RETRY_STATUSES = frozenset({408, 409, 429})
# 504/524: the upstream already spent the whole timeout; new-api does not retry them either.
# 501: the route does not exist on this gateway.
_NO_RETRY_5XX = frozenset({501, 504, 524})


def is_retryable(error: APIError) -> bool:
    """Whether a failed attempt may be repeated."""
    if isinstance(error, _NEVER_RETRY):
        return False
    if isinstance(error, APIStatusError):
        status = effective_status(error.status_code, error_info(error.body))
        return status in _RETRY_STATUSES or (status >= 500 and status not in _NO_RETRY_5XX)
    return isinstance(error, APIConnectionError)


def provably_not_accepted(error: APIError) -> bool:
    """Whether the gateway certainly did not take the request, so sending it again cannot
    duplicate it: the connection was never made, or the gateway answered 429 (it rejects
    before relaying). Anything else (a 5xx, a broken read, a timeout) may follow an accepted
    request."""
    if isinstance(error, APIConnectionError):
        return not error.request_sent
    if isinstance(error, RateLimitError):
        return True
    return isinstance(error, APIStatusError) and error.status_code == 429


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter that honours the server's own hints.

    Args:
        max_retries: retries after the first attempt; `0` disables retrying.
        initial_delay: the first backoff, doubled per attempt.
        max_delay: the cap on computed backoff.
        jitter: draws a factor in [0, 1); injectable for tests.
        max_retry_after: the longest `Retry-After` waited for. A gateway asking for more is
            answered at once with the error (its `retry_after` says how long it asked for),
            so that the caller, or a limiter, can schedule the call instead of a blocked thread.
    """

    max_retries: int
    initial_delay: float = INITIAL_RETRY_DELAY
    max_delay: float = MAX_RETRY_DELAY
    jitter: Callable[[], float] = field(default=random.random, repr=False)
    max_retry_after: float = MAX_RETRY_AFTER

    def waits_too_long(self, error: APIError) -> bool:
        """Whether the gateway asked for a longer wait than `max_retry_after`."""
        hinted = getattr(error, "retry_after", None)
        return hinted is not None and hinted > self.max_retry_after

    def next_delay(self, attempt: int, error: APIError) -> float | None:
        """Seconds to wait before attempt `attempt + 1`, or None to give up and raise `error`."""
        if attempt >= self.max_retries or not is_retryable(error) or self.waits_too_long(error):
            return None
        hinted = getattr(error, "retry_after", None)
        if hinted is not None:
            return float(hinted)
        backoff = min(self.initial_delay * 2.0**attempt, self.max_delay)
        # Up to 25 % less, so that many clients rejected together do not return together.
        return backoff * (1.0 - 0.25 * self.jitter())
