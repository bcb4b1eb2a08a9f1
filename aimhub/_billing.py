"""Balance: `GET /dashboard/billing/subscription` and `/usage`, in USD (gateway-behaviour §13)."""

from __future__ import annotations

import httpx

from aimhub._calls import Call
from aimhub._exceptions import APIResponseValidationError
from aimhub._response import parse_response
from aimhub._routes import BILLING_SUBSCRIPTION, BILLING_USAGE
from aimhub.types import Balance, BillingSubscription, BillingUsage

__all__ = ["make_balance", "subscription_call", "usage_call"]

#: What one-api/new-api report as the grant of an unlimited key (docs/gateway-behaviour.md §13).
UNLIMITED_MARKER = 100_000_000


def _parse_subscription(response: httpx.Response) -> BillingSubscription:
    return parse_response(BILLING_SUBSCRIPTION.endpoint, response)


def _parse_usage(response: httpx.Response) -> BillingUsage:
    return parse_response(BILLING_USAGE.endpoint, response)


def subscription_call() -> Call[BillingSubscription]:
    """The grant (remaining plus used)."""
    return Call(BILLING_SUBSCRIPTION, _parse_subscription)


def usage_call() -> Call[BillingUsage]:
    """All-time usage; the gateways ignore `start_date`/`end_date`, so none are sent."""
    return Call(BILLING_USAGE, _parse_usage)


def make_balance(subscription: BillingSubscription, usage: BillingUsage) -> Balance:
    """Granted, used and remaining USD from the two answers.

    Raises:
        APIResponseValidationError: either answer lacks its number.
    """
    if subscription.hard_limit_usd is None or usage.total_usage is None:
        msg = (
            "Unexpected response: the billing routes sent no hard_limit_usd/total_usage — this "
            "gateway may not offer one-api's billing routes (docs/gateway-behaviour.md §13)"
        )
        raise APIResponseValidationError(msg)
    used = usage.total_usage / 100  # cents
    if subscription.hard_limit_usd >= UNLIMITED_MARKER:
        return Balance(total_granted=None, used=used, remaining=None, unlimited=True)
    granted = subscription.hard_limit_usd
    return Balance(total_granted=granted, used=used, remaining=granted - used, unlimited=False)
