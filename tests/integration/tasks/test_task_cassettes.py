"""Midjourney, Suno and video task flows replayed from cassettes, on both clients.

The cassettes are built from documented behaviour (docs/gateway-behaviour.md §14-§16) by
`scripts/build_task_cassettes.py`; see `cassettes/README.md`. Polling waits are faked.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from aimhub import AimhubClient, AsyncAimhubClient, BannedPromptError, TaskNotFoundError
from aimhub.types import TaskStatus
from tests.integration.tasks.scenarios import GATEWAY, KEY, MJ_ID, SCENARIOS
from tests.task_fakes import install_clock

pytestmark = pytest.mark.vcr


def client(is_async: bool) -> AimhubClient | AsyncAimhubClient:
    if not is_async:
        return AimhubClient(api_key=KEY, base_url=GATEWAY, max_retries=0)
    # httpx's own async transport: vcrpy's aiohttp replay stub drops the response headers.
    return AsyncAimhubClient(
        api_key=KEY, base_url=GATEWAY, max_retries=0, http_client=httpx.AsyncClient()
    )


def check(name: str, result: Any) -> None:
    if name == "midjourney_imagine_upscale":
        grid, upscale = result
        assert grid.id == MJ_ID
        assert len(grid.buttons) == 4
        assert upscale.status is TaskStatus.SUCCEEDED
        assert upscale.action == "UPSCALE"
        assert upscale.image_urls == [f"https://gateway.example/mj/image/{upscale.id}"]
    elif name == "suno_song":
        assert result.status is TaskStatus.SUCCEEDED
        assert len(result.audio_urls) == 2
    elif name == "video_generations":
        assert result.route == "generations"
        assert result.video_urls == ["https://cdn.klingai.test/v1.mp4"]
    elif name == "video_openai":
        assert result.route == "openai"
        assert result.video_urls == [f"{GATEWAY}/videos/{result.id}/content"]
    elif name == "midjourney_not_found":
        assert isinstance(result, TaskNotFoundError)
        assert result.status_code == 400
    else:
        assert isinstance(result, BannedPromptError)
        assert result.code == 24


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_replay(name: str, is_async: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    install_clock(monkeypatch)
    check(name, await SCENARIOS[name](client(is_async)))
