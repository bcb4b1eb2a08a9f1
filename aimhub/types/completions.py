"""Legacy Completions wire models (`POST /completions`)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from aimhub.types._base import LenientInt, NullableList, OptionalText, ResponseModel, WireModel
from aimhub.types.usage import Usage


class CompletionChoice(WireModel):
    """One completion choice (or a streamed fragment of one)."""

    index: LenientInt = None
    text: str | None = None
    finish_reason: OptionalText = None
    logprobs: Any = None


class Completion(ResponseModel):
    """A completion, or one streamed chunk of it: both have the same shape."""

    id: str | None = None
    object: str | None = None
    created: LenientInt = None
    model: str | None = None
    choices: NullableList[CompletionChoice] = Field(default_factory=list)
    usage: Usage | None = None
    system_fingerprint: str | None = None

    @classmethod
    def from_completion(cls, completion: Completion) -> Completion:
        """A whole completion is its own single chunk."""
        return completion
