"""The task functions of `AimhubToolSpec(tasks=True)`: bounded wait, submit-now, check-task."""

from __future__ import annotations

import pytest

from aimhub.types import Task, TaskStatus
from llamaindex_aimhub import AimhubToolResult, AimhubToolSpec
from tests.fakes import FakeGateway, json_reply
from tests.task_fakes import (
    MJ_ID,
    MJ_SUBMITTED,
    SUNO_ID,
    install_clock,
    mj_task,
    suno_task,
    wrapped_video,
)
from tests.unit.llamaindex.test_tools import NAMES, connect, run, tools_by_name

TASK_NAMES = ["midjourney", "make_music", "make_video", "check_task"]


def test_task_functions_only_when_asked() -> None:
    gateway = FakeGateway(json_reply(200, {}))
    assert list(tools_by_name(AimhubToolSpec(**connect(gateway)))) == NAMES
    tools = tools_by_name(AimhubToolSpec(**connect(gateway), tasks=True))
    assert list(tools) == [*NAMES, *TASK_NAMES]
    schema = tools["check_task"].metadata.get_parameters_dict()
    assert schema["required"] == ["task_id", "kind"]
    assert all(tools[name].async_fn is not None for name in TASK_NAMES)


async def test_imagine_then_upscale_by_label(
    is_async: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_clock(monkeypatch)
    gateway = FakeGateway(
        json_reply(200, MJ_SUBMITTED),
        json_reply(200, mj_task("SUCCESS", "100%")),
        json_reply(200, mj_task("SUCCESS", "100%")),
        json_reply(200, {**MJ_SUBMITTED, "result": "88"}),
    )
    tools = tools_by_name(AimhubToolSpec(**connect(gateway), tasks=True, midjourney_mode="relax"))
    drawn = await run(tools["midjourney"], is_async, prompt="a cat")
    result = drawn.raw_output
    assert isinstance(result, AimhubToolResult)
    assert isinstance(result.artifact, Task)
    assert result.artifact.status is TaskStatus.SUCCEEDED
    assert f"/mj/image/{MJ_ID}" in str(drawn)
    upscale = await run(tools["midjourney"], is_async, task_id=MJ_ID, button="U3", wait=False)
    assert upscale.raw_output.artifact.id == "88"
    assert gateway.requests[3].url.path == "/mj-relax/mj/submit/action"
    assert gateway.bodies[3]["customId"] == "MJ::JOB::upsample::3::abc"


async def test_bounded_wait_then_check_task(
    is_async: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = install_clock(monkeypatch)
    gateway = FakeGateway(
        json_reply(200, {"code": "success", "data": SUNO_ID}),
        json_reply(200, suno_task("IN_PROGRESS", "10%")),  # polled at 5 s
        json_reply(200, suno_task("IN_PROGRESS", "20%")),  # and at the 10 s bound
        json_reply(200, suno_task("IN_PROGRESS", "30%")),
        json_reply(200, suno_task("SUCCESS", "100%")),
    )
    spec = AimhubToolSpec(**connect(gateway), tasks=True, task_wait_timeout=10)
    tools = tools_by_name(spec)
    song = await run(tools["make_music"], is_async, description="rain, lofi")
    assert clock.sleeps == [5.0, 5.0]
    assert song.raw_output.artifact.progress == 20.0
    assert f"task_id='{SUNO_ID}', kind='suno'" in str(song)
    still = await run(tools["check_task"], is_async, task_id=SUNO_ID, kind="suno")
    assert still.raw_output.artifact.progress == 30.0
    done = await run(tools["check_task"], is_async, task_id=SUNO_ID, kind="suno")
    assert "https://cdn1.suno.ai/clip-2.mp3" in str(done)
    assert [r.method for r in gateway.requests].count("POST") == 1


async def test_video_check_uses_the_spec_model(
    is_async: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_clock(monkeypatch)
    gateway = FakeGateway(json_reply(200, wrapped_video("SUCCESS", "100%")))
    tools = tools_by_name(AimhubToolSpec(**connect(gateway), tasks=True, video_model="kling-v1"))
    done = await run(tools["check_task"], is_async, task_id="task_866", kind="video")
    assert gateway.requests[0].url.path == "/v1/video/generations/task_866"
    assert "https://cdn.klingai.test/v1.mp4" in str(done)
