"""Images: generation, edits, variations (OpenAI image format), checked against the catalogue."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from aimhub._calls import Call, FileInput, Upload, read_upload
from aimhub._capabilities import ModelCapabilities
from aimhub._catalog import capabilities_for
from aimhub._exceptions import APIResponseValidationError, ConfigurationError
from aimhub._media_rules import MediaRules, check_choice, check_count, check_length, check_size
from aimhub._response import parse_response
from aimhub._routes import IMAGE_EDITS, IMAGE_GENERATIONS, IMAGE_VARIATIONS
from aimhub.types import Image, ImagesResponse

__all__ = [
    "edit_call",
    "generation_call",
    "variation_call",
]


def _rules(model: str, capabilities: ModelCapabilities | None) -> MediaRules:
    return (capabilities or capabilities_for(model)).media


def _check_common(
    model: str, rules: MediaRules, n: int | None, size: str | None, response_format: str | None
) -> None:
    check_count(model, n, rules.image_max_n)
    check_choice(model, "size", size, rules.image_sizes)
    check_choice(model, "response_format", response_format, rules.image_response_formats)


def _options(**values: Any) -> dict[str, Any]:
    # Only what the caller set is sent: the upstream's defaults stay the upstream's.
    return {k: v for k, v in values.items() if v is not None}


def _parse_images(response: httpx.Response) -> ImagesResponse:
    return parse_response(IMAGE_GENERATIONS.endpoint, response)


def generation_call(
    model: str,
    prompt: str,
    *,
    n: int | None = None,
    size: str | None = None,
    quality: str | None = None,
    style: str | None = None,
    response_format: str | None = None,
    capabilities: ModelCapabilities | None = None,
    extra: dict[str, Any] | None = None,
) -> Call[ImagesResponse]:
    """`POST /images/generations`, after the model's rules (see `MediaRules`)."""
    rules = _rules(model, capabilities)
    check_length(model, "prompt", prompt, rules.image_prompt_max_chars)
    _check_common(model, rules, n, size, response_format)
    check_choice(model, "quality", quality, rules.image_qualities)
    check_choice(model, "style", style, rules.image_styles)
    body = {
        **(extra or {}),
        "model": model,
        "prompt": prompt,
        **_options(n=n, size=size, quality=quality, style=style, response_format=response_format),
    }
    return Call(IMAGE_GENERATIONS, _parse_images, body)


def _uploads(
    model: str, rules: MediaRules, images: FileInput | Sequence[FileInput], field: str
) -> list[tuple[str, Upload]]:
    many = isinstance(images, (list, tuple))
    files: list[Any] = list(images) if isinstance(images, (list, tuple)) else [images]
    if not files:
        msg = "pass at least one image"
        raise ConfigurationError(msg)
    if len(files) > rules.image_max_inputs:
        msg = (
            f"model {model!r} takes at most {rules.image_max_inputs} image(s) per request, "
            f"got {len(files)}; send one image, or use a model that takes several (gpt-image-1)"
        )
        raise ConfigurationError(msg)
    uploads = [read_upload(f, what="image", default_name="image.png") for f in files]
    for upload in uploads:
        check_size(model, "image", len(upload.content), rules.image_max_upload_bytes)
    # Several images go as `image[]`, as the OpenAI reference shows for gpt-image-1.
    name = f"{field}[]" if many else field
    return [(name, upload) for upload in uploads]


def _refuse_route(model: str, what: str, fix: str) -> ConfigurationError:
    return ConfigurationError(f"model {model!r} does not support image {what}; {fix}")


def edit_call(
    model: str,
    image: FileInput | Sequence[FileInput],
    prompt: str,
    *,
    mask: FileInput | None = None,
    n: int | None = None,
    size: str | None = None,
    quality: str | None = None,
    response_format: str | None = None,
    capabilities: ModelCapabilities | None = None,
    extra: dict[str, Any] | None = None,
) -> Call[ImagesResponse]:
    """`POST /images/edits` (multipart): the image(s), an optional mask and the prompt."""
    rules = _rules(model, capabilities)
    if not rules.image_edits:
        raise _refuse_route(model, "edits", "use dall-e-2 or gpt-image-1 for edits")
    check_length(model, "prompt", prompt, rules.image_prompt_max_chars)
    _check_common(model, rules, n, size, response_format)
    check_choice(model, "quality", quality, rules.image_qualities)
    files = _uploads(model, rules, image, "image")
    if mask is not None:
        files.append(("mask", read_upload(mask, what="mask", default_name="mask.png")))
    fields = {
        **(extra or {}),
        "model": model,
        "prompt": prompt,
        **_options(n=n, size=size, quality=quality, response_format=response_format),
    }
    return Call(IMAGE_EDITS, _parse_images, fields, files)


def variation_call(
    model: str,
    image: FileInput,
    *,
    n: int | None = None,
    size: str | None = None,
    response_format: str | None = None,
    capabilities: ModelCapabilities | None = None,
    extra: dict[str, Any] | None = None,
) -> Call[ImagesResponse]:
    """`POST /images/variations` (multipart): variations of one image (dall-e-2 only)."""
    rules = _rules(model, capabilities)
    if not rules.image_variations:
        raise _refuse_route(model, "variations", "use dall-e-2, or edit_image() with a prompt")
    _check_common(model, rules, n, size, response_format)
    files = _uploads(model, rules, image, "image")
    fields = {
        **(extra or {}),
        "model": model,
        **_options(n=n, size=size, response_format=response_format),
    }
    return Call(IMAGE_VARIATIONS, _parse_images, fields, files)


# --- saving ------------------------------------------------------------------------------------

_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif"}
_SAFE_PREFIX = re.compile(r"^[\w.-]+$")


def image_bytes(image: Image, position: int) -> bytes | None:
    """The decoded `b64_json` of an item, or None when it carries a URL instead.

    Raises:
        APIResponseValidationError: neither field is set, or the base64 does not decode.
    """
    if image.b64_json:
        try:
            return base64.b64decode(image.b64_json, validate=True)
        except (binascii.Error, ValueError) as exc:
            msg = f"Unexpected response: image {position} has b64_json that is not base64"
            raise APIResponseValidationError(msg) from exc
    if image.url:
        return None
    msg = f"Unexpected response: image {position} has neither `url` nor `b64_json`"
    raise APIResponseValidationError(msg)


def extension_for(data: bytes, content_type: str | None, fallback: str | None) -> str:
    """The file extension of image bytes: their signature, else the content type, else png."""
    if data.startswith(b"\x89PNG"):
        return "png"
    if data.startswith(b"\xff\xd8"):
        return "jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if content_type:
        found = _EXTENSIONS.get(content_type.split(";")[0].strip().lower())
        if found:
            return found
    return {"jpeg": "jpg"}.get(fallback or "", fallback or "png")


def target_path(directory: str | Path, prefix: str, position: int, extension: str) -> Path:
    """`<directory>/<prefix>-<position>.<extension>`; the directory is created."""
    if not _SAFE_PREFIX.match(prefix):
        msg = f"prefix must be letters, digits, '.', '-' or '_', got {prefix!r}"
        raise ConfigurationError(msg)
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{prefix}-{position}.{extension}"


def download_request(url: str, timeout: httpx.Timeout) -> httpx.Request:
    """A plain GET for a hosted image: no gateway key goes to the image host."""
    if not url.startswith(("https://", "http://")):
        msg = f"Unexpected response: an image URL is not http(s): {url[:80]!r}"
        raise APIResponseValidationError(msg)
    return httpx.Request("GET", url, extensions={"timeout": timeout.as_dict()})
