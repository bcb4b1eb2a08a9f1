"""Billing wire models (`GET /dashboard/billing/subscription` and `/usage`) and the balance."""

from __future__ import annotations

from dataclasses import dataclass

from aimhub.types._base import ResponseModel


class BillingSubscription(ResponseModel):
    """The key's (or user's) grant: `hard_limit_usd` is remaining plus used, not the balance."""

    hard_limit_usd: float | None = None
    soft_limit_usd: float | None = None
    system_hard_limit_usd: float | None = None
    has_payment_method: bool | None = None
    access_until: int | None = None


class BillingUsage(ResponseModel):
    """All-time usage; `total_usage` is in US cents."""

    total_usage: float | None = None


@dataclass(frozen=True)
class Balance:
    """What a key may still spend, in USD (docs/gateway-behaviour.md §13).

    Attributes:
        total_granted: remaining plus used; None when the key is unlimited.
        used: spent so far.
        remaining: `total_granted - used`; None when the key is unlimited.
        unlimited: the gateway reported its "no limit" marker (100 000 000).
    """

    total_granted: float | None
    used: float
    remaining: float | None
    unlimited: bool
