"""Midjourney, Suno and video tasks on both clients: submit, fetch and wait.

Calls are built by pure code (aimhub/_tasks.py, aimhub/_suno_video.py, aimhub/_task_poll.py)
and sent with the client's own `_send`; submits carry the not-idempotent mark, so the send loop
repeats one only when the gateway provably did not take it. Sync and async differ in sending and
sleeping only.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

import aimhub._suno_video as _sv
import aimhub._task_poll as _poll
import aimhub._tasks as _mj
from aimhub._calls import Call, missing_route_hint
from aimhub._config import ClientConfig, TimeoutLike
from aimhub._exceptions import APIError, APIStatusError
from aimhub._tasks import task_error
from aimhub.types.tasks import Task, TaskKind

__all__ = ["AsyncTaskMethods", "TaskMethods"]

T = TypeVar("T")
Headers = dict[str, str] | None
Kind = TaskKind | str | None

# Module-level so that tests replace the waiting (the clock is `aimhub._task_poll.monotonic`).
_sleep = time.sleep


async def _asleep(delay: float) -> None:
    import asyncio

    await asyncio.sleep(delay)


def _music_fields(
    prompt: str | None, mv: str | None, title: str | None, tags: str | None,
    make_instrumental: bool | None, gpt_description_prompt: str | None,
    continue_clip_id: str | None, continue_at: float | None, extra: dict[str, Any],
) -> dict[str, Any]:  # fmt: skip
    return {
        "prompt": prompt, "mv": mv, "title": title, "tags": tags,
        "make_instrumental": make_instrumental, "gpt_description_prompt": gpt_description_prompt,
        "continue_clip_id": continue_clip_id, "continue_at": continue_at, **extra,
    }  # fmt: skip


def _video_fields(
    image: str | None, duration: float | None, size: str | None, extra: dict[str, Any]
) -> dict[str, Any]:
    return {"image": image, "duration": duration, "size": size, **extra}


class TaskMethods:
    """The task routes of `AimhubClient`."""

    if TYPE_CHECKING:
        config: ClientConfig

        def _send(self, request: httpx.Request, *, stream: bool) -> httpx.Response: ...

    def _task_call(self, call: Call[T], extra_headers: Headers, timeout: TimeoutLike) -> T:
        request = call.request(self.config, extra_headers=extra_headers, timeout=timeout)
        try:
            with missing_route_hint(call.route):
                return call.parse(self._send(request, stream=False))
        except APIStatusError as exc:
            mapped = task_error(exc)
            if mapped is exc:
                raise
            raise mapped from None

    # --- Midjourney (docs/gateway-behaviour.md §14) -------------------------------------------
    def midjourney_imagine(
        self, prompt: str, *, mode: str | None = None, base64_images: Sequence[str] | None = None,
        extra_headers: Headers = None, timeout: TimeoutLike = None, **extra: Any,
    ) -> Task:  # fmt: skip
        """Submit `/mj/submit/imagine`; `mode` ('fast', 'relax', 'turbo') picks the speed route.

        Returns the queued `Task` at once; `wait_task(task)` waits for its images and buttons.

        Raises:
            BannedPromptError: Midjourney refused the prompt (code 24).
            TaskSubmitError: any other refusal inside an HTTP 200.
        """
        call = _mj.mj_imagine(prompt, mode=mode, base64_images=base64_images, extra=extra)
        return self._task_call(call, extra_headers, timeout)

    def midjourney_action(
        self, task: Task | str, custom_id: str, *, mode: str | None = None,
        extra_headers: Headers = None, timeout: TimeoutLike = None, **extra: Any,
    ) -> Task:  # fmt: skip
        """Submit `/mj/submit/action`: press a button (`task.buttons[i].custom_id`) of a task."""
        task_id = task.id if isinstance(task, Task) else task
        call = _mj.mj_action(task_id, custom_id, mode=mode, extra=extra)
        return self._task_call(call, extra_headers, timeout)

    def midjourney_blend(
        self, base64_images: Sequence[str], *, dimensions: str | None = None,
        mode: str | None = None, extra_headers: Headers = None, timeout: TimeoutLike = None,
        **extra: Any,
    ) -> Task:  # fmt: skip
        """Submit `/mj/submit/blend` (2-5 images; dimensions PORTRAIT, SQUARE or LANDSCAPE)."""
        call = _mj.mj_blend(base64_images, dimensions=dimensions, mode=mode, extra=extra)
        return self._task_call(call, extra_headers, timeout)

    def midjourney_describe(
        self, base64_image: str, *, mode: str | None = None, extra_headers: Headers = None,
        timeout: TimeoutLike = None, **extra: Any,
    ) -> Task:  # fmt: skip
        """Submit `/mj/submit/describe`; the finished task's `text` holds the prompts."""
        call = _mj.mj_describe(base64_image, mode=mode, extra=extra)
        return self._task_call(call, extra_headers, timeout)

    def midjourney_modal(
        self, task: Task | str, *, prompt: str | None = None, mask_base64: str | None = None,
        mode: str | None = None, extra_headers: Headers = None, timeout: TimeoutLike = None,
        **extra: Any,
    ) -> Task:  # fmt: skip
        """Submit `/mj/submit/modal`: what a task in `MODAL` (`task.needs_modal`) waits for."""
        task_id = task.id if isinstance(task, Task) else task
        call = _mj.mj_modal(task_id, prompt=prompt, mask_base64=mask_base64, mode=mode, extra=extra)
        return self._task_call(call, extra_headers, timeout)

    # --- Suno (§15) -----------------------------------------------------------------------
    def suno_music(
        self, prompt: str | None = None, *, mv: str | None = None, title: str | None = None,
        tags: str | None = None, make_instrumental: bool | None = None,
        gpt_description_prompt: str | None = None, continue_clip_id: str | None = None,
        continue_at: float | None = None, extra_headers: Headers = None,
        timeout: TimeoutLike = None, **extra: Any,
    ) -> Task:  # fmt: skip
        """Submit `/suno/submit/music`: `prompt` (lyrics) with `title`/`tags`, or a
        `gpt_description_prompt`; the finished task has two clips' `audio_urls`."""
        fields = _music_fields(
            prompt, mv, title, tags, make_instrumental, gpt_description_prompt,
            continue_clip_id, continue_at, extra,
        )  # fmt: skip
        return self._task_call(_sv.suno_music(fields), extra_headers, timeout)

    def suno_lyrics(
        self, prompt: str, *, extra_headers: Headers = None, timeout: TimeoutLike = None,
        **extra: Any,
    ) -> Task:  # fmt: skip
        """Submit `/suno/submit/lyrics`; the finished task's `text` holds the lyrics."""
        return self._task_call(_sv.suno_lyrics(prompt, extra), extra_headers, timeout)

    # --- video (§16) ----------------------------------------------------------------------
    def generate_video(
        self, model: str, prompt: str, *, image: str | None = None,
        duration: float | None = None, size: str | None = None, route: str | None = None,
        extra_headers: Headers = None, timeout: TimeoutLike = None, **extra: Any,
    ) -> Task:  # fmt: skip
        """Submit a video task on the model's route family (`/v1/video/generations` for Kling,
        Luma, Runway, CogVideoX...; `/v1/videos` for the OpenAI format); `route` overrides
        the catalogue. Vendor parameters go in `metadata={...}`."""
        fields = _video_fields(image, duration, size, extra)
        call = _sv.video_submit(model, prompt, route=route, base_url=self.config.base_url,
                                fields=fields)  # fmt: skip
        return self._task_call(call, extra_headers, timeout)

    # --- polling ----------------------------------------------------------------------------
    def fetch_task(
        self, task: Task | str, *, kind: Kind = None, model: str | None = None,
        route: str | None = None, extra_headers: Headers = None, timeout: TimeoutLike = None,
    ) -> Task:  # fmt: skip
        """The task as the gateway has it now (refreshed from the upstream about every 15 s).

        Raises:
            TaskNotFoundError: the gateway has no such task.
        """
        call = _poll.fetch_call(task, kind, model, route, self.config.base_url)
        return self._task_call(call, extra_headers, timeout)

    def fetch_tasks(
        self, tasks: Sequence[Task | str], *, kind: Kind = None, model: str | None = None,
        route: str | None = None, extra_headers: Headers = None, timeout: TimeoutLike = None,
    ) -> list[Task | None]:  # fmt: skip
        """Several tasks at once (the batch routes), in the order given; `None` for an id the
        gateway does not know."""
        ids, calls = _poll.batch_calls(tasks, kind, model, route, self.config.base_url)
        found: list[Task] = []
        for call in calls:
            answer = self._task_call(call, extra_headers, timeout)
            found += answer
        return _poll.in_order(ids, found)

    def wait_task(
        self, task: Task | str, *, kind: Kind = None, model: str | None = None,
        route: str | None = None, timeout: float | None = None,
        poll_interval: float | None = None, on_progress: _poll.ProgressCallback | None = None,
        progress_bar: bool = False, raise_on_failure: bool = True,
    ) -> Task:  # fmt: skip
        """Poll until the task finishes; it is never submitted again.

        Args:
            timeout: seconds to wait in all (default 900); the task goes on after it.
            poll_interval: the first wait (default 5 s), growing to the gateway's 15 s refresh.
            on_progress: called with the `Task` whenever its status or progress changes.
            progress_bar: a tqdm bar (the `progress` extra).
            raise_on_failure: raise `TaskFailedError` for a failed task (else return it).

        Raises:
            TaskTimeoutError: still running at `timeout`; `error.task` resumes it.
            TaskFailedError: the task failed; `error.fail_reason` says why.
        """
        plan = _poll.PollPlan(timeout=timeout, poll_interval=poll_interval,
                              on_progress=on_progress, progress_bar=progress_bar,
                              raise_on_failure=raise_on_failure)  # fmt: skip
        try:
            current = (
                task if isinstance(task, Task)
                else self.fetch_task(task, kind=kind, model=model, route=route)
            )  # fmt: skip
            while True:
                plan.seen_sync(current)
                if current.done:
                    return plan.finish(current)
                delay = plan.next_delay()
                if delay is None:
                    raise plan.give_up(current)
                _sleep(delay)
                try:
                    current = self.fetch_task(current, model=model, route=route)
                except APIError as exc:
                    if not plan.tolerates(exc, current):
                        raise
        finally:
            plan.close()


