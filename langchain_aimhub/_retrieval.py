"""Fields shared by `AimhubEmbeddings` and `AimhubRerank` beyond the connection."""

from __future__ import annotations

from pydantic import Field

from langchain_aimhub._clients import ConnectionFields


class GatewayFields(ConnectionFields):
    """The model id, on top of the gateway connection."""

    model_name: str = Field(alias="model")
    """Model id as the gateway lists it."""

    @property
    def model(self) -> str:
        """The model id (the same as `model_name`)."""
        return self.model_name
