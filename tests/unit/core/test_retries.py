"""Retries: what is retried, how long the client waits, and what is never retried."""

from __future__ import annotations

import email.utils
import time
from typing import Any

import httpx
import pytest

from aimhub import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    ConfigurationError,
    InsufficientQuotaError,
    InternalServerError,
    ModelNotAvailableError,
    ModelNotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnsupportedEndpointError,
)
from aimhub._constants import MAX_RETRY_AFTER
from aimhub._error_parse import make_status_error
from aimhub._retry import RetryPolicy, parse_retry_after
from tests.fakes import (
    FakeGateway,
    call,
    chat_chunk,
    chat_completion,
    collect,
    json_reply,
    make_client,
    sse,
    sse_reply,
    text_reply,
)

OK = json_reply(200, chat_completion("recovered"))
ARGS: dict[str, Any] = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}


def _refused(request: httpx.Request | None = None) -> httpx.ConnectError:
    return httpx.ConnectError("[Errno 111] Connection refused")


@pytest.mark.parametrize(
    "failure",
    [
        json_reply(408, {"error": {"message": "request timeout"}}),
        json_reply(409, {"error": {"message": "conflict"}}),
        json_reply(429, {"error": {"message": "当前分组上游负载已饱和，请稍后再试"}}),
        text_reply(429, ""),
        json_reply(500, {"error": {"message": "请求上游地址失败", "code": "do_request_failed"}}),
        text_reply(502, "<html><head><title>502 Bad Gateway</title></head></html>", "text/html"),
        json_reply(503, {"error": {"message": "upstream overloaded"}}),
        json_reply(529, {"type": "error", "error": {"type": "overloaded_error", "message": "x"}}),
        json_reply(200, {"error": {"message": "No candidates returned", "code": 500}}),
    ],
    ids=["408", "409", "429", "429-empty", "500", "502-html", "503", "529", "200-code-500"],
)
async def test_retryable_status_is_retried_then_succeeds(
    is_async: bool, failure: Any, sleeps: list[float]
) -> None:
    gateway = FakeGateway(failure, failure, OK)
    client = make_client(gateway, is_async, max_retries=2)
    reply = await call(client, "chat", **ARGS)
    assert reply.choices[0].message.content == "recovered"
    assert len(gateway.requests) == 3
    assert len(sleeps) == 2


async def test_retryable_status_is_raised_after_max_retries(
    is_async: bool, sleeps: list[float]
) -> None:
    gateway = FakeGateway(json_reply(503, {"error": {"message": "busy"}}))
    client = make_client(gateway, is_async, max_retries=3)
    with pytest.raises(InternalServerError, match="busy"):
        await call(client, "chat", **ARGS)
    assert len(gateway.requests) == 4
    assert len(sleeps) == 3


async def test_max_retries_zero_disables_retrying(is_async: bool, sleeps: list[float]) -> None:
    gateway = FakeGateway(json_reply(429, {"error": {"message": "slow down"}}), OK)
    client = make_client(gateway, is_async, max_retries=0)
    with pytest.raises(RateLimitError):
        await call(client, "chat", **ARGS)
    assert len(gateway.requests) == 1
    assert sleeps == []


async def test_default_client_retries_twice(is_async: bool, sleeps: list[float]) -> None:
    gateway = FakeGateway(json_reply(500, {"error": {"message": "x"}}))
    client = make_client(gateway, is_async, max_retries=None)
    with pytest.raises(InternalServerError):
        await call(client, "chat", **ARGS)
    assert len(gateway.requests) == 3


