"""Model list wire models (`GET /models`)."""

from __future__ import annotations

from aimhub.types._base import LenientInt, NullableList, WireModel


class Model(WireModel):
    """One model the key may use; `owned_by` is the gateway's channel name or `custom`."""

    id: str
    object: str | None = None
    created: LenientInt = None
    owned_by: str | None = None
    #: new-api's hint of the routes serving this model: openai, anthropic, embeddings, ...
    supported_endpoint_types: NullableList[str] = []


class ModelList(WireModel):
    """The models of this key's group."""

    data: NullableList[Model] = []
    object: str | None = None
    success: bool | None = None
