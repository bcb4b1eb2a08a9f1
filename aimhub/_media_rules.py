"""Per-model rules of the image, speech and transcription routes, and the checks that apply them.

The rules are catalogue data (`ModelCapabilities.media`, rows in `aimhub/_catalog_data.py`);
`None` means "not documented: not checked", so a model the catalogue does not know is sent as
given. A request that breaks a documented rule is refused before it is sent, with the fix: the
upstream would answer 400 for it, and changing the request silently would hand back something
other than what was asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aimhub._exceptions import ConfigurationError

__all__ = ["MediaRules"]


@dataclass(frozen=True)
class MediaRules:
    """What one image, speech or transcription model accepts (OpenAI API reference values).

    Tuples of allowed values: `None` accepts anything, `()` means the field is not accepted.
    """

    image_sizes: tuple[str, ...] | None = None
    image_max_n: int | None = None
    image_qualities: tuple[str, ...] | None = None
    image_styles: tuple[str, ...] | None = None
    image_response_formats: tuple[str, ...] | None = None
    image_prompt_max_chars: int | None = None
    #: Whether `/images/edits` and `/images/variations` take this model.
    image_edits: bool = True
    image_variations: bool = True
    #: Images per edit request (gpt-image-1 takes several).
    image_max_inputs: int = 1
    image_max_upload_bytes: int | None = None

    speech_voices: tuple[str, ...] | None = None
    speech_formats: tuple[str, ...] | None = None
    speech_speed_range: tuple[float, float] | None = None
    speech_max_input_chars: int | None = None

    transcription_formats: tuple[str, ...] | None = None
    #: Whether `timestamp_granularities` is accepted (always with `verbose_json` only).
    transcription_timestamps: bool = True
    audio_max_upload_bytes: int | None = None

    #: The video route family (docs/gateway-behaviour.md §16): `generations` (new-api's task
    #: wrapper, `/v1/video/generations`) or `openai` (`/v1/videos`); `None`: `generations`.
    video_route: str | None = None


def _refuse(model: str, what: str, fix: str) -> ConfigurationError:
    return ConfigurationError(f"model {model!r} {what}; {fix}")


def check_choice(model: str, field: str, value: object, allowed: Sequence[str] | None) -> None:
    """Refuse a value outside the documented set (`()`: the field is not accepted at all)."""
    if value is None or allowed is None:
        return
    if not allowed:
        raise _refuse(model, f"does not accept `{field}`", f"leave {field} unset")
    if value not in allowed:
        shown = ", ".join(map(repr, allowed))
        raise _refuse(model, f"does not accept {field}={value!r}", f"use one of {shown}")


def check_count(model: str, n: int | None, limit: int | None) -> None:
    """`n` must be a positive integer within the model's limit."""
    if n is None:
        return
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        msg = f"n must be an integer >= 1, got {n!r}"
        raise ConfigurationError(msg)
    if limit is not None and n > limit:
        fix = "send n=1 and call again for more images" if limit == 1 else f"use n<={limit}"
        raise _refuse(model, f"makes at most {limit} image(s) per request, not n={n}", fix)


def check_length(model: str, field: str, text: str, limit: int | None) -> None:
    """Text must be a non-empty string within the model's documented length."""
    if not isinstance(text, str) or not text.strip():
        msg = f"{field} must be a non-empty string, got {text!r}"
        raise ConfigurationError(msg)
    if limit is not None and len(text) > limit:
        raise _refuse(
            model,
            f"takes a {field} of at most {limit} characters, got {len(text)}",
            "shorten it or split it over several calls",
        )


def check_speed(model: str, speed: float | None, bounds: tuple[float, float] | None) -> None:
    """`speed` must lie within the model's range."""
    if speed is None or bounds is None:
        return
    low, high = bounds
    if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not low <= speed <= high:
        raise _refuse(model, f"does not accept speed={speed!r}", f"use {low} to {high}")


def check_size(model: str, what: str, size: int, limit: int | None) -> None:
    """An upload must fit the documented file size limit."""
    if limit is not None and size > limit:
        raise _refuse(
            model,
            f"takes {what} files of at most {limit / 1e6:g} MB, got {size / 1e6:.1f} MB",
            "compress or split the file first",
        )
