"""Quota wording that means a rate limit is retried; an empty balance is not."""

from __future__ import annotations

import pytest

from aimhub._error_parse import make_status_error
from aimhub._exceptions import InsufficientQuotaError, RateLimitError


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Quota exceeded for metric: generate_content_requests per minute", RateLimitError),
        (
            "You exceeded your current quota, please check your plan and billing details",
            InsufficientQuotaError,
        ),
        ("该令牌额度已用尽", InsufficientQuotaError),
        ("TPM quota exceeded", RateLimitError),
    ],
)
def test_429_quota_wording(message: str, expected: type) -> None:
    error = make_status_error(429, {"error": {"message": message}}, request=None)
    assert type(error) is expected
