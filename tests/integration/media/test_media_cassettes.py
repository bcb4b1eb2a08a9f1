"""Every media endpoint family replayed from its cassette, on both clients.

The cassettes are built from documented behaviour (the OpenAI API reference for the routes'
shapes, docs/gateway-behaviour.md §1 and §13 for the gateway-only answers) by
`scripts/build_media_cassettes.py`; see `cassettes/README.md`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from aimhub import AimhubClient, AsyncAimhubClient, SpeechAudio
from aimhub.types import Balance, ImagesResponse, ModerationResponse, Transcription
from tests.integration.media.scenarios import GATEWAY, KEY, SCENARIOS

pytestmark = pytest.mark.vcr


def client(is_async: bool) -> AimhubClient | AsyncAimhubClient:
    if not is_async:
        return AimhubClient(api_key=KEY, base_url=GATEWAY, max_retries=0)
    # httpx's own async transport: vcrpy's aiohttp replay stub drops the response headers
    # (content type, request id). Real aiohttp I/O: tests/unit/core/test_media_aiohttp.py.
    return AsyncAimhubClient(
        api_key=KEY, base_url=GATEWAY, max_retries=0, http_client=httpx.AsyncClient()
    )


def check(name: str, result: Any, tmp: Path) -> None:
    if name == "generate_image":
        assert isinstance(result, ImagesResponse)
        assert result.data[0].url is not None
        assert result.data[0].revised_prompt
    elif name == "edit_image":
        assert result == [tmp / "image-0.png"]
        assert result[0].read_bytes().startswith(b"\x89PNG")
    elif name == "image_variation_unsupported":
        assert result.code == "api_not_implemented"
        assert "edit_image()" in str(result)
    elif name == "speech":
        assert isinstance(result, SpeechAudio)
        assert result.content_type == "audio/mpeg"
        assert result.content.startswith(b"ID3")
    elif name in ("transcribe", "translate"):
        assert isinstance(result, Transcription)
        assert result.text
        if name == "transcribe":
            assert result.language == "english"
            assert result.words
    elif name == "moderate":
        assert isinstance(result, ModerationResponse)
        assert [r.flagged for r in result.results] == [True, False]
    else:
        assert result == Balance(total_granted=25.0, used=7.5, remaining=17.5, unlimited=False)


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_replay(name: str, is_async: bool, tmp_path: Path) -> None:
    gateway = client(is_async)
    result = await SCENARIOS[name](gateway, tmp_path)
    check(name, result, tmp_path)