@pytest.mark.parametrize(
    "error",
    [
        httpx.ConnectError("[Errno 111] Connection refused"),
        httpx.ConnectTimeout("timed out"),
        httpx.ReadTimeout("timed out before the first byte"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
    ],
    ids=["connect-error", "connect-timeout", "read-timeout", "disconnected"],
)
async def test_transport_errors_before_the_first_byte_are_retried(
    is_async: bool, error: Exception, sleeps: list[float]
) -> None:
    gateway = FakeGateway(error, OK)
    client = make_client(gateway, is_async, max_retries=1)
    reply = await call(client, "chat", **ARGS)
    assert reply.choices[0].message.content == "recovered"
    assert len(gateway.requests) == 2
    assert len(sleeps) == 1


async def test_connection_error_after_retries_is_raised_as_api_connection_error(
    is_async: bool,
) -> None:
    gateway = FakeGateway(_refused())
    client = make_client(gateway, is_async, max_retries=2)
    with pytest.raises(APIConnectionError, match="Connection refused") as info:
        await call(client, "chat", **ARGS)
    assert not isinstance(info.value, APITimeoutError)
    assert "base_url" in str(info.value)
    assert len(gateway.requests) == 3


async def test_timeout_after_retries_is_raised_as_api_timeout_error(is_async: bool) -> None:
    gateway = FakeGateway(httpx.ReadTimeout("timed out"))
    client = make_client(gateway, is_async, max_retries=1)
    with pytest.raises(APITimeoutError, match="timeout="):
        await call(client, "chat", **ARGS)
    assert len(gateway.requests) == 2


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (json_reply(401, {"error": {"message": "无效的令牌"}}), AuthenticationError),
        (json_reply(401, {"error": {"message": "该令牌额度已用尽"}}), InsufficientQuotaError),
        (
            json_reply(403, {"error": {"message": "x", "code": "insufficient_user_quota"}}),
            InsufficientQuotaError,
        ),
        (
            json_reply(429, {"error": {"message": "You exceeded your current quota"}}),
            InsufficientQuotaError,
        ),
        (
            json_reply(500, {"code": "quota_not_enough", "message": "用户额度不足", "data": None}),
            InsufficientQuotaError,
        ),
        (json_reply(403, {"error": {"message": "该令牌无权访问模型 m"}}), PermissionDeniedError),
        (
            json_reply(503, {"error": {"message": "当前分组 default 下对于模型 m 无可用渠道"}}),
            ModelNotAvailableError,
        ),
        (
            json_reply(404, {"error": {"message": "nope", "code": "model_not_found"}}),
            ModelNotFoundError,
        ),
        (
            json_reply(501, {"error": {"message": "x", "code": "api_not_implemented"}}),
            UnsupportedEndpointError,
        ),
        (json_reply(504, {"error": {"message": "upstream timeout"}}), InternalServerError),
        (text_reply(524, "error code: 524"), InternalServerError),
        (json_reply(400, {"error": {"message": "bad"}}), APIStatusError),
    ],
    ids=[
        "401-auth",
        "401-key-quota",
        "403-user-quota",
        "429-quota-message",
        "500-quota-code",
        "403-model-denied",
        "503-no-channel",
        "404-model-not-found",
        "501-not-implemented",
        "504-gateway-timeout",
        "524-cloudflare-timeout",
        "400-bad-request",
    ],
)
async def test_errors_that_cannot_succeed_later_are_never_retried(
    is_async: bool, reply: Any, expected: type[Exception], sleeps: list[float]
) -> None:
    gateway = FakeGateway(reply, OK)
    client = make_client(gateway, is_async, max_retries=5)
    with pytest.raises(expected):
        await call(client, "chat", **ARGS)
    assert len(gateway.requests) == 1
    assert sleeps == []


# --- waiting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "0"}, 0.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after": str(int(MAX_RETRY_AFTER))}, MAX_RETRY_AFTER),
    ],
)
async def test_retry_after_hints_up_to_60_seconds_are_honoured(
    is_async: bool, headers: dict[str, str], wait: float, sleeps: list[float]
) -> None:
    gateway = FakeGateway(json_reply(429, {"error": {"message": "slow"}}, headers), OK)
    client = make_client(gateway, is_async, max_retries=1)
    await call(client, "chat", **ARGS)
    assert sleeps == [pytest.approx(wait)]


async def test_retry_after_http_date_is_honoured(is_async: bool, sleeps: list[float]) -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    gateway = FakeGateway(json_reply(503, {"error": {"message": "x"}}, {"retry-after": when}), OK)
    client = make_client(gateway, is_async, max_retries=1)
    await call(client, "chat", **ARGS)
    assert 28 <= sleeps[0] <= 30


