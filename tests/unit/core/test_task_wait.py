"""`wait_task` on both clients with the clock faked: transitions, backoff, callbacks, timeout,
failure, cancellation; and submits that are never sent twice."""

from __future__ import annotations

import asyncio

import httpx
import pytest

import aimhub
from aimhub import TaskFailedError, TaskTimeoutError
from aimhub.types import Task, TaskKind, TaskStatus
from tests.fakes import FakeGateway, call, json_reply, make_client
from tests.task_fakes import (
    MJ_ID,
    MJ_SUBMITTED,
    SUNO_ID,
    install_clock,
    mj_task,
    suno_task,
)

QUEUED = Task(id=MJ_ID, kind=TaskKind.MIDJOURNEY)


async def test_waits_through_every_status_to_success(
    is_async: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = install_clock(monkeypatch)
    gateway = FakeGateway(
        json_reply(200, mj_task("SUBMITTED", "0%")),
        json_reply(200, mj_task("IN_PROGRESS", "37%")),
        json_reply(200, mj_task("IN_PROGRESS", "37%")),  # the 15 s refresh: nothing new
        json_reply(200, mj_task("IN_PROGRESS", "82%")),
        json_reply(200, mj_task("SUCCESS", "100%")),
    )
    seen: list[tuple[TaskStatus, float | None]] = []
    client = make_client(gateway, is_async)
    task = await call(client, "wait_task", QUEUED,
                      on_progress=lambda t: seen.append((t.status, t.progress)))  # fmt: skip
    assert task.status is TaskStatus.SUCCEEDED
    assert len(task.buttons) == 4
    # Called on changes only: the repeated 37 % is not reported twice.
    assert seen == [
        (TaskStatus.QUEUED, None), (TaskStatus.QUEUED, 0.0), (TaskStatus.IN_PROGRESS, 37.0),
        (TaskStatus.IN_PROGRESS, 82.0), (TaskStatus.SUCCEEDED, 100.0),
    ]  # fmt: skip
    # 5 s, then 1.5x per poll, capped at the gateway's 15 s refresh.
    assert clock.sleeps == [5.0, 7.5, 11.25, 15.0, 15.0]
    assert {r.method for r in gateway.requests} == {"GET"}  # polling never submits


async def test_an_async_client_awaits_a_coroutine_callback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    install_clock(monkeypatch)
    seen: list[float | None] = []

    async def report(task: Task) -> None:
        seen.append(task.progress)

    gateway = FakeGateway(json_reply(200, mj_task("IN_PROGRESS", "40%")),
                          json_reply(200, mj_task("SUCCESS", "100%")))  # fmt: skip
    await call(make_client(gateway, True), "wait_task", QUEUED, on_progress=report)
    assert seen == [None, 40.0, 100.0]


def test_a_sync_client_refuses_a_coroutine_callback(monkeypatch: pytest.MonkeyPatch) -> None:
    install_clock(monkeypatch)

    async def report(task: Task) -> None:
        return None

    gateway = FakeGateway(json_reply(200, mj_task("SUCCESS", "100%")))
    client = make_client(gateway, False)
    with pytest.raises(aimhub.ConfigurationError, match="use AsyncAimhubClient"):
        client.wait_task(QUEUED, on_progress=report)  # type: ignore[union-attr]


async def test_jitter_spreads_the_delays(is_async: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    low = install_clock(monkeypatch, jitter=0.0)
    gateway = FakeGateway(json_reply(200, mj_task("IN_PROGRESS", "1%")),
                          json_reply(200, mj_task("SUCCESS", "100%")))  # fmt: skip
    await call(make_client(gateway, is_async), "wait_task", QUEUED)
    assert low.sleeps == [pytest.approx(4.25), pytest.approx(6.375)]
    high = install_clock(monkeypatch, jitter=1.0)
    gateway = FakeGateway(json_reply(200, mj_task("SUCCESS", "100%")))
    await call(make_client(gateway, is_async), "wait_task", QUEUED, poll_interval=20)
    assert high.sleeps == [pytest.approx(23.0)]  # a longer interval than the refresh is kept


async def test_timeout_carries_the_task_and_resumes_without_resubmitting(
    is_async: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = install_clock(monkeypatch)
    gateway = FakeGateway(
        json_reply(200, MJ_SUBMITTED), json_reply(200, mj_task("IN_PROGRESS", "40%"))
    )
    client = make_client(gateway, is_async)
    task = await call(client, "midjourney_imagine", "a cat")
    with pytest.raises(TaskTimeoutError, match=f"task {MJ_ID} is in_progress, 40%") as info:
        await call(client, "wait_task", task, timeout=30)
    error = info.value
    assert error.task_id == MJ_ID
    assert error.task is not None
    assert error.task.progress == 40.0
    assert isinstance(error, aimhub.APITimeoutError)
    assert sum(clock.sleeps) == pytest.approx(30.0)  # the last poll happens at the deadline
    assert [r.method for r in gateway.requests].count("POST") == 1
    # Later: resume from the error, by id.
    gateway_done = FakeGateway(json_reply(200, mj_task("SUCCESS", "100%")))
    later = make_client(gateway_done, is_async)
    done = await call(later, "wait_task", error.task_id, kind="midjourney")
    assert done.status is TaskStatus.SUCCEEDED
    assert [r.method for r in gateway_done.requests] == ["GET"]


async def test_a_failed_task_raises_with_its_reason(
    is_async: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_clock(monkeypatch)
    failed = suno_task("FAILURE", "100%", fail_reason="Song Description flagged for moderation")
    gateway = FakeGateway(json_reply(200, failed))
    client = make_client(gateway, is_async)
    with pytest.raises(TaskFailedError, match="flagged for moderation") as info:
        await call(client, "wait_task", SUNO_ID, kind="suno")
    assert info.value.task_id == SUNO_ID
    assert info.value.fail_reason == "Song Description flagged for moderation"
    task = await call(client, "wait_task", SUNO_ID, kind="suno", raise_on_failure=False)
    assert task.status is TaskStatus.FAILED


async def test_a_passing_network_failure_is_waited_out(
    is_async: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_clock(monkeypatch)
    gateway = FakeGateway(
        httpx.ConnectError("refused"),
        json_reply(502, {"error": {"message": "bad gateway"}}),
        json_reply(200, mj_task("SUCCESS", "100%")),
    )
    task = await call(make_client(gateway, is_async), "wait_task", QUEUED)
    assert task.status is TaskStatus.SUCCEEDED
    assert len(gateway.requests) == 3


async def test_an_error_that_cannot_heal_stops_the_wait(
    is_async: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_clock(monkeypatch)
    gateway = FakeGateway(json_reply(401, {"error": {"message": "无效的令牌"}}))
    with pytest.raises(aimhub.AuthenticationError):
        await call(make_client(gateway, is_async), "wait_task", QUEUED)
    assert len(gateway.requests) == 1


async def test_modal_ends_the_wait(is_async: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    install_clock(monkeypatch)
    gateway = FakeGateway(json_reply(200, mj_task("MODAL", "0%")))
    task = await call(make_client(gateway, is_async), "wait_task", QUEUED)
    assert task.needs_modal


async def test_cancelling_an_async_wait_stops_polling(monkeypatch: pytest.MonkeyPatch) -> None:
    gateway = FakeGateway(json_reply(200, mj_task("IN_PROGRESS", "10%")))
    client = make_client(gateway, True)
    slept = asyncio.Event()

    async def real_but_recorded(delay: float) -> None:
        slept.set()
        await asyncio.sleep(3600)

    monkeypatch.setattr(aimhub._task_client, "_asleep", real_but_recorded)
    waiting = asyncio.ensure_future(call(client, "wait_task", QUEUED))
    await slept.wait()
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    polled = len(gateway.requests)
    await asyncio.sleep(0)
    assert len(gateway.requests) == polled == 0  # the first wait was cancelled before a fetch


async def test_a_progress_bar_when_asked(is_async: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("tqdm")
    install_clock(monkeypatch)
    bars: list[object] = []
    import tqdm.auto

    original = tqdm.auto.tqdm

    def recording(*args: object, **kwargs: object) -> object:
        bar = original(*args, **{**kwargs, "disable": False, "file": open("/dev/null", "w")})  # noqa: SIM115
        bars.append(bar)
        return bar

    monkeypatch.setattr(tqdm.auto, "tqdm", recording)
    gateway = FakeGateway(json_reply(200, mj_task("IN_PROGRESS", "40%")),
                          json_reply(200, mj_task("SUCCESS", "100%")))  # fmt: skip
    await call(make_client(gateway, is_async), "wait_task", QUEUED, progress_bar=True)
    (bar,) = bars
    assert bar.n == 100  # type: ignore[attr-defined]
    assert bar.disable  # type: ignore[attr-defined]  # closed


# --- submits are never sent twice unless the gateway provably refused them -------------------
@pytest.mark.parametrize(
    "failure",
    [
        json_reply(502, {"error": {"message": "upstream error"}}),
        json_reply(500, {"error": {"message": "internal"}}),
        httpx.ReadTimeout("no answer"),
        httpx.RemoteProtocolError("server disconnected"),
    ],
    ids=["502", "500", "read-timeout", "disconnected"],
)
async def test_a_submit_the_gateway_may_have_taken_is_not_retried(
    is_async: bool, failure: object
) -> None:
    gateway = FakeGateway(failure, json_reply(200, MJ_SUBMITTED))  # type: ignore[arg-type]
    client = make_client(gateway, is_async, max_retries=3)
    with pytest.raises(aimhub.APIError, match="not retried: the gateway may have accepted"):
        await call(client, "midjourney_imagine", "a cat")
    assert len(gateway.requests) == 1


@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError("connection refused"), json_reply(429, {"error": {"message": "slow"}})],
    ids=["refused", "429"],
)
async def test_a_submit_the_gateway_provably_refused_is_retried(
    is_async: bool, failure: object
) -> None:
    gateway = FakeGateway(failure, json_reply(200, SUNO_SUBMITTED_BODY))  # type: ignore[arg-type]
    client = make_client(gateway, is_async, max_retries=2)
    task = await call(client, "suno_music", "[Verse] rain")
    assert task.id == SUNO_ID
    assert len(gateway.requests) == 2
    # the same request both times, Idempotency-Key included
    keys = {r.headers["idempotency-key"] for r in gateway.requests}
    assert len(keys) == 1


async def test_fetches_and_chat_keep_the_usual_retries(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(502, {"error": {"message": "x"}}),
                          json_reply(200, mj_task("SUCCESS", "100%")))  # fmt: skip
    client = make_client(gateway, is_async, max_retries=2)
    await call(client, "fetch_task", MJ_ID, kind="midjourney")
    assert len(gateway.requests) == 2


SUNO_SUBMITTED_BODY = {"code": "success", "message": "", "data": SUNO_ID}
