"""Multipart uploads and streamed speech over the default async transport (aiohttp), for real."""

from __future__ import annotations

from pathlib import Path

from aimhub import AsyncAimhubClient
from aimhub._aiohttp import AiohttpTransport
from tests.loopback import LoopbackGateway
from tests.media_fakes import MP3, parse_form


def client_for(base: str, mode: str) -> AsyncAimhubClient:
    return AsyncAimhubClient(api_key="sk-test", base_url=f"{base}/{mode}/v1", max_retries=0)


async def test_a_transcription_upload_arrives_as_multipart_over_aiohttp(loopback: str) -> None:
    client = client_for(loopback, "upload")
    assert isinstance(client._http._transport, AiohttpTransport)
    result = await client.transcribe("whisper-1", MP3, language="en")
    [(content_type, body)] = LoopbackGateway.uploads
    parts = parse_form(content_type, body)
    assert [(name, filename) for name, filename, _, _ in parts] == [
        ("model", None),
        ("language", None),
        ("file", "audio.mp3"),
    ]
    assert parts[2][2] == MP3
    assert result.text == f"{len(body)} bytes"
    await client.close()


async def test_streamed_speech_arrives_in_chunks_over_aiohttp(
    loopback: str, tmp_path: Path
) -> None:
    client = client_for(loopback, "audio")
    stream = await client.stream_speech("tts-1", "Hello", "alloy")
    assert stream.content_type == "audio/mpeg"
    async with stream:
        chunks = [chunk async for chunk in stream]
    assert b"".join(chunks) == b"".join(b"ID3" + bytes([i]) * 1000 for i in range(5))
    path = await (await client.stream_speech("tts-1", "Hello", "alloy")).write_to(
        tmp_path / "a.mp3"
    )
    assert path.stat().st_size == 5 * 1003
    await client.close()
