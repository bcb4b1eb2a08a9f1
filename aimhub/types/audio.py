"""Transcription and translation wire models (`POST /audio/transcriptions`, `/translations`)."""

from __future__ import annotations

from pydantic import Field

from aimhub.types._base import NullableList, ResponseModel, WireModel


class TranscriptionSegment(WireModel):
    """One segment of a `verbose_json` answer (times in seconds)."""

    id: int | None = None
    start: float | None = None
    end: float | None = None
    text: str = ""


class TranscriptionWord(WireModel):
    """One word of a `verbose_json` answer with `timestamp_granularities=["word"]`."""

    word: str = ""
    start: float | None = None
    end: float | None = None


class Transcription(ResponseModel):
    """The text of an audio file, with what the response format carries besides.

    For `text`, `srt` and `vtt` the gateway answers plain text, kept whole in `text` (subtitles
    included); `language`, `duration`, `segments` and `words` come with `verbose_json` only.
    """

    text: str = ""
    language: str | None = None
    duration: float | None = None
    segments: NullableList[TranscriptionSegment] = Field(default_factory=list)
    words: NullableList[TranscriptionWord] = Field(default_factory=list)
