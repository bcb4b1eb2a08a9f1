"""Task scenarios shared by the replay tests and `scripts/build_task_cassettes.py`.

Each takes a client (sync or async) and returns what the test checks; the answers the builder
serves for them (`ANSWERS`) are the documented shapes of docs/gateway-behaviour.md §14-§16
(`tests/task_fakes.py`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from aimhub import AimhubClient, AsyncAimhubClient, BannedPromptError, TaskNotFoundError
from tests.task_fakes import (
    MJ_BANNED,
    MJ_ID,
    MJ_NOT_FOUND,
    MJ_SUBMITTED,
    SUNO_SUBMITTED,
    mj_task,
    openai_video,
    suno_task,
    wrapped_video,
)

GATEWAY = "https://gateway.example/v1"
KEY = "sk-replay"
UPSCALED = "1320098173412547"

Client = AimhubClient | AsyncAimhubClient


async def _await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def midjourney_imagine_upscale(client: Client) -> Any:
    grid = await _await(client.midjourney_imagine("a lighthouse at dusk --ar 3:2"))
    grid = await _await(client.wait_task(grid))
    button = next(b for b in grid.buttons if b.label == "U2")
    upscale = await _await(client.midjourney_action(grid, button.custom_id))
    return grid, await _await(client.wait_task(upscale))


async def suno_song(client: Client) -> Any:
    task = await _await(client.suno_music(gpt_description_prompt="a lofi song about rain"))
    return await _await(client.wait_task(task))


async def video_generations(client: Client) -> Any:
    task = await _await(client.generate_video("kling-v1", "waves on a beach", duration=5))
    return await _await(client.wait_task(task))


async def video_openai(client: Client) -> Any:
    task = await _await(client.generate_video("sora-2", "waves on a beach", duration=8))
    return await _await(client.wait_task(task))


async def midjourney_not_found(client: Client) -> Any:
    try:
        await _await(client.fetch_task("1", kind="midjourney"))
    except TaskNotFoundError as exc:
        return exc
    raise AssertionError


async def midjourney_banned(client: Client) -> Any:
    try:
        await _await(client.midjourney_imagine("a banned word"))
    except BannedPromptError as exc:
        return exc
    raise AssertionError


SCENARIOS: dict[str, Callable[[Client], Any]] = {
    "midjourney_imagine_upscale": midjourney_imagine_upscale,
    "suno_song": suno_song,
    "video_generations": video_generations,
    "video_openai": video_openai,
    "midjourney_not_found": midjourney_not_found,
    "midjourney_banned": midjourney_banned,
}

_UPSCALE = {
    **mj_task("SUCCESS", "100%"),
    "id": UPSCALED,
    "action": "UPSCALE",
    "buttons": [{"customId": "MJ::upsample::2::abc::SOLO", "label": "Vary (Strong)",
                 "emoji": "🪄", "type": 2, "style": 2}],
    "imageUrl": f"https://gateway.example/mj/image/{UPSCALED}",
}  # fmt: skip

#: `(status, body)` answers, in order, per scenario (the builder serves them).
ANSWERS: dict[str, list[tuple[int, object]]] = {
    "midjourney_imagine_upscale": [
        (200, MJ_SUBMITTED),
        (200, mj_task("SUBMITTED", "0%")),
        (200, mj_task("IN_PROGRESS", "37%")),
        (200, mj_task("SUCCESS", "100%")),
        (200, {**MJ_SUBMITTED, "result": int(UPSCALED)}),
        (200, {**_UPSCALE, "status": "IN_PROGRESS", "progress": "50%"}),
        (200, _UPSCALE),
    ],
    "suno_song": [
        (200, SUNO_SUBMITTED),
        (200, suno_task("QUEUED", "0%")),
        (200, suno_task("IN_PROGRESS", "60%")),
        (200, suno_task("SUCCESS", "100%")),
    ],
    "video_generations": [
        (200, {"task_id": "task_866", "status": "queued"}),
        (200, wrapped_video("IN_PROGRESS", "40%")),
        (200, wrapped_video("SUCCESS", "100%")),
    ],
    "video_openai": [
        (200, openai_video("queued", 0)),
        (200, openai_video("in_progress", 55)),
        (200, openai_video("completed", 100)),
    ],
    "midjourney_not_found": [(400, MJ_NOT_FOUND)],
    "midjourney_banned": [(200, MJ_BANNED)],
}

__all__ = ["ANSWERS", "GATEWAY", "KEY", "MJ_ID", "SCENARIOS"]