async def test_unreadable_retry_after_falls_back_to_backoff(
    is_async: bool, sleeps: list[float]
) -> None:
    headers = {"retry-after": "soon"}
    gateway = FakeGateway(json_reply(429, {"error": {"message": "slow"}}, headers), OK)
    client = make_client(gateway, is_async, max_retries=1)
    await call(client, "chat", **ARGS)
    assert 0.375 <= sleeps[0] <= 0.5  # first backoff, 0.5 s less up to 25 % jitter


def test_parse_retry_after_reads_every_form() -> None:
    assert parse_retry_after(httpx.Headers({"retry-after-ms": "1500"})) == 1.5
    assert parse_retry_after(httpx.Headers({"retry-after": "7"})) == 7.0
    assert parse_retry_after(httpx.Headers({"retry-after": "-3"})) == 0.0
    assert parse_retry_after(httpx.Headers({})) is None
    date = "Wed, 21 Oct 2015 07:28:00 GMT"
    now = email.utils.parsedate_to_datetime(date).timestamp() - 12
    assert parse_retry_after(httpx.Headers({"retry-after": date}), now=lambda: now) == 12.0
    assert parse_retry_after(httpx.Headers({"retry-after": date}), now=lambda: now + 99) == 0.0


@pytest.mark.parametrize(
    ("attempt", "full"),
    [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 8.0), (10, 8.0)],
)
def test_backoff_doubles_from_half_a_second_capped_at_8_with_jitter_bounds(
    attempt: int, full: float
) -> None:
    error = make_status_error(500, {"error": {"message": "x"}}, request=None)
    no_jitter = RetryPolicy(max_retries=20, jitter=lambda: 0.0)
    most_jitter = RetryPolicy(max_retries=20, jitter=lambda: 0.999999)
    assert no_jitter.next_delay(attempt, error) == pytest.approx(full)
    assert most_jitter.next_delay(attempt, error) == pytest.approx(full * 0.75, rel=1e-5)


def test_policy_gives_up_at_max_retries() -> None:
    error = make_status_error(500, {"error": {"message": "x"}}, request=None)
    policy = RetryPolicy(max_retries=2)
    assert policy.next_delay(1, error) is not None
    assert policy.next_delay(2, error) is None
    assert RetryPolicy(max_retries=0).next_delay(0, error) is None


async def test_retries_resend_the_same_body(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(502, {"error": {"message": "x"}}), OK)
    client = make_client(gateway, is_async, max_retries=1)
    await call(client, "chat", **ARGS)
    first, second = gateway.requests
    assert first.content == second.content
    assert first.headers["authorization"] == second.headers["authorization"]


# --- streams ---------------------------------------------------------------------------------


async def test_stream_request_is_retried_before_any_byte_arrives(
    is_async: bool, sleeps: list[float]
) -> None:
    gateway = FakeGateway(
        _refused(),
        json_reply(429, {"error": {"message": "slow"}}),
        sse_reply([sse(chat_chunk("ok"))]),
    )
    client = make_client(gateway, is_async, max_retries=2)
    chunks = await collect(await call(client, "stream_chat", **ARGS))
    assert [c.choices[0].delta.content for c in chunks] == ["ok"]
    assert len(gateway.requests) == 3


async def test_stream_is_never_retried_after_it_has_yielded(
    is_async: bool, sleeps: list[float]
) -> None:
    broken = sse_reply(
        [
            sse(chat_chunk("Hel"), done=False),
            sse(chat_chunk("lo"), done=False),
            httpx.ReadError("connection reset by peer"),
        ]
    )
    gateway = FakeGateway(broken, sse_reply([sse(chat_chunk("never"))]))
    client = make_client(gateway, is_async, max_retries=3)
    stream = await call(client, "stream_chat", **ARGS)
    with pytest.raises(APIConnectionError, match="stream broke") as info:
        await collect(stream)
    assert info.value.partial_text == "Hello"
    assert "5 characters" in str(info.value)
    assert len(gateway.requests) == 1
    assert sleeps == []
    assert gateway.streams[0].closed