class AsyncTaskMethods:
    """The task routes of `AsyncAimhubClient`: the same calls, awaited."""

    if TYPE_CHECKING:
        config: ClientConfig

        async def _send(self, request: httpx.Request, *, stream: bool) -> httpx.Response: ...

    async def _task_call(self, call: Call[T], extra_headers: Headers, timeout: TimeoutLike) -> T:
        request = call.request(self.config, extra_headers=extra_headers, timeout=timeout)
        try:
            with missing_route_hint(call.route):
                return call.parse(await self._send(request, stream=False))
        except APIStatusError as exc:
            mapped = task_error(exc)
            if mapped is exc:
                raise
            raise mapped from None

    async def midjourney_imagine(
        self, prompt: str, *, mode: str | None = None, base64_images: Sequence[str] | None = None,
        extra_headers: Headers = None, timeout: TimeoutLike = None, **extra: Any,
    ) -> Task:  # fmt: skip
        """Async `AimhubClient.midjourney_imagine`."""
        call = _mj.mj_imagine(prompt, mode=mode, base64_images=base64_images, extra=extra)
        return await self._task_call(call, extra_headers, timeout)

    async def midjourney_action(
        self, task: Task | str, custom_id: str, *, mode: str | None = None,
        extra_headers: Headers = None, timeout: TimeoutLike = None, **extra: Any,
    ) -> Task:  # fmt: skip
        """Async `AimhubClient.midjourney_action`."""
        task_id = task.id if isinstance(task, Task) else task
        call = _mj.mj_action(task_id, custom_id, mode=mode, extra=extra)
        return await self._task_call(call, extra_headers, timeout)

    async def midjourney_blend(
        self, base64_images: Sequence[str], *, dimensions: str | None = None,
        mode: str | None = None, extra_headers: Headers = None, timeout: TimeoutLike = None,
        **extra: Any,
    ) -> Task:  # fmt: skip
        """Async `AimhubClient.midjourney_blend`."""
        call = _mj.mj_blend(base64_images, dimensions=dimensions, mode=mode, extra=extra)
        return await self._task_call(call, extra_headers, timeout)

    async def midjourney_describe(
        self, base64_image: str, *, mode: str | None = None, extra_headers: Headers = None,
        timeout: TimeoutLike = None, **extra: Any,
    ) -> Task:  # fmt: skip
        """Async `AimhubClient.midjourney_describe`."""
        call = _mj.mj_describe(base64_image, mode=mode, extra=extra)
        return await self._task_call(call, extra_headers, timeout)

    async def midjourney_modal(
        self, task: Task | str, *, prompt: str | None = None, mask_base64: str | None = None,
        mode: str | None = None, extra_headers: Headers = None, timeout: TimeoutLike = None,
        **extra: Any,
    ) -> Task:  # fmt: skip
        """Async `AimhubClient.midjourney_modal`."""
        task_id = task.id if isinstance(task, Task) else task
        call = _mj.mj_modal(task_id, prompt=prompt, mask_base64=mask_base64, mode=mode, extra=extra)
        return await self._task_call(call, extra_headers, timeout)

    async def suno_music(
        self, prompt: str | None = None, *, mv: str | None = None, title: str | None = None,
        tags: str | None = None, make_instrumental: bool | None = None,
        gpt_description_prompt: str | None = None, continue_clip_id: str | None = None,
        continue_at: float | None = None, extra_headers: Headers = None,
        timeout: TimeoutLike = None, **extra: Any,
    ) -> Task:  # fmt: skip
        """Async `AimhubClient.suno_music`."""
        fields = _music_fields(
            prompt, mv, title, tags, make_instrumental, gpt_description_prompt,
            continue_clip_id, continue_at, extra,
        )  # fmt: skip
        return await self._task_call(_sv.suno_music(fields), extra_headers, timeout)

    async def suno_lyrics(
        self, prompt: str, *, extra_headers: Headers = None, timeout: TimeoutLike = None,
        **extra: Any,
    ) -> Task:  # fmt: skip
        """Async `AimhubClient.suno_lyrics`."""
        return await self._task_call(_sv.suno_lyrics(prompt, extra), extra_headers, timeout)

    async def generate_video(
        self, model: str, prompt: str, *, image: str | None = None,
        duration: float | None = None, size: str | None = None, route: str | None = None,
        extra_headers: Headers = None, timeout: TimeoutLike = None, **extra: Any,
    ) -> Task:  # fmt: skip
        """Async `AimhubClient.generate_video`."""
        fields = _video_fields(image, duration, size, extra)
        call = _sv.video_submit(model, prompt, route=route, base_url=self.config.base_url,
                                fields=fields)  # fmt: skip
        return await self._task_call(call, extra_headers, timeout)

    async def fetch_task(
        self, task: Task | str, *, kind: Kind = None, model: str | None = None,
        route: str | None = None, extra_headers: Headers = None, timeout: TimeoutLike = None,
    ) -> Task:  # fmt: skip
        """Async `AimhubClient.fetch_task`."""
        call = _poll.fetch_call(task, kind, model, route, self.config.base_url)
        return await self._task_call(call, extra_headers, timeout)

    async def fetch_tasks(
        self, tasks: Sequence[Task | str], *, kind: Kind = None, model: str | None = None,
        route: str | None = None, extra_headers: Headers = None, timeout: TimeoutLike = None,
    ) -> list[Task | None]:  # fmt: skip
        """Async `AimhubClient.fetch_tasks`."""
        ids, calls = _poll.batch_calls(tasks, kind, model, route, self.config.base_url)
        found: list[Task] = []
        for call in calls:
            answer = await self._task_call(call, extra_headers, timeout)
            found += answer
        return _poll.in_order(ids, found)

    async def wait_task(
        self, task: Task | str, *, kind: Kind = None, model: str | None = None,
        route: str | None = None, timeout: float | None = None,
        poll_interval: float | None = None, on_progress: _poll.ProgressCallback | None = None,
        progress_bar: bool = False, raise_on_failure: bool = True,
    ) -> Task:  # fmt: skip
        """Async `AimhubClient.wait_task`; `on_progress` may be a coroutine function.
        Cancelling the awaiting task stops the polling (the task goes on at the gateway)."""
        plan = _poll.PollPlan(timeout=timeout, poll_interval=poll_interval,
                              on_progress=on_progress, progress_bar=progress_bar,
                              raise_on_failure=raise_on_failure)  # fmt: skip
        try:
            current = (
                task if isinstance(task, Task)
                else await self.fetch_task(task, kind=kind, model=model, route=route)
            )  # fmt: skip
            while True:
                reported = plan.seen(current)
                if inspect.isawaitable(reported):
                    await reported
                if current.done:
                    return plan.finish(current)
                delay = plan.next_delay()
                if delay is None:
                    raise plan.give_up(current)
                await _asleep(delay)
                try:
                    current = await self.fetch_task(current, model=model, route=route)
                except APIError as exc:
                    if not plan.tolerates(exc, current):
                        raise
        finally:
            plan.close()
