"""Moderation and balance on both clients."""

from __future__ import annotations

import pytest

from aimhub import (
    APIResponseValidationError,
    AuthenticationError,
    ConfigurationError,
    InsufficientQuotaError,
)
from aimhub.types import Balance
from tests.fakes import FakeGateway, call, json_reply, make_client

MODERATION = {
    "id": "modr-1",
    "model": "omni-moderation-latest",
    "results": [
        {
            "flagged": True,
            "categories": {"violence": True, "hate": False},
            "category_scores": {"violence": 0.91, "hate": 0.01},
        },
        {"flagged": False, "categories": {"violence": False}, "category_scores": {"violence": 0.0}},
    ],
}


async def test_moderate_sends_the_inputs_and_reads_each_verdict(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, MODERATION))
    client = make_client(gateway, is_async)
    result = await call(client, "moderate", ["hit him", "hello"], model="omni-moderation-latest")
    assert gateway.requests[0].url.path == "/v1/moderations"
    assert gateway.bodies[0] == {"input": ["hit him", "hello"], "model": "omni-moderation-latest"}
    first, second = result.results
    assert (first.flagged, first.flagged_categories, first.category_scores["violence"]) == (
        True,
        ["violence"],
        0.91,
    )
    assert not second.flagged


async def test_moderate_one_text_without_a_model_sends_no_model(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, {"results": MODERATION["results"][:1]}))
    await call(make_client(gateway, is_async), "moderate", "hit him")
    assert gateway.bodies[0] == {"input": "hit him"}


async def test_moderation_results_that_cannot_be_matched_are_an_error(is_async: bool) -> None:
    client = make_client(FakeGateway(json_reply(200, MODERATION)), is_async)
    with pytest.raises(APIResponseValidationError, match="2 moderation results for 3 inputs"):
        await call(client, "moderate", ["a", "b", "c"])
    with pytest.raises(ConfigurationError, match="non-empty string"):
        await call(client, "moderate", [])


def billing(subscription: object, usage: object) -> FakeGateway:
    import httpx

    def reply(request: httpx.Request) -> httpx.Response:
        body = subscription if request.url.path.endswith("/subscription") else usage
        return httpx.Response(200, json=body)

    return FakeGateway(reply)


async def test_balance_is_grant_minus_usage_in_cents(is_async: bool) -> None:
    gateway = billing(
        {"object": "billing_subscription", "hard_limit_usd": 25.0, "soft_limit_usd": 25.0},
        {"object": "list", "total_usage": 750.0},
    )
    balance = await call(make_client(gateway, is_async), "balance")
    assert [(r.method, r.url.path) for r in gateway.requests] == [
        ("GET", "/v1/dashboard/billing/subscription"),
        ("GET", "/v1/dashboard/billing/usage"),
    ]
    assert balance == Balance(total_granted=25.0, used=7.5, remaining=17.5, unlimited=False)


async def test_an_unlimited_key_has_no_total_or_remaining(is_async: bool) -> None:
    gateway = billing({"hard_limit_usd": 100000000}, {"total_usage": 1234})
    balance = await call(make_client(gateway, is_async), "balance")
    assert balance == Balance(total_granted=None, used=12.34, remaining=None, unlimited=True)


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        ({"error": {"message": "无效的令牌", "type": "new_api_error"}}, AuthenticationError),
        ({"error": {"message": "用户额度不足", "type": "one_api_error"}}, InsufficientQuotaError),
    ],
)
async def test_billing_errors_sent_as_http_200_are_raised(
    is_async: bool, error: object, kind: type[Exception]
) -> None:
    client = make_client(billing(error, {"total_usage": 0}), is_async)
    with pytest.raises(kind):
        await call(client, "balance")


async def test_a_gateway_without_billing_numbers_is_an_unexpected_response(is_async: bool) -> None:
    client = make_client(billing({"object": "billing_subscription"}, {"total_usage": 1}), is_async)
    with pytest.raises(APIResponseValidationError, match="billing routes"):
        await call(client, "balance")
