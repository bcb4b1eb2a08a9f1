"""The task functions of `AimhubToolSpec` (Midjourney, music, video, check-task).

Each waits for the result at most `task_wait_timeout` seconds (or not at all with `wait=False`)
and then answers with the task id to check later; the `Task` is the result's artifact.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aimhub import ConfigurationError
from aimhub.adapter import (
    TOOL_WAIT_TIMEOUT,
    asettle_task,
    describe_task,
    pick_button,
    settle_task,
)
from aimhub.types import Task, TaskKind

if TYPE_CHECKING:
    from aimhub import AimhubClient, AsyncAimhubClient

#: The spec's task functions, appended to `spec_functions` by `AimhubToolSpec(tasks=True)`.
TASK_FUNCTIONS: list[tuple[str, str]] = [
    ("midjourney", "amidjourney"),
    ("make_music", "amake_music"),
    ("make_video", "amake_video"),
    ("check_task", "acheck_task"),
]


def _check_draw(prompt: str | None, task_id: str | None, button: str | None) -> None:
    if (prompt is None) == (task_id is None or button is None):
        msg = "give either prompt (to draw) or task_id and button (to press a button)"
        raise ConfigurationError(msg)


class TaskFunctions:
    """Mixed into `AimhubToolSpec`."""

    _client: AimhubClient
    _async_client: AsyncAimhubClient
    midjourney_mode: str | None = None
    music_model: str | None = None
    video_model: str = "kling-v1"
    task_wait_timeout: float = TOOL_WAIT_TIMEOUT

    def _done(self, task: Task, wait: bool) -> Any:
        from llamaindex_aimhub.tools import AimhubToolResult

        task = settle_task(self._client, task, wait=wait, timeout=self.task_wait_timeout,
                           poll_interval=None)  # fmt: skip
        return AimhubToolResult(describe_task(task), task)

    async def _adone(self, task: Task, wait: bool) -> Any:
        from llamaindex_aimhub.tools import AimhubToolResult

        task = await asettle_task(self._async_client, task, wait=wait,
                                  timeout=self.task_wait_timeout, poll_interval=None)  # fmt: skip
        return AimhubToolResult(describe_task(task), task)

    def midjourney(
        self, prompt: str | None = None, task_id: str | None = None, button: str | None = None,
        wait: bool = True,
    ) -> Any:  # fmt: skip
        """Draw images with Midjourney, or press a button (e.g. 'U2' to upscale image 2) of a
        finished task; returns the image URLs and the next buttons, or a task id to check.

        Args:
            prompt: what to draw, e.g. 'a cat --ar 2:3' (or leave empty and give task_id).
            task_id: the finished task whose button to press.
            button: the button label, e.g. 'U1'-'U4' (upscale) or 'V1'-'V4' (vary).
            wait: wait for the result (true) or return the task id at once (false).
        """
        _check_draw(prompt, task_id, button)
        if prompt is not None:
            task = self._client.midjourney_imagine(prompt, mode=self.midjourney_mode)
        else:
            grid = self._client.fetch_task(str(task_id), kind=TaskKind.MIDJOURNEY)
            task = self._client.midjourney_action(grid, pick_button(grid, str(button)),
                                                  mode=self.midjourney_mode)  # fmt: skip
        return self._done(task, wait)

    async def amidjourney(
        self, prompt: str | None = None, task_id: str | None = None, button: str | None = None,
        wait: bool = True,
    ) -> Any:  # fmt: skip
        """Draw images with Midjourney, or press a button of a finished task."""
        _check_draw(prompt, task_id, button)
        client = self._async_client
        if prompt is not None:
            task = await client.midjourney_imagine(prompt, mode=self.midjourney_mode)
        else:
            grid = await client.fetch_task(str(task_id), kind=TaskKind.MIDJOURNEY)
            task = await client.midjourney_action(grid, pick_button(grid, str(button)),
                                                  mode=self.midjourney_mode)  # fmt: skip
        return await self._adone(task, wait)

    def _music(self, description: str | None, lyrics: str | None, title: str | None,
               tags: str | None) -> dict[str, Any]:  # fmt: skip
        return {"prompt": lyrics, "gpt_description_prompt": description, "title": title,
                "tags": tags, "mv": self.music_model}  # fmt: skip

    def make_music(
        self, description: str | None = None, lyrics: str | None = None,
        title: str | None = None, tags: str | None = None, wait: bool = True,
    ) -> Any:  # fmt: skip
        """Make a song with Suno from a description (Suno writes the lyrics) or from lyrics;
        returns the audio URLs, or a task id to check later.

        Args:
            description: what the song is about and its style.
            lyrics: your own lyrics (then give title and tags too).
            title: the song title.
            tags: styles such as 'lofi, female vocals'.
            wait: wait for the result (true) or return the task id at once (false).
        """
        task = self._client.suno_music(**self._music(description, lyrics, title, tags))
        return self._done(task, wait)

    async def amake_music(
        self, description: str | None = None, lyrics: str | None = None,
        title: str | None = None, tags: str | None = None, wait: bool = True,
    ) -> Any:  # fmt: skip
        """Make a song with Suno from a description or from lyrics."""
        fields = self._music(description, lyrics, title, tags)
        return await self._adone(await self._async_client.suno_music(**fields), wait)

    def make_video(
        self, prompt: str, image: str | None = None, duration: int | None = None,
        wait: bool = True,
    ) -> Any:  # fmt: skip
        """Make a short video from a prompt (optionally from a first-frame image URL); returns
        the video URL, or a task id to check later.

        Args:
            prompt: what happens in the video.
            image: URL of the first frame (optional).
            duration: length in seconds, e.g. 5 (optional).
            wait: wait for the result (true) or return the task id at once (false).
        """
        task = self._client.generate_video(self.video_model, prompt, image=image,
                                           duration=duration)  # fmt: skip
        return self._done(task, wait)

    async def amake_video(
        self, prompt: str, image: str | None = None, duration: int | None = None,
        wait: bool = True,
    ) -> Any:  # fmt: skip
        """Make a short video from a prompt."""
        task = await self._async_client.generate_video(self.video_model, prompt, image=image,
                                                       duration=duration)  # fmt: skip
        return await self._adone(task, wait)

    def check_task(
        self, task_id: str, kind: str, model: str | None = None, wait: bool = False
    ) -> Any:
        """Check a Midjourney, music or video task started earlier: status, progress, results.

        Args:
            task_id: the id a task tool returned.
            kind: 'midjourney', 'suno' or 'video'.
            model: for video, the model it named.
            wait: wait (bounded) for it to finish.
        """
        task = self._client.fetch_task(task_id, kind=kind, model=model or self._video(kind))
        return self._done(task, wait)

    async def acheck_task(
        self, task_id: str, kind: str, model: str | None = None, wait: bool = False
    ) -> Any:
        """Check a Midjourney, music or video task started earlier."""
        task = await self._async_client.fetch_task(task_id, kind=kind,
                                                   model=model or self._video(kind))  # fmt: skip
        return await self._adone(task, wait)

    def _video(self, kind: str) -> str | None:
        return self.video_model if str(kind).lower() == "video" else None
