"""Media parts: images, audio and files in the wire form the model's upstream accepts."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from typing import Any, Literal

from aimhub._capabilities import ModelCapabilities
from aimhub._exceptions import ConfigurationError

__all__ = ["MediaBlock", "media_part"]

MediaKind = Literal["image", "audio", "file", "video"]

_CAPABILITY = {
    "image": ("vision", "image"),
    "audio": ("audio_input", "audio"),
    "file": ("pdf_input", "PDF/file"),
    "video": ("video_input", "video"),
}
_AUDIO_FORMATS = {
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/wave": "wav",
    "audio/mpeg": "mp3",
    "audio/mp3": "mp3",
}


@dataclass(frozen=True)
class MediaBlock:
    """A framework-neutral media block: a URL, base64 data with its MIME type, or (files) the
    id of a file uploaded to the gateway."""

    kind: MediaKind
    url: str | None = None
    data: str | None = None
    mime_type: str | None = None
    filename: str | None = None
    detail: str | None = None
    file_id: str | None = None

    def data_url(self) -> str:
        """A `data:` URL, or the URL as given."""
        if self.url:
            return self.url
        mime = self.mime_type or _default_mime(self.kind)
        return f"data:{mime};base64,{self.data}"


def _default_mime(kind: MediaKind) -> str:
    return {
        "image": "image/png",
        "audio": "audio/wav",
        "file": "application/pdf",
        "video": "video/mp4",
    }[kind]


def _default_filename(mime_type: str | None) -> str:
    extension = mimetypes.guess_extension(mime_type or "application/pdf", strict=False)
    return f"document{extension or '.bin'}"


def media_part(
    block: MediaBlock, caps: ModelCapabilities, model: str, where: str
) -> dict[str, Any]:
    """The Chat Completions content part for `block`, or a clear error if the model cannot take it.

    Args:
        where: names the block for error messages, e.g. "message 2, block 1".
    """
    field, label = _CAPABILITY[block.kind]
    if not getattr(caps, field):
        msg = (
            f"{model} does not take {label} input ({where}). Use a model that does, or pass "
            f"capabilities={{'{field}': True}} if your gateway supports it for this model."
        )
        raise ConfigurationError(msg)
    if block.kind == "file" and block.file_id:
        file: dict[str, Any] = {"file_id": block.file_id}
        if block.filename:
            file["filename"] = block.filename
        return {"type": "file", "file": file}
    if not block.url and not block.data:
        if block.file_id:
            msg = (
                f"the {label} block at {where} refers to an uploaded file ({block.file_id}); "
                f"only file blocks can: give the {label} as a URL or base64 data"
            )
        else:
            msg = f"the {label} block at {where} has neither a URL nor base64 data"
        raise ConfigurationError(msg)
    if block.kind == "image" or caps.media_via_image_url:
        image: dict[str, Any] = {"url": block.data_url()}
        if block.detail:
            image["detail"] = block.detail
        return {"type": "image_url", "image_url": image}
    if block.kind == "audio":
        return _audio_part(block, model, where)
    if block.kind == "file":
        return _file_part(block, model, where)
    return {"type": "video_url", "video_url": {"url": block.data_url()}}


def _file_part(block: MediaBlock, model: str, where: str) -> dict[str, Any]:
    # Chat Completions' `file` part takes `file_data` or `file_id`; a URL is not fetched.
    if not block.data:
        msg = (
            f"{model} takes files as base64 data or an uploaded file id, not a URL ({where}): "
            "download the file and pass its bytes, or upload it (POST /v1/files) and pass "
            "its file_id."
        )
        raise ConfigurationError(msg)
    # OpenAI rejects inline file data without a filename (openai-agents-python#1513).
    filename = block.filename or _default_filename(block.mime_type)
    return {"type": "file", "file": {"file_data": block.data_url(), "filename": filename}}


def _audio_part(block: MediaBlock, model: str, where: str) -> dict[str, Any]:
    # OpenAI's `input_audio` takes base64 wav/mp3 only; URLs work only via image_url (Gemini).
    if not block.data:
        msg = (
            f"{model} takes audio only as base64 data (input_audio), not a URL ({where}); "
            "download the file and pass its bytes."
        )
        raise ConfigurationError(msg)
    fmt = _AUDIO_FORMATS.get((block.mime_type or "audio/wav").lower())
    if fmt is None:
        msg = f"audio at {where} is {block.mime_type}; {model} takes wav or mp3 audio only"
        raise ConfigurationError(msg)
    return {"type": "input_audio", "input_audio": {"data": block.data, "format": fmt}}
