"""The background event loop that sync corpus calls send through (aimhub/_portal.py)."""

from __future__ import annotations

import asyncio
import contextvars
import json
import multiprocessing
import signal
import sys
import threading
from collections.abc import Iterator

import httpx
import pytest

from aimhub import AimhubClient, Embedder, EmbeddingBatchError
from aimhub._aiohttp import AiohttpTransport
from aimhub._portal import run_blocking
from tests.capped_gateway import Counters, capped_gateway

REQUEST = contextvars.ContextVar("REQUEST", default="unset")


async def _where() -> str:
    await asyncio.sleep(0)
    return threading.current_thread().name


def test_runs_on_one_loop_thread_kept_between_calls() -> None:
    first = run_blocking(_where())
    assert first == "aimhub-portal"
    assert run_blocking(_where()) == first
    assert sum(t.name == "aimhub-portal" for t in threading.enumerate()) == 1


def test_errors_reach_the_caller_as_raised() -> None:
    async def fail() -> None:
        raise ValueError("gateway said no")

    with pytest.raises(ValueError, match="gateway said no"):
        run_blocking(fail())


def test_the_callers_context_goes_with_the_work() -> None:
    async def read() -> str:
        return REQUEST.get()

    token = REQUEST.set("trace-42")
    try:
        assert run_blocking(read()) == "trace-42"
    finally:
        REQUEST.reset(token)


def test_a_sync_call_from_the_loop_itself_is_refused_not_deadlocked() -> None:
    async def nested() -> str:
        inner = _where()
        try:
            run_blocking(inner)
        except RuntimeError as exc:
            return str(exc)
        return "no error"

    assert "await the async method" in run_blocking(nested())


@pytest.mark.skipif(sys.platform == "win32", reason="pthread_kill is POSIX")
def test_interrupting_the_wait_cancels_the_work() -> None:
    started, cancelled = threading.Event(), threading.Event()

    async def long_job() -> None:
        started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    def press_ctrl_c() -> None:
        # A real SIGINT to the main thread, as Ctrl-C sends: it wakes a blocked wait.
        if started.wait(5):
            signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)

    timer = threading.Thread(target=press_ctrl_c)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        run_blocking(long_job())
    timer.join()
    assert cancelled.wait(5), "the job kept running after the caller gave up"


def _child_result(queue: multiprocessing.Queue[str]) -> None:
    queue.put(run_blocking(_where()))


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="needs the fork start method"
)
def test_a_forked_child_starts_a_loop_of_its_own() -> None:
    run_blocking(_where())  # the parent's loop thread exists before the fork
    context = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[str] = context.Queue()
    child = context.Process(target=_child_result, args=(queue,))
    child.start()
    assert queue.get(timeout=20) == "aimhub-portal"
    child.join(timeout=20)
    assert child.exitcode == 0


# --- the embedder on the portal ---------------------------------------------------------------

TEXTS = [f"{chr(65 + i % 26)}text {i}" for i in range(40)]
EXPECTED = [[float(len(t)), float(ord(t[0]))] for t in TEXTS]


@pytest.fixture
def gateway(socket_enabled: None) -> Iterator[tuple[str, Counters]]:
    with capped_gateway(cap=4, latency=0.02) as served:
        yield served


@pytest.fixture
def sender_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The threads that aiohttp's transport sent from."""
    names: list[str] = []
    original = AiohttpTransport.handle_async_request

    async def recording(self: AiohttpTransport, request: httpx.Request) -> httpx.Response:
        names.append(threading.current_thread().name)
        return await original(self, request)

    monkeypatch.setattr(AiohttpTransport, "handle_async_request", recording)
    return names


def test_sync_embed_on_the_default_pool_sends_over_aiohttp_from_the_portal(
    gateway: tuple[str, Counters], sender_threads: list[str]
) -> None:
    base, counters = gateway
    client = AimhubClient(api_key="sk-test", base_url=base)
    vectors = Embedder(model="m", batch_size=4, max_concurrency=4).embed(client, TEXTS)
    assert vectors == EXPECTED
    assert sender_threads == ["aimhub-portal"] * 10
    assert counters.peak == 4  # max_concurrency holds on the loop as on threads
    assert counters.inputs.count(TEXTS[0]) == 1


def test_one_batch_is_sent_from_the_calling_thread(
    gateway: tuple[str, Counters], sender_threads: list[str]
) -> None:
    base, _ = gateway
    client = AimhubClient(api_key="sk-test", base_url=base)
    assert Embedder(model="m", batch_size=64).embed(client, TEXTS) == EXPECTED
    assert sender_threads == []  # no concurrency to gain: no hop to another thread


def test_your_http_client_is_used_as_it_is_on_threads(sender_threads: list[str]) -> None:
    threads: set[str] = set()

    def answer(request: httpx.Request) -> httpx.Response:
        threads.add(threading.current_thread().name)
        inputs = json.loads(request.content)["input"]
        data = [
            {"index": i, "embedding": [float(len(t)), float(ord(t[0]))]}
            for i, t in enumerate(inputs)
        ]
        return httpx.Response(200, json={"data": data})

    client = AimhubClient(
        api_key="sk-test", http_client=httpx.Client(transport=httpx.MockTransport(answer))
    )
    assert Embedder(model="m", batch_size=4).embed(client, TEXTS) == EXPECTED
    assert sender_threads == []
    assert all(name.startswith("aimhub-embed") for name in threads)


def test_a_failed_batch_on_the_portal_names_its_inputs(socket_enabled: None) -> None:
    # Cap 1 with Retry-After beyond the client's limit: the second concurrent batch cannot wait.
    with capped_gateway(cap=1, latency=0.2, retry_after="3600") as (base, _):
        client = AimhubClient(api_key="sk-test", base_url=base, max_retry_after=1)
        with pytest.raises(EmbeddingBatchError) as caught:
            Embedder(model="m", batch_size=20, max_concurrency=2).embed(client, TEXTS)
    error = caught.value
    assert error.failed_inputs, "the rejected batch's inputs are named"
    served = [i for i, vector in enumerate(error.vectors) if vector is not None]
    assert served
    assert all(error.vectors[i] == EXPECTED[i] for i in served)
    assert sorted(served + error.failed_inputs) == list(range(len(TEXTS)))


def test_a_caller_never_waits_on_a_loop_that_died() -> None:
    async def escapes() -> None:
        await asyncio.sleep(0)
        raise SystemExit("a task let an exit escape")  # asyncio lets this stop the loop

    async def bystander() -> None:
        await asyncio.sleep(30)

    outcome: list[BaseException] = []

    def wait_as_bystander() -> None:
        try:
            run_blocking(bystander())
        except BaseException as exc:  # recorded for the assertion
            outcome.append(exc)

    waiter = threading.Thread(target=wait_as_bystander)
    waiter.start()
    with pytest.raises(SystemExit):
        run_blocking(escapes())
    waiter.join(10)
    assert not waiter.is_alive(), "a caller was left waiting on a dead loop"
    assert outcome
    assert run_blocking(_where()) == "aimhub-portal"  # the next call starts a new loop
