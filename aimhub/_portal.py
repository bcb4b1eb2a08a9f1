"""One background event loop, for sync calls that are faster sent as async work.

A sync corpus call (`Embedder.embed` on the default pool) runs its batches as tasks here, over
aiohttp's pool, instead of on threads over httpx's sync transport: httpx reads a large answer
in 64 KiB pieces through h11, in Python, under the interpreter's lock, which at 1,024
dimensions costs more than parsing the floats (docs/throughput.md, "Decoding"); aiohttp reads
it in C, and one loop needs no lock contention between eight threads.

The loop runs on one daemon thread, started at first use and kept for the process, so its
aiohttp connections are reused from call to call. The caller blocks on the result; Ctrl-C (or
any exception in the waiting thread) cancels the work, which cancels its requests. The caller's
context variables go with the work. At exit the loop is stopped and its sessions closed; a
forked child starts a loop of its own (the parent's thread does not exist there).
"""

from __future__ import annotations

import asyncio
import atexit
import contextvars
import logging
import os
import threading
from collections.abc import Coroutine
from concurrent.futures import Future
from typing import Any, TypeVar

__all__ = ["run_blocking"]

T = TypeVar("T")
logger = logging.getLogger("aimhub")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_thread: threading.Thread | None = None


def run_blocking(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` on the portal loop and wait for its result in the calling thread.

    Raises:
        RuntimeError: called from a coroutine already running on the portal loop (it would
            wait for itself).
    """
    loop = _running_loop()
    if threading.current_thread() is _thread:
        coroutine.close()
        msg = "aimhub: a sync call was made from aimhub's own event loop; await the async method"
        raise RuntimeError(msg)
    context = contextvars.copy_context()
    result: Future[T] = Future()
    started: list[asyncio.Task[T]] = []

    def start() -> None:
        if result.cancelled():  # the caller gave up before the loop got here
            coroutine.close()
            return
        # Created inside the caller's context, so the task runs in a copy of it.
        task = context.run(loop.create_task, coroutine)
        started.append(task)
        task.add_done_callback(lambda done: _settle(result, done))

    try:  # from the scheduling on: Ctrl-C may land on any line
        loop.call_soon_threadsafe(start)
        return result.result()
    except BaseException:
        # The wait itself was interrupted (KeyboardInterrupt): stop the work, do not orphan it.
        # Scheduled after `start`, so the task exists by then, or never will.
        if result.cancel():
            loop.call_soon_threadsafe(_cancel, started)
        raise


def _settle(result: Future[Any], task: asyncio.Task[Any]) -> None:
    if result.done():
        return
    if task.cancelled():
        result.cancel()
    elif (error := task.exception()) is not None:
        result.set_exception(error)
    else:
        result.set_result(task.result())


def _cancel(started: list[asyncio.Task[Any]]) -> None:
    for task in started:
        task.cancel()


def _running_loop() -> asyncio.AbstractEventLoop:
    global _loop, _thread
    with _lock:
        if _loop is None or _thread is None or not _thread.is_alive():  # first use, or died
            loop = asyncio.new_event_loop()
            ready = threading.Event()
            thread = threading.Thread(
                target=_serve, args=(loop, ready), name="aimhub-portal", daemon=True
            )
            thread.start()
            ready.wait()
            _loop, _thread = loop, thread
        return _loop


def _serve(loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
    asyncio.set_event_loop(loop)
    loop.call_soon(ready.set)
    global _loop
    try:
        loop.run_forever()
    except BaseException:
        # An exit that escaped a task: that task's caller gets it (below); the thread ends.
        logger.debug("aimhub: the background event loop stopped", exc_info=True)
    finally:
        with _lock:
            if _loop is loop:
                _loop = None  # new calls start a new loop instead of queueing on this one
        # Work still here (the loop was stopped at exit, or died of an error that escaped a
        # task) is cancelled, so that every waiting caller gets an answer instead of hanging.
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        # Closes aiohttp's sessions on this loop (aimhub/_aiohttp.py) before the loop goes.
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


def _stop_at_exit() -> None:
    global _loop, _thread
    with _lock:
        loop, thread = _loop, _thread
        _loop = _thread = None
    if loop is not None and thread is not None and thread.is_alive():
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)


def _after_fork_in_child() -> None:
    global _lock, _loop, _thread
    _lock = threading.Lock()
    _loop = _thread = None  # the parent's loop thread does not run in the child


atexit.register(_stop_at_exit)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
