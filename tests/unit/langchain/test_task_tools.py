"""The LangChain task tools: wait-until-done (bounded) and submit-now, check-task, artifacts."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.exceptions import ModelInvalidRequestError

from aimhub.types import Task, TaskStatus
from langchain_aimhub import (
    AimhubCheckTaskTool,
    AimhubMidjourneyTool,
    AimhubMusicTool,
    AimhubToolkit,
    AimhubVideoTool,
)
from tests.fakes import FakeGateway, json_reply
from tests.task_fakes import (
    MJ_BANNED,
    MJ_ID,
    MJ_SUBMITTED,
    SUNO_ID,
    install_clock,
    mj_task,
    openai_video,
    suno_task,
)
from tests.unit.langchain.test_tools import connect, invoke


@pytest.fixture(params=[False, True], ids=["sync", "async"])
def is_async(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


async def test_imagine_waits_until_done_and_returns_the_task_as_artifact(
    is_async: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_clock(monkeypatch)
    gateway = FakeGateway(
        json_reply(200, MJ_SUBMITTED),
        json_reply(200, mj_task("IN_PROGRESS", "50%")),
        json_reply(200, mj_task("SUCCESS", "100%")),
    )
    tool = AimhubMidjourneyTool(**connect(gateway), mode="fast")
    message = await invoke(tool, is_async, prompt="a cat --ar 2:3")
    assert isinstance(message.artifact, Task)
    assert message.artifact.status is TaskStatus.SUCCEEDED
    assert f"/mj/image/{MJ_ID}" in message.content
    assert "actions: U1, U2, U3, U4" in message.content
    assert gateway.requests[0].url.path == "/mj-fast/mj/submit/imagine"


async def test_a_bounded_wait_answers_with_the_id_to_check_later(
    is_async: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = install_clock(monkeypatch)
    gateway = FakeGateway(
        json_reply(200, MJ_SUBMITTED), json_reply(200, mj_task("IN_PROGRESS", "20%"))
    )
    tool = AimhubMidjourneyTool(**connect(gateway), wait_timeout=60)
    message = await invoke(tool, is_async, prompt="a cat")
    assert sum(clock.sleeps) == pytest.approx(60)
    assert message.artifact.status is TaskStatus.IN_PROGRESS
    assert f"task_id='{MJ_ID}', kind='midjourney'" in message.content
    assert "do not submit it again" in message.content
    assert [r.method for r in gateway.requests].count("POST") == 1


async def test_submit_now_then_check_task_then_press_a_button(
    is_async: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_clock(monkeypatch)
    gateway = FakeGateway(
        json_reply(200, MJ_SUBMITTED),  # imagine, not waited for
        json_reply(200, mj_task("SUCCESS", "100%")),  # check_task
        json_reply(200, mj_task("SUCCESS", "100%")),  # the action tool reads the buttons
        json_reply(200, {**MJ_SUBMITTED, "result": "77"}),  # upscale submitted
    )
    connection = connect(gateway)
    draw = AimhubMidjourneyTool(**connection)
    submitted = await invoke(draw, is_async, prompt="a cat", wait=False)
    assert submitted.artifact.status is TaskStatus.QUEUED
    assert len(gateway.requests) == 1
    checked = await invoke(AimhubCheckTaskTool(**connection), is_async, task_id=MJ_ID,
                           kind="midjourney")  # fmt: skip
    assert checked.artifact.status is TaskStatus.SUCCEEDED
    upscale = await invoke(draw, is_async, task_id=MJ_ID, button="U2", wait=False)
    assert upscale.artifact.id == "77"
    assert gateway.bodies[3] == {"taskId": MJ_ID, "customId": "MJ::JOB::upsample::2::abc"}


async def test_bad_arguments_go_back_to_the_agent(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, mj_task("SUCCESS", "100%")))
    tool = AimhubMidjourneyTool(**connect(gateway))
    message = await invoke(tool, is_async, task_id=MJ_ID)
    assert "give either prompt" in message.content
    message = await invoke(tool, is_async, task_id=MJ_ID, button="U9")
    assert "has no button 'U9'" in message.content


async def test_a_banned_prompt_is_a_langchain_error(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, MJ_BANNED))
    tool = AimhubMidjourneyTool(**connect(gateway))
    with pytest.raises(ModelInvalidRequestError, match="Banned prompt"):
        await invoke(tool, is_async, prompt="something banned")


async def test_music_and_a_failed_song(is_async: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    install_clock(monkeypatch)
    failed = suno_task("FAILURE", "100%", fail_reason="flagged")
    gateway = FakeGateway(json_reply(200, {"code": "success", "data": SUNO_ID}),
                          json_reply(200, suno_task("SUCCESS", "100%")),
                          json_reply(200, {"code": "success", "data": SUNO_ID}),
                          json_reply(200, failed))  # fmt: skip
    tool = AimhubMusicTool(**connect(gateway), mv="chirp-v3-5")
    song = await invoke(tool, is_async, description="a lofi song about rain", instrumental=True)
    assert gateway.bodies[0] == {"gpt_description_prompt": "a lofi song about rain",
                                 "make_instrumental": True, "mv": "chirp-v3-5"}  # fmt: skip
    assert "https://cdn1.suno.ai/clip-1.mp3" in song.content
    bad = await invoke(tool, is_async, lyrics="[Verse] rain", title="Rain")
    assert bad.artifact.status is TaskStatus.FAILED
    assert "failed — flagged" in bad.content


async def test_video_tool_uses_the_models_route(
    is_async: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_clock(monkeypatch)
    gateway = FakeGateway(json_reply(200, openai_video("queued", 0)),
                          json_reply(200, openai_video("completed", 100)))  # fmt: skip
    tool = AimhubVideoTool(**connect(gateway), model="sora-2", size="1280x720")
    message = await invoke(tool, is_async, prompt="a wave", duration=8)
    assert gateway.requests[0].url.path == "/v1/videos"
    assert gateway.bodies[0] == {"model": "sora-2", "prompt": "a wave", "seconds": "8",
                                 "size": "1280x720"}  # fmt: skip
    assert "/content" in message.content


def test_the_toolkit_adds_task_tools_when_asked() -> None:
    gateway = FakeGateway(json_reply(200, {}))
    names = [t.name for t in AimhubToolkit(**connect(gateway)).get_tools()]
    assert "aimhub_midjourney" not in names
    tools: list[Any] = AimhubToolkit(**connect(gateway), tasks=True, task_wait_timeout=30,
                                     video_model="sora-2").get_tools()  # fmt: skip
    by_name = {t.name: t for t in tools}
    assert {"aimhub_midjourney", "aimhub_make_music", "aimhub_make_video",
            "aimhub_check_task"} <= set(by_name)  # fmt: skip
    assert by_name["aimhub_make_video"].model_name == "sora-2"
    assert by_name["aimhub_check_task"].wait_timeout == 30
    assert isinstance(by_name["aimhub_check_task"], AimhubCheckTaskTool)
