"""One scenario per media endpoint family, shared by the replay tests and the cassette builder.

Each takes a client (sync or async, any transport) and returns what the test checks.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aimhub import AimhubClient, AsyncAimhubClient, UnsupportedEndpointError

#: The reserved host the cassettes were built for; the key is filtered out of every file.
GATEWAY = "https://gateway.example/v1"
KEY = "sk-replay"
#: Tiny stand-ins: a PNG signature and an MP3 (ID3) header, enough for the shapes.
PNG = b"\x89PNG\r\n\x1a\n" + bytes(24)
MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 8

Client = AimhubClient | AsyncAimhubClient


async def _await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def generate_image(client: Client, tmp: Path) -> Any:
    return await _await(
        client.generate_image("dall-e-3", "a red fox in the snow", size="1024x1024")
    )


async def edit_image(client: Client, tmp: Path) -> Any:
    images = await _await(
        client.edit_image("dall-e-2", PNG, "give the fox a scarf", n=1, response_format="b64_json")
    )
    return await _await(client.save_images(images, tmp))


async def image_variation_unsupported(client: Client, tmp: Path) -> Any:
    try:
        await _await(client.create_image_variation("dall-e-2", PNG))
    except UnsupportedEndpointError as exc:
        return exc
    raise AssertionError("expected UnsupportedEndpointError")


async def speech(client: Client, tmp: Path) -> Any:
    return await _await(client.speech("tts-1", "Hello from the gateway.", "alloy"))


async def transcribe(client: Client, tmp: Path) -> Any:
    return await _await(
        client.transcribe(
            "whisper-1",
            MP3,
            language="en",
            response_format="verbose_json",
            timestamp_granularities=["word"],
        )
    )


async def translate(client: Client, tmp: Path) -> Any:
    return await _await(client.translate_audio("whisper-1", MP3, response_format="text"))


async def moderate(client: Client, tmp: Path) -> Any:
    return await _await(client.moderate(["I will hurt you", "Have a nice day"]))


async def balance(client: Client, tmp: Path) -> Any:
    return await _await(client.balance())


SCENARIOS: dict[str, Callable[[Client, Path], Any]] = {
    "generate_image": generate_image,
    "edit_image": edit_image,
    "image_variation_unsupported": image_variation_unsupported,
    "speech": speech,
    "transcribe": transcribe,
    "translate": translate,
    "moderate": moderate,
    "balance": balance,
}
