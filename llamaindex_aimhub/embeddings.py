"""`AimhubEmbedding`: LlamaIndex embeddings for any embedding model behind a gateway."""

from __future__ import annotations

from typing import Any, Literal

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import AliasChoices, Field, model_validator

from aimhub.adapter import Embedder, capabilities_for
from llamaindex_aimhub._retrieval import GatewayFields

__all__ = ["AimhubEmbedding"]


class AimhubEmbedding(GatewayFields, BaseEmbedding):
    """Embeddings from any model an OpenAI-compatible aggregator gateway serves.

    Same guarantees as LangChain's `AimhubEmbeddings`: inputs sent as strings, batches no larger
    than the model accepts (`embed_batch_size` defaults to the catalogue's cap, e.g. 10 for
    DashScope `text-embedding-v*`), vectors in input order, and a short batch retried one input
    per request. Async batches run concurrently (`num_workers` of them with LlamaIndex's
    job runner). An empty input string raises `aimhub.ConfigurationError` before any request.

    ```python
    from llama_index.core import Settings
    from llamaindex_aimhub import AimhubEmbedding

    Settings.embed_model = AimhubEmbedding(model_name="text-embedding-v3", dimensions=512)
    ```
    """

    model_name: str = Field(
        validation_alias=AliasChoices("model_name", "model"),
        description="Model id as the gateway lists it (also accepted as `model`).",
    )
    dimensions: int | None = Field(
        default=None,
        description="Vector length, for models that can shorten vectors; sent only when set.",
    )
    encoding_format: Literal["float", "base64"] = Field(
        default="float",
        description="Wire format of vectors, always sent; both come back as float lists.",
    )
    capabilities: dict[str, Any] | None = Field(
        default=None,
        description="Overrides of the model catalogue, e.g. {'embedding_batch_size': 32}.",
    )

    @model_validator(mode="before")
    @classmethod
    def _default_batch_size(cls, data: Any) -> Any:
        # LlamaIndex's default of 10 would be too many for Gemini and too few for OpenAI.
        if isinstance(data, dict) and data.get("embed_batch_size") is None:
            model = data.get("model_name") or data.get("model")
            if isinstance(model, str):
                caps = capabilities_for(model, data.get("capabilities"))
                data = {**data, "embed_batch_size": caps.embedding_batch_size}
        return data

    def _check(self) -> None:
        self._embedder()  # bad dimensions or formats fail at construction

    @classmethod
    def class_name(cls) -> str:
        """The class name, for LlamaIndex serialisation."""
        return "AimhubEmbedding"

    def _embedder(self) -> Embedder:
        # LlamaIndex hands us at most `embed_batch_size` texts per call; concurrency across
        # calls is its `num_workers`.
        return Embedder(
            model=self.model_name,
            batch_size=self.embed_batch_size,
            encoding_format=self.encoding_format,
            dimensions=self.dimensions,
            max_concurrency=max(1, self.num_workers or 1),
            extra_body=self.additional_kwargs,
        )

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._get_text_embeddings([query])[0]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return (await self._aget_text_embeddings([query]))[0]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return (await self._aget_text_embeddings([text]))[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embedder().embed(self._client, texts)

    async def _aget_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return await self._embedder().aembed(self._async_client, texts)
