"""Embeddings wire models (`POST /embeddings`)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from aimhub.types._base import LenientInt, NullableList, ResponseModel, WireModel
from aimhub.types.usage import Usage


class Embedding(WireModel):
    """One embedding as sent: a float list, a base64 string, or (llama.cpp) one vector per token.

    The shape is checked and decoded by `aimhub.embeddings`, not here, so that large responses
    are parsed once.
    """

    index: LenientInt = None
    embedding: Any = None
    object: str | None = None


class EmbeddingResponse(ResponseModel):
    """The embeddings of a batch of inputs."""

    data: NullableList[Embedding] = Field(default_factory=list)
    model: str | None = None
    object: str | None = None
    usage: Usage | None = None
