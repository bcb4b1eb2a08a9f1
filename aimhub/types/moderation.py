"""Moderation wire models (`POST /moderations`)."""

from __future__ import annotations

from pydantic import Field

from aimhub.types._base import NullableList, ResponseModel, WireModel


class ModerationResult(WireModel):
    """The verdict on one input: flagged or not, per category, with the scores."""

    flagged: bool = False
    categories: dict[str, bool | None] = Field(default_factory=dict)
    category_scores: dict[str, float | None] = Field(default_factory=dict)

    @property
    def flagged_categories(self) -> list[str]:
        """The names of the categories that flagged the input."""
        return [name for name, hit in self.categories.items() if hit]


class ModerationResponse(ResponseModel):
    """One result per input, in input order."""

    id: str | None = None
    model: str | None = None
    results: NullableList[ModerationResult] = Field(default_factory=list)
