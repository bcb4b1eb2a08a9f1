"""Task payloads as docs/gateway-behaviour.md §14-§16 documents them, and a fake clock.

Shared by the task unit tests, the loopback test and the cassette builder, so that every fake
answer comes from the documented wire formats.
"""

from __future__ import annotations

from typing import Any

import pytest

import aimhub._task_client
import aimhub._task_poll

MJ_ID = "1320098173412546"
MJ_SUBMITTED = {"code": 1, "description": "提交成功", "properties": {}, "result": 1320098173412546}
MJ_BANNED = {"code": 24, "description": "可能包含敏感词", "properties": {}, "result": None}
MJ_QUEUE_FULL = {"code": 23, "description": "队列已满,请稍后尝试", "result": None}
MJ_NOT_FOUND = {"description": "task_no_found ", "type": "upstream_error", "code": 4}
MJ_BUTTONS = [
    {"customId": f"MJ::JOB::upsample::{i}::abc", "emoji": "", "label": f"U{i}", "type": 2,
     "style": 2}
    for i in (1, 2, 3, 4)
]  # fmt: skip


def mj_task(status: str, progress: str, **extra: Any) -> dict[str, Any]:
    """A `/mj/task/{id}/fetch` answer (§14)."""
    return {
        "id": MJ_ID,
        "action": "IMAGINE",
        "status": status,
        "progress": progress,
        "imageUrl": f"https://gateway.test/mj/image/{MJ_ID}?rand=1" if status != "SUCCESS"
        else f"https://gateway.test/mj/image/{MJ_ID}",
        "prompt": "a cat --ar 2:3",
        "promptEn": "a cat --ar 2:3",
        "description": "",
        "state": "",
        "submitTime": 1700000000000,
        "startTime": 1700000001000,
        "finishTime": 1700000060000 if status in ("SUCCESS", "FAILURE") else 0,
        "failReason": extra.pop("failReason", ""),
        "buttons": MJ_BUTTONS if status == "SUCCESS" else [],
        "properties": {"finalPrompt": "a cat --ar 2:3", "finalZhPrompt": ""},
        **extra,
    }  # fmt: skip


SUNO_ID = "736a6f88-bd29-4b1e-b110-37132a5325ac"
SUNO_SUBMITTED = {"code": "success", "message": "", "data": SUNO_ID}
SUNO_QUOTA = {"code": "quota_not_enough", "message": "用户额度不足", "data": None}
SUNO_NOT_FOUND = {"code": "task_not_exist", "message": "task_not_exist", "data": None}


def suno_task(status: str, progress: str, **extra: Any) -> dict[str, Any]:
    """A `/suno/fetch/{id}` answer (§15)."""
    clips = [
        {"id": f"clip-{i}", "audio_url": f"https://cdn1.suno.ai/clip-{i}.mp3",
         "video_url": f"https://cdn1.suno.ai/clip-{i}.mp4",
         "image_url": f"https://cdn1.suno.ai/image_clip-{i}.png", "title": "Rain",
         "tags": "lofi", "status": "complete"}
        for i in (1, 2)
    ] if status == "SUCCESS" else []  # fmt: skip
    return {
        "code": "success",
        "message": "",
        "data": {
            "task_id": SUNO_ID,
            "action": "MUSIC",
            "status": status,
            "fail_reason": extra.pop("fail_reason", ""),
            "submit_time": 1700000000,
            "start_time": 1700000002,
            "finish_time": 1700000090 if status == "SUCCESS" else 0,
            "progress": progress,
            "data": clips,
            **extra,
        },
    }


VIDEO_ID = "video_68d7512d07848190b3e45da0ecbebcde004da08e1e0678d5"


def openai_video(status: str, progress: int, **extra: Any) -> dict[str, Any]:
    """The OpenAI video object (§16)."""
    return {
        "id": VIDEO_ID,
        "object": "video",
        "model": "sora-2",
        "status": status,
        "progress": progress,
        "created_at": 1712697600,
        "completed_at": 1712697700 if status == "completed" else None,
        "seconds": "8",
        "size": "1280x720",
        **extra,
    }


def wrapped_video(status: str, progress: str, **extra: Any) -> dict[str, Any]:
    """The task wrapper of `/v1/video/generations/{id}` (§16), a Kling upstream inside."""
    upstream = {
        "task_id": "kling-866",
        "task_status": "succeed" if status == "SUCCESS" else "processing",
        "task_result": {"videos": [{"id": "v1", "url": "https://cdn.klingai.test/v1.mp4",
                                    "duration": "5"}]} if status == "SUCCESS" else {},
    }  # fmt: skip
    return {
        "code": "success",
        "message": "",
        "data": {"task_id": "task_866", "status": status, "progress": progress,
                 "fail_reason": extra.pop("fail_reason", ""), "data": upstream, **extra},
    }  # fmt: skip


class FakeClock:
    """`monotonic()` that only moves when the poller sleeps; every sleep is recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, delay: float) -> None:
        self.sleeps.append(delay)
        self.now += delay

    async def asleep(self, delay: float) -> None:
        self.sleep(delay)


def install_clock(monkeypatch: pytest.MonkeyPatch, jitter: float = 0.5) -> FakeClock:
    """Fake the poller's clock, sleeps and jitter (0.5: the delays without their spread)."""
    clock = FakeClock()
    monkeypatch.setattr(aimhub._task_poll, "monotonic", clock)
    monkeypatch.setattr(aimhub._task_poll, "jitter", lambda: jitter)
    monkeypatch.setattr(aimhub._task_client, "_sleep", clock.sleep)
    monkeypatch.setattr(aimhub._task_client, "_asleep", clock.asleep)
    return clock
