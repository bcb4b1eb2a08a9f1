"""The adaptive limiter's decisions, on a fake clock: no sockets, no real waiting."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
import pytest

import aimhub._client
from aimhub import AimhubClient, ConfigurationError, RateLimitError
from aimhub._error_parse import make_status_error
from aimhub._limiter import (
    FREE_RETRIES,
    INITIAL_LIMIT,
    AdaptiveLimiter,
    LimitState,
    configure_limits,
    is_overload,
    parse_duration,
    shared_limiter,
)
from tests.fakes import (
    BASE_URL,
    TEST_KEY,
    FakeGateway,
    call,
    chat_completion,
    json_reply,
    make_client,
)

REQUEST = httpx.Request("POST", "https://gw.example/v1/chat/completions")
OK = httpx.Response(200, request=REQUEST)


def _rejection(message: str = "当前分组上游负载已饱和，请稍后再试", status: int = 429) -> Any:
    body = {"error": {"message": message}}
    response = httpx.Response(status, json=body, request=REQUEST)
    return make_status_error(status, body, request=REQUEST, response=response)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _fill(state: LimitState, count: int) -> None:
    state.in_flight += count


# --- the window ------------------------------------------------------------------------------


def test_one_storm_lands_the_window_on_the_gateways_cap() -> None:
    state = LimitState(limit=64)
    _fill(state, 64)  # 64 sent at once; a gateway allowing 16 rejects 48 of them
    for _ in range(48):
        assert state.on_rejected(0.0, 1.0) is True  # others in flight: the window's fault
    assert state.window == 16
    assert state.in_flight == 16
    assert not state.slow_start


def test_slow_start_grows_by_one_per_success_only_while_the_window_is_full() -> None:
    state = LimitState(limit=4)
    _fill(state, 4)
    state.on_success()
    assert state.window == 5
    state.in_flight = 1  # the caller has only one call to make: nothing to learn
    state.on_success()
    assert state.window == 5


def test_after_a_rejection_probing_is_slow_and_backs_off_at_a_steady_ceiling() -> None:
    state = LimitState(limit=17)
    _fill(state, 17)
    state.on_rejected(0.0, 1.0)
    assert state.window == 16

    def successes_until_growth() -> int:
        count = 0
        while state.window == 16:
            state.in_flight = 16
            state.on_success()
            count += 1
        return count

    first = successes_until_growth()
    assert first == 16 * 4  # PROBE_SUCCESSES per unit of window
    state.in_flight = 17
    state.on_rejected(0.0, 1.0)  # the probe fails at the same ceiling
    assert state.window == 16
    assert successes_until_growth() == 2 * first


def _successes_until_growth(state: LimitState) -> int:
    window, count = state.window, 0
    while state.window == window:
        state.in_flight = window
        state.on_success()
        count += 1
    return count


def _probe_fails(state: LimitState) -> None:
    state.in_flight = state.window
    state.on_rejected(0.0, 1.0)


def test_a_rejection_just_below_the_ceiling_does_not_make_probing_eager_again() -> None:
    state = LimitState(limit=17)
    _probe_fails(state)  # the storm lands on 16
    _successes_until_growth(state)
    _probe_fails(state)  # 17 fails: the cap is steady, probe half as often
    assert state.probe_backoff == 2
    # A gateway that frees its slot a moment after answering rejects the 16th call now and then.
    state.in_flight = 16
    state.on_rejected(0.0, 1.0)
    assert state.window == 15
    assert state.probe_backoff == 2
    assert _successes_until_growth(state) == 15 * 4 * 2  # back to 16 at the same pace
    assert _successes_until_growth(state) == 16 * 4 * 2  # 16 held before: no news
    _probe_fails(state)  # 17 fails again
    assert state.probe_backoff == 4


def test_a_probe_that_holds_where_one_failed_before_makes_probing_eager_again() -> None:
    state = LimitState(limit=17)
    _probe_fails(state)
    _successes_until_growth(state)
    _probe_fails(state)
    _successes_until_growth(state)
    _probe_fails(state)
    assert (state.window, state.probe_backoff) == (16, 4)
    assert _successes_until_growth(state) == 16 * 4 * 4
    # The gateway now allows more: 17 holds for a whole probe interval, and the next probe
    # comes at the eager pace.
    assert _successes_until_growth(state) == 17 * 4 * 4
    assert state.probe_backoff == 1
    assert _successes_until_growth(state) == 18 * 4


def test_the_window_never_exceeds_max_limit() -> None:
    state = LimitState(limit=8, max_limit=8)
    _fill(state, 8)
    state.on_success()
    assert state.window == 8
    assert LimitState(limit=64, max_limit=5).window == 5


def test_a_lone_rejection_is_the_calls_own_and_holds_new_calls() -> None:
    state = LimitState(limit=INITIAL_LIMIT)
    _fill(state, 1)
    assert state.on_rejected(10.0, 2.0) is False
    assert state.window == 1
    assert state.hold_until == 12.0
    assert state.wake_time(10.5, retry_delay=None) == 12.0  # a fresh call waits too


# --- one shared backoff, jittered wake-ups ----------------------------------------------------


def test_rejected_calls_share_one_gate_pushed_out_by_each_rejection() -> None:
    state = LimitState(limit=64, jitter=lambda: 0.0)
    _fill(state, 40)
    state.on_rejected(10.0, 1.0)
    state.on_rejected(10.5, 1.0)
    # A call rejected first (own delay 1 s from t=10) still waits for the later rejection.
    assert state.wake_time(10.6, retry_delay=0.4) == 11.5
    # A fresh call is not held: the others in flight show it is a concurrency cap.
    assert state.wake_time(10.6, retry_delay=None) == 10.6


def test_wake_ups_are_jittered_only_when_others_wait_too() -> None:
    state = LimitState(limit=64, jitter=lambda: 1.0)
    assert state.wake_time(0.0, retry_delay=1.0) == 1.0  # alone: the server's hint, exactly
    state.sleepers = 3
    assert state.wake_time(0.0, retry_delay=1.0) == pytest.approx(1.2)
    assert state.wake_time(0.0, retry_delay=30.0) == pytest.approx(31.0)  # at most 1 s


@pytest.mark.parametrize(
    ("remaining", "reset", "hold"),
    [("0", "1s", 11.0), ("0", "6m0s", 10.0), ("0", "20ms", 10.02), ("3", "1s", 0.0)],
)
def test_rate_limit_headers_hold_new_calls_until_the_reset(
    remaining: str, reset: str, hold: float
) -> None:
    state = LimitState()
    headers = httpx.Headers(
        {"x-ratelimit-remaining-requests": remaining, "x-ratelimit-reset-requests": reset}
    )
    state.on_headers(10.0, headers)
    # Six minutes is longer than a batch should silently stall: only resets up to 60 s count.
    assert state.hold_until == pytest.approx(hold if hold != 10.0 else 0.0)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1s", 1.0), ("6m0s", 360.0), ("20ms", 0.02), ("1.5", 1.5), ("1h2m", 3720.0), ("x", None)],
)
def test_parse_duration(text: str, seconds: float | None) -> None:
    assert parse_duration(text) == (pytest.approx(seconds) if seconds is not None else None)


def test_overload_is_a_429_or_a_saturated_5xx_not_any_error() -> None:
    assert is_overload(_rejection())
    assert is_overload(_rejection("当前分组上游负载已饱和，请稍后再试", status=503))
    assert not is_overload(_rejection("upstream failed", status=503))
    assert not is_overload(_rejection("该令牌额度已用尽", status=401))


# --- the thread-safe limiter ----------------------------------------------------------------


def test_freed_slots_go_to_retried_calls_before_fresh_ones() -> None:
    # max_limit=1: the success of `first` must not widen the window and admit both at once.
    limiter = AdaptiveLimiter(initial_limit=1, max_limit=1, clock=Clock())
    first = limiter.acquire()
    order: list[str] = []

    def wait(kind: str, retry: float | None) -> None:
        ticket = limiter.acquire(retry_delay=retry, sleep=lambda _: None)
        order.append(kind)
        limiter.release(ticket, OK)

    fresh = threading.Thread(target=wait, args=("fresh", None))
    fresh.start()
    while not limiter._fresh:
        pass
    retry = threading.Thread(target=wait, args=("retry", 0.0))
    retry.start()
    while not limiter._retries:
        pass
    limiter.release(first, OK)
    fresh.join(5)
    retry.join(5)
    assert order == ["retry", "fresh"]


async def test_a_cancelled_waiter_gives_its_slot_back() -> None:
    limiter = AdaptiveLimiter(initial_limit=1, clock=Clock())

    async def no_sleep(_: float) -> None:
        return None

    held = await limiter.aacquire(sleep=no_sleep)
    waiting = asyncio.ensure_future(limiter.aacquire(sleep=no_sleep))
    await asyncio.sleep(0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    limiter.release(held, OK)
    assert limiter.state.in_flight == 0
    assert not limiter._fresh
    await limiter.aacquire(sleep=no_sleep)  # the slot is free again


def test_limiters_are_shared_per_gateway_key_and_budgets_apply_to_all() -> None:
    one = AimhubClient(api_key="sk-a", base_url=BASE_URL)
    two = AimhubClient(api_key="sk-a", base_url=BASE_URL)
    other = AimhubClient(api_key="sk-b", base_url=BASE_URL)
    assert one.limiter is two.limiter is shared_limiter(one.config)
    assert other.limiter is not one.limiter
    configure_limits(max_in_flight=3)
    assert one.limiter.max_limit == other.limiter.max_limit == 3
    assert "sk-a" not in repr(one.limiter)
    with pytest.raises(ConfigurationError, match="max_limit"):
        configure_limits(max_in_flight=0)


# --- through the client -----------------------------------------------------------------------


def _crowded(
    monkeypatch: pytest.MonkeyPatch, limiter: AdaptiveLimiter, replies: list[Any]
) -> tuple[FakeGateway, list[float]]:
    """Five other calls of the key are in flight at every attempt and finish while it waits."""
    waits: list[float] = []

    def crowd(reply: Any) -> Any:
        def answer(request: httpx.Request) -> httpx.Response:
            limiter.state.in_flight += 5
            return reply(request)  # type: ignore[no-any-return]

        return answer

    def others_finish(delay: float) -> None:
        waits.append(delay)
        limiter.state.in_flight -= 5

    async def aothers_finish(delay: float) -> None:
        others_finish(delay)

    monkeypatch.setattr(aimhub._client, "_sleep", others_finish)
    monkeypatch.setattr(aimhub._client, "_asleep", aothers_finish)
    return FakeGateway(*map(crowd, replies)), waits


SATURATED = json_reply(
    429, {"error": {"message": "当前分组上游负载已饱和，请稍后再试"}}, {"retry-after": "1"}
)
HI = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}


async def test_a_rejection_among_others_in_flight_does_not_use_up_max_retries(
    is_async: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    limiter = AdaptiveLimiter()
    replies = [SATURATED] * 3 + [json_reply(200, chat_completion("ok"))]
    gateway, waits = _crowded(monkeypatch, limiter, replies)
    client = make_client(gateway, is_async, max_retries=1, limiter=limiter)
    reply = await call(client, "chat", **HI)
    assert reply.choices[0].message.content == "ok"
    assert waits == [1.0, 1.0, 1.0]  # Retry-After honoured each time, none counted
    assert limiter.state.window == 5  # what was in flight besides the rejected call
    assert limiter.state.in_flight == 5  # its own slot given back


async def test_free_retries_are_bounded(is_async: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    limiter = AdaptiveLimiter()
    gateway, _ = _crowded(monkeypatch, limiter, [SATURATED])
    client = make_client(gateway, is_async, max_retries=2, limiter=limiter)
    with pytest.raises(RateLimitError):
        await call(client, "chat", **HI)
    assert len(gateway.requests) == 1 + FREE_RETRIES + 2


async def test_a_lone_call_keeps_max_retries(is_async: bool, sleeps: list[float]) -> None:
    saturated = json_reply(429, {"error": {"message": "busy"}}, {"retry-after": "1"})
    gateway = FakeGateway(saturated)
    client = make_client(gateway, is_async, max_retries=2)
    with pytest.raises(RateLimitError):
        await call(client, "chat", **HI)
    assert len(gateway.requests) == 3
    assert sleeps == [1.0, 1.0]
    assert client.limiter.state.in_flight == 0


def test_key_is_never_stored_in_the_registry() -> None:
    client = AimhubClient(api_key=TEST_KEY, base_url=BASE_URL)
    from aimhub import _limiter

    assert all(TEST_KEY not in part for key in _limiter._registry for part in key)
    assert client.limiter.state.in_flight == 0
