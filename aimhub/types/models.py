"""Model list wire models (`GET /models`)."""

from __future__ import annotations

from pydantic import Field

from aimhub._capabilities import ModelCapabilities
from aimhub._catalog import capabilities_for
from aimhub.types._base import LenientInt, NullableList, ResponseModel, WireModel


class Model(WireModel):
    """One model the key may use; `owned_by` is the gateway's channel name or `custom`."""

    id: str
    object: str | None = None
    created: LenientInt = None
    owned_by: str | None = None
    #: new-api's hint of the routes serving this model: openai, anthropic, embeddings, ...
    supported_endpoint_types: NullableList[str] = Field(default_factory=list)

    @property
    def capabilities(self) -> ModelCapabilities:
        """What the catalogue knows about this model (safe defaults for unknown ids)."""
        return capabilities_for(self.id)


class ModelList(ResponseModel):
    """The models of this key's group."""

    data: NullableList[Model] = Field(default_factory=list)
    object: str | None = None
    success: bool | None = None
