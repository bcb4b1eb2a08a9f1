"""Rerank wire models (`POST /rerank`, Jina/Cohere shape as normalised by new-api)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from aimhub.types._base import LenientInt, NullableList, ResponseModel, WireModel
from aimhub.types.usage import Usage


class RerankResult(WireModel):
    """One scored document; `document` is a string, `{"text": ...}` or absent."""

    index: LenientInt = None
    relevance_score: float | None = None
    document: Any = None

    @model_validator(mode="before")
    @classmethod
    def _score_aliases(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("relevance_score") is None and "score" in data:
            data = {**data, "relevance_score": data["score"]}
        return data

    @property
    def text(self) -> str | None:
        """The document text, whichever shape the gateway used."""
        doc = self.document
        if isinstance(doc, str):
            return doc
        if isinstance(doc, dict) and isinstance(doc.get("text"), str):
            return str(doc["text"])
        return None


class RerankResponse(ResponseModel):
    """Rerank results; some upstreams name the list `data` instead of `results`."""

    results: NullableList[RerankResult] = Field(default_factory=list)
    model: str | None = None
    id: str | None = None
    usage: Usage | None = None

    @model_validator(mode="before")
    @classmethod
    def _results_alias(cls, data: Any) -> Any:
        if (
            isinstance(data, dict)
            and not data.get("results")
            and isinstance(data.get("data"), list)
        ):
            data = {**data, "results": data["data"]}
        return data
