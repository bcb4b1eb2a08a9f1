"""Speech, transcription and translation on both clients: bodies, forms, formats, rules."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import pytest

from aimhub import APIConnectionError, APIResponseValidationError, ConfigurationError
from aimhub._byte_stream import AsyncByteStream
from tests.fakes import FakeGateway, call, json_reply, make_client, sse_reply, text_reply
from tests.media_fakes import MP3, fields_of, form_parts

VERBOSE = {
    "task": "transcribe",
    "language": "english",
    "duration": 2.5,
    "text": "Hello there.",
    "segments": [{"id": 0, "start": 0.0, "end": 2.5, "text": "Hello there."}],
    "words": [
        {"word": "Hello", "start": 0.0, "end": 0.6},
        {"word": "there", "start": 0.7, "end": 1.2},
    ],
}


async def test_speech_returns_the_audio_bytes_and_content_type(
    is_async: bool, tmp_path: Path
) -> None:
    gateway = FakeGateway(text_reply(200, MP3, "audio/mpeg"))
    client = make_client(gateway, is_async)
    audio = await call(
        client, "speech", "tts-1-hd", "Hello", "onyx", response_format="mp3", speed=1.5
    )
    assert gateway.requests[0].url.path == "/v1/audio/speech"
    assert gateway.bodies[0] == {
        "model": "tts-1-hd",
        "input": "Hello",
        "voice": "onyx",
        "response_format": "mp3",
        "speed": 1.5,
    }
    assert (audio.content, audio.content_type) == (MP3, "audio/mpeg")
    assert audio.write_to(tmp_path / "a" / "hello.mp3").read_bytes() == MP3
    assert "bytes" in repr(audio)


@pytest.mark.parametrize(
    ("model", "voice", "options", "fix"),
    [
        ("tts-1", "verse", {}, "use one of 'alloy'"),
        ("tts-1", "alloy", {"response_format": "ogg"}, "'mp3', 'opus'"),
        ("tts-1", "alloy", {"speed": 5}, "use 0.25 to 4.0"),
        ("tts-1", "", {}, "voice must be a voice name"),
    ],
)
async def test_speech_rules_are_checked_before_sending(
    is_async: bool, model: str, voice: str, options: dict[str, object], fix: str
) -> None:
    gateway = FakeGateway(text_reply(200, MP3, "audio/mpeg"))
    client = make_client(gateway, is_async)
    with pytest.raises(ConfigurationError, match=fix):
        await call(client, "speech", model, "Hello", voice, **options)
    with pytest.raises(ConfigurationError, match="at most 4096 characters"):
        await call(client, "stream_speech", "tts-1", "x" * 4097, "alloy")
    assert gateway.requests == []


async def test_gpt_4o_mini_tts_takes_its_extra_voices(is_async: bool) -> None:
    gateway = FakeGateway(text_reply(200, MP3, "audio/mpeg"))
    await call(make_client(gateway, is_async), "speech", "gpt-4o-mini-tts", "Hi", "verse")
    assert gateway.bodies[0]["voice"] == "verse"


async def test_speech_answered_with_json_is_an_unexpected_response(is_async: bool) -> None:
    client = make_client(FakeGateway(json_reply(200, {"text": "no audio"})), is_async)
    with pytest.raises(APIResponseValidationError, match="JSON instead of audio"):
        await call(client, "speech", "tts-1", "Hello", "alloy")
    with pytest.raises(APIResponseValidationError, match="JSON instead of audio"):
        await call(client, "stream_speech", "tts-1", "Hello", "alloy")


async def test_stream_speech_hands_out_the_body_chunk_by_chunk(
    is_async: bool, tmp_path: Path
) -> None:
    chunks = [MP3[:10], MP3[10:40], MP3[40:]]
    gateway = FakeGateway(sse_reply(chunks, content_type="audio/mpeg"))
    client = make_client(gateway, is_async)
    stream = await call(client, "stream_speech", "tts-1", "Hello", "alloy")
    assert stream.content_type == "audio/mpeg"
    assert gateway.streams[0].produced == 0  # nothing read before the caller asks
    if isinstance(stream, AsyncByteStream):
        async with stream:
            got = [chunk async for chunk in stream]
    else:
        with stream:
            got = list(stream)
    assert got == chunks
    assert gateway.streams[0].closed
    again = await call(client, "stream_speech", "tts-1", "Hello", "alloy")
    path = await call(again, "write_to", tmp_path / "s.mp3")
    assert path.read_bytes() == MP3


async def test_a_speech_stream_that_breaks_raises_a_connection_error(is_async: bool) -> None:
    broken = [MP3[:10], httpx.ReadError("reset")]
    client = make_client(FakeGateway(sse_reply(broken, content_type="audio/mpeg")), is_async)
    stream = await call(client, "stream_speech", "tts-1", "Hello", "alloy")
    with pytest.raises(APIConnectionError, match="stream broke"):
        await call(stream, "write_to", "/dev/null")


@pytest.mark.parametrize("kind", ["path", "bytes", "file"])
async def test_transcribe_uploads_the_file_and_reads_verbose_json(
    is_async: bool, tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "talk.mp3"
    path.write_bytes(MP3)
    file: object = {"path": path, "bytes": MP3, "file": io.BytesIO(MP3)}[kind]
    gateway = FakeGateway(json_reply(200, VERBOSE))
    client = make_client(gateway, is_async)
    result = await call(
        client,
        "transcribe",
        "whisper-1",
        file,
        language="en",
        response_format="verbose_json",
        timestamp_granularities=["word", "segment"],
    )
    request = gateway.requests[0]
    assert request.url.path == "/v1/audio/transcriptions"
    assert fields_of(request) == {
        "model": ["whisper-1"],
        "language": ["en"],
        "response_format": ["verbose_json"],
        "timestamp_granularities[]": ["word", "segment"],
    }
    [upload] = [p for p in form_parts(request) if p[1]]
    assert upload[0] == "file"
    assert upload[2] == MP3
    assert upload[1] == ("talk.mp3" if kind == "path" else "audio.mp3")
    assert upload[3] == "audio/mpeg"
    assert (result.text, result.language, result.duration) == ("Hello there.", "english", 2.5)
    assert [w.word for w in result.words] == ["Hello", "there"]
    assert result.segments[0].end == 2.5


@pytest.mark.parametrize("content_type", ["text/plain; charset=utf-8", "application/json"])
async def test_text_formats_keep_the_whole_text(is_async: bool, content_type: str) -> None:
    srt = "1\n00:00:00,000 --> 00:00:02,500\nHello there.\n"
    body = (
        srt if content_type.startswith("text") else '{"text": ' + repr(srt).replace("'", '"') + "}"
    )
    client = make_client(FakeGateway(text_reply(200, body, content_type)), is_async)
    result = await call(client, "transcribe", "whisper-1", MP3, response_format="srt")
    assert result.text == srt


async def test_translate_audio_goes_to_translations_and_takes_no_language(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, {"text": "Good morning."}))
    client = make_client(gateway, is_async)
    result = await call(client, "translate_audio", "whisper-1", MP3, prompt="greetings")
    assert gateway.requests[0].url.path == "/v1/audio/translations"
    assert fields_of(gateway.requests[0]) == {"model": ["whisper-1"], "prompt": ["greetings"]}
    assert result.text == "Good morning."


@pytest.mark.parametrize(
    ("model", "options", "fix"),
    [
        ("whisper-1", {"response_format": "xml"}, "'json', 'text'"),
        (
            "whisper-1",
            {"timestamp_granularities": ["word"]},
            "needs response_format='verbose_json'",
        ),
        (
            "whisper-1",
            {"response_format": "verbose_json", "timestamp_granularities": ["char"]},
            "'word', 'segment'",
        ),
        ("gpt-4o-transcribe", {"response_format": "verbose_json"}, "'json', 'text'"),
        (
            "gpt-4o-transcribe",
            {"response_format": "json", "timestamp_granularities": ["word"]},
            "does not take",
        ),
    ],
)
async def test_transcription_rules_are_checked_before_sending(
    is_async: bool, model: str, options: dict[str, object], fix: str
) -> None:
    gateway = FakeGateway(json_reply(200, VERBOSE))
    client = make_client(gateway, is_async)
    with pytest.raises(ConfigurationError, match=fix):
        await call(client, "transcribe", model, MP3, **options)
    assert gateway.requests == []


async def test_audio_over_25_mb_is_refused(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, VERBOSE))
    client = make_client(gateway, is_async)
    with pytest.raises(ConfigurationError, match=r"at most 25 MB, got 25\.0 MB"):
        await call(client, "transcribe", "whisper-1", MP3 + b"\x00" * 25_000_000)
    assert gateway.requests == []
