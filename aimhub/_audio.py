"""Audio: speech (text to audio bytes), transcription and translation (audio to text)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from pydantic_core import from_json

from aimhub._calls import Call, FileInput, binary_body, read_upload
from aimhub._capabilities import ModelCapabilities
from aimhub._catalog import capabilities_for
from aimhub._error_parse import request_id_of
from aimhub._exceptions import ConfigurationError
from aimhub._media_rules import check_choice, check_length, check_size, check_speed
from aimhub._response import parse_response
from aimhub._routes import SPEECH, TRANSCRIPTIONS, TRANSLATIONS, Route
from aimhub.types import Transcription

__all__ = ["SpeechAudio", "speech_call"]


#: Formats answered as plain text rather than JSON.
_TEXT_FORMATS = frozenset({"text", "srt", "vtt"})


@dataclass(frozen=True)
class SpeechAudio:
    """Generated audio: the bytes and their content type (`audio/mpeg` for mp3).

    Attributes:
        content: the audio file's bytes.
        content_type: as the gateway sent it.
        request_id: the gateway's request id.
    """

    content: bytes
    content_type: str
    request_id: str | None = None

    def write_to(self, path: str | Path) -> Path:
        """Write the audio to `path` (parents created); returns the path."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(self.content)
        return target

    def __repr__(self) -> str:
        return f"SpeechAudio({len(self.content)} bytes, {self.content_type!r})"


def speech_call(
    model: str,
    input: str,
    voice: str,
    *,
    response_format: str | None = None,
    speed: float | None = None,
    capabilities: ModelCapabilities | None = None,
    extra: dict[str, Any] | None = None,
) -> Call[SpeechAudio]:
    """`POST /audio/speech`, after the model's voice, format, speed and length rules."""
    rules = (capabilities or capabilities_for(model)).media
    check_length(model, "input", input, rules.speech_max_input_chars)
    if not isinstance(voice, str) or not voice:
        msg = f"voice must be a voice name such as 'alloy', got {voice!r}"
        raise ConfigurationError(msg)
    check_choice(model, "voice", voice, rules.speech_voices)
    check_choice(model, "response_format", response_format, rules.speech_formats)
    check_speed(model, speed, rules.speech_speed_range)
    body = {
        **(extra or {}),
        "model": model,
        "input": input,
        "voice": voice,
        **{k: v for k, v in (("response_format", response_format), ("speed", speed)) if v},
    }
    return Call(SPEECH, _parse_speech, body)


def _parse_speech(response: httpx.Response) -> SpeechAudio:
    content, content_type = binary_body(SPEECH, response)
    return SpeechAudio(content, content_type, request_id_of(response))


def transcription_call(
    model: str,
    file: FileInput,
    *,
    translate: bool = False,
    language: str | None = None,
    prompt: str | None = None,
    response_format: str | None = None,
    temperature: float | None = None,
    timestamp_granularities: Sequence[str] | None = None,
    capabilities: ModelCapabilities | None = None,
    extra: dict[str, Any] | None = None,
) -> Call[Transcription]:
    """`POST /audio/transcriptions` (or `/translations`: to English), multipart."""
    rules = (capabilities or capabilities_for(model)).media
    check_choice(model, "response_format", response_format, rules.transcription_formats)
    if timestamp_granularities:
        _check_timestamps(model, translate, response_format, timestamp_granularities, rules)
    if translate and language is not None:
        msg = "translate_audio() always answers in English and takes no `language`; drop it"
        raise ConfigurationError(msg)
    upload = read_upload(file, what="audio", default_name="audio.mp3")
    check_size(model, "audio", len(upload.content), rules.audio_max_upload_bytes)
    fields = {
        **(extra or {}),
        "model": model,
        "language": language,
        "prompt": prompt,
        "response_format": response_format,
        "temperature": temperature,
    }
    if timestamp_granularities:
        fields["timestamp_granularities[]"] = list(timestamp_granularities)
    route = TRANSLATIONS if translate else TRANSCRIPTIONS
    as_text = response_format in _TEXT_FORMATS

    def parse(response: httpx.Response) -> Transcription:
        return _parse_transcription(route, response, as_text=as_text)

    return Call(route, parse, fields, [("file", upload)])


def _check_timestamps(
    model: str,
    translate: bool,
    response_format: str | None,
    granularities: Sequence[str],
    rules: Any,
) -> None:
    if isinstance(granularities, str):
        msg = "timestamp_granularities is a list, e.g. ['word'] or ['word', 'segment']"
        raise TypeError(msg)
    for value in granularities:
        check_choice(model, "timestamp_granularities", value, ("word", "segment"))
    if translate or not rules.transcription_timestamps:
        where = "translate_audio()" if translate else f"model {model!r}"
        msg = f"{where} does not take timestamp_granularities; drop them"
        raise ConfigurationError(msg)
    if response_format != "verbose_json":
        msg = (
            "timestamp_granularities needs response_format='verbose_json' (the OpenAI reference); "
            "set it, or drop the timestamps"
        )
        raise ConfigurationError(msg)


def _parse_transcription(
    route: Route[Transcription], response: httpx.Response, *, as_text: bool
) -> Transcription:
    if not as_text:
        return parse_response(route.endpoint, response)
    text = response.text
    if "json" in response.headers.get("content-type", ""):
        # Some relays wrap even `text` answers as {"text": ...}: keep the text either way.
        try:
            payload = from_json(text)
        except ValueError:
            payload = None
        if isinstance(payload, dict) and isinstance(payload.get("text"), str):
            text = payload["text"]
    result = Transcription(text=text)
    result._request_id = request_id_of(response)
    return result