async def test_stream_timeout_mid_answer_raises_timeout_with_partial_text(
    is_async: bool,
) -> None:
    stalled = sse_reply([sse(chat_chunk("半"), done=False), httpx.ReadTimeout("read timed out")])
    gateway = FakeGateway(stalled)
    client = make_client(gateway, is_async, max_retries=3)
    stream = await call(client, "stream_chat", **ARGS)
    with pytest.raises(APITimeoutError) as info:
        await collect(stream)
    assert info.value.partial_text == "半"
    assert len(gateway.requests) == 1


async def test_body_read_failure_after_headers_is_not_retried(
    is_async: bool, sleeps: list[float]
) -> None:
    truncated = sse_reply(
        [b'{"id": "chatcmpl-1", "choi', httpx.ReadError("connection reset")],
        content_type="application/json",
    )
    gateway = FakeGateway(truncated, OK)
    client = make_client(gateway, is_async, max_retries=3)
    with pytest.raises(APIConnectionError, match="connection reset"):
        await call(client, "chat", **ARGS)
    assert len(gateway.requests) == 1
    assert sleeps == []
    assert gateway.streams[0].closed


async def test_discarded_error_responses_are_closed_before_retrying(is_async: bool) -> None:
    failing = sse_reply(
        [b'{"error": {"message": "busy"}}'], status=503, content_type="application/json"
    )
    gateway = FakeGateway(failing, OK)
    client = make_client(gateway, is_async, max_retries=1)
    await call(client, "chat", **ARGS)
    assert gateway.streams[0].closed


# --- idempotency ----------------------------------------------------------------------------


async def test_every_retry_of_a_call_sends_the_same_idempotency_key(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(503, {"error": {"message": "busy"}}), _refused(), OK, OK)
    client = make_client(gateway, is_async, max_retries=2)
    await call(client, "chat", **ARGS)
    await call(client, "chat", **ARGS)
    keys = [r.headers.get("idempotency-key") for r in gateway.requests]
    assert len(keys) == 4
    assert keys[0] == keys[1] == keys[2]  # one call, retried twice
    assert keys[3] != keys[0]  # the next call
    assert all(k and k.startswith("aimhub-retry-") for k in keys)


async def test_a_caller_idempotency_key_wins_and_gets_have_none(is_async: bool) -> None:
    listing = {"object": "list", "data": []}
    gateway = FakeGateway(OK, json_reply(200, listing))
    client = make_client(gateway, is_async)
    await call(client, "chat", **ARGS, extra_headers={"Idempotency-Key": "mine"})
    await call(client, "list_models")
    assert [r.headers.get("idempotency-key") for r in gateway.requests] == ["mine", None]


@pytest.mark.parametrize(
    ("headers", "wait"),
    [({"retry-after": "3600"}, 3600.0), ({"retry-after-ms": "600000"}, 600.0)],
    ids=["an-hour", "ten-minutes-ms"],
)
async def test_retry_after_beyond_the_maximum_raises_at_once_with_the_wait(
    is_async: bool, headers: dict[str, str], wait: float, sleeps: list[float]
) -> None:
    gateway = FakeGateway(json_reply(429, {"error": {"message": "slow"}}, headers), OK)
    client = make_client(gateway, is_async, max_retries=3)
    with pytest.raises(RateLimitError) as info:
        await call(client, "chat", **ARGS)
    assert len(gateway.requests) == 1
    assert sleeps == []
    assert info.value.retry_after == pytest.approx(wait)
    assert "max_retry_after=60" in str(info.value)


async def test_max_retry_after_is_configurable(is_async: bool, sleeps: list[float]) -> None:
    reply = json_reply(429, {"error": {"message": "slow"}}, {"retry-after": "3600"})
    gateway = FakeGateway(reply, OK)
    client = make_client(gateway, is_async, max_retries=1, max_retry_after=7200)
    await call(client, "chat", **ARGS)
    assert sleeps == [pytest.approx(3600.0)]  # the limiter sleeps until a monotonic instant
    with pytest.raises(ConfigurationError, match="max_retry_after must be"):
        make_client(gateway, is_async, max_retry_after=-1)


async def test_a_status_error_carries_retry_after_even_without_retries(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(503, {"error": {"message": "x"}}, {"retry-after": "5"}))
    client = make_client(gateway, is_async, max_retries=0)
    with pytest.raises(InternalServerError) as info:
        await call(client, "chat", **ARGS)
    assert info.value.retry_after == 5.0
