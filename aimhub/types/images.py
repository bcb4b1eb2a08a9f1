"""Image wire models (`POST /images/generations`, `/images/edits`, `/images/variations`)."""

from __future__ import annotations

from pydantic import Field

from aimhub.types._base import LenientInt, NullableList, ResponseModel, WireModel
from aimhub.types.usage import Usage


class Image(WireModel):
    """One image: a `url` (hosted for about an hour) or the bytes as `b64_json`."""

    url: str | None = None
    b64_json: str | None = None
    revised_prompt: str | None = None


class ImagesResponse(ResponseModel):
    """The images of one call, in the order the gateway sent them."""

    created: LenientInt = None
    data: NullableList[Image] = Field(default_factory=list)
    #: gpt-image-1 names the encoding of its `b64_json` (`png`, `jpeg`, `webp`).
    output_format: str | None = None
    usage: Usage | None = None
