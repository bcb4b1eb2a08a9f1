"""`AimhubEmbedding`: LlamaIndex embeddings for any embedding model behind a gateway."""

from __future__ import annotations

import asyncio
import contextvars
from collections import deque
from dataclasses import replace
from typing import Any, Literal

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import AliasChoices, Field, model_validator

from aimhub.adapter import DEFAULT_EMBEDDING_CONCURRENCY, Embedder, capabilities_for
from llamaindex_aimhub._retrieval import GatewayFields

__all__ = ["AimhubEmbedding"]

# Per call of the batch methods (and the tasks they start): vectors fetched ahead, concurrently,
# for LlamaIndex's own per-batch loop to pick up; and the async call's bound on batches in flight.
_prefetched: contextvars.ContextVar[deque[tuple[list[str], list[list[float]]]] | None] = (
    contextvars.ContextVar("aimhub_prefetched", default=None)
)
_in_flight: contextvars.ContextVar[asyncio.Semaphore | None] = contextvars.ContextVar(
    "aimhub_in_flight", default=None
)


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
    encoding_format: Literal["float", "base64"] | None = Field(
        default=None,
        description="Wire format of vectors, always sent; by default base64 for models whose "
        "upstream answers it (OpenAI's), floats for the rest. Both come back as float lists.",
    )
    capabilities: dict[str, Any] | None = Field(
        default=None,
        description="Overrides of the model catalogue, e.g. {'embedding_batch_size': 32}.",
    )
    max_concurrency: int = Field(
        default=DEFAULT_EMBEDDING_CONCURRENCY,
        description="Batches in flight at once in get_text_embedding_batch and "
        "aget_text_embedding_batch; the key's adaptive limiter caps the total.",
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
        return Embedder.create(
            self.model_name,
            batch_size=self.embed_batch_size,
            capabilities=self.capabilities,
            encoding_format=self.encoding_format,
            dimensions=self.dimensions,
            max_concurrency=self.max_concurrency,
            extra_body=self.additional_kwargs,
        )

    def get_text_embedding_batch(
        self, texts: list[str], show_progress: bool = False, **kwargs: Any
    ) -> list[list[float]]:
        """Embed `texts` with up to `max_concurrency` batches in flight, in input order.

        LlamaIndex's own loop sends one batch after another; here every batch is fetched
        first, concurrently (with a tqdm bar and texts/s when `show_progress`), then handed to
        that loop, so its callbacks and instrumentation events fire per batch as before. With
        an `embeddings_cache` or a `rate_limiter` set, LlamaIndex's loop runs unchanged.
        """
        # `rate_limiter` is a field of llama-index-core 0.14.16+ only.
        limited = getattr(self, "rate_limiter", None) is not None
        if self.embeddings_cache is not None or limited or not texts:
            return super().get_text_embedding_batch(texts, show_progress, **kwargs)
        embedder = self._embedder()
        batches = embedder.batches(texts)
        vectors = replace(embedder, show_progress_bar=show_progress).embed(self._client, texts)
        ahead: deque[tuple[list[str], list[list[float]]]] = deque()
        start = 0
        for batch in batches:
            ahead.append((batch, vectors[start : start + len(batch)]))
            start += len(batch)
        token = _prefetched.set(ahead)
        try:
            return super().get_text_embedding_batch(texts, False, **kwargs)
        finally:
            _prefetched.reset(token)

    async def aget_text_embedding_batch(
        self, texts: list[str], show_progress: bool = False, **kwargs: Any
    ) -> list[list[float]]:
        """LlamaIndex's async batching, with at most `max_concurrency` batches in flight.

        LlamaIndex starts every batch at once; the gateway then rejects all but its limit.
        """
        token = _in_flight.set(asyncio.Semaphore(self.max_concurrency))
        try:
            return await super().aget_text_embedding_batch(texts, show_progress, **kwargs)
        finally:
            _in_flight.reset(token)

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._get_text_embeddings([query])[0]

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return (await self._aget_text_embeddings([query]))[0]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._get_text_embeddings([text])[0]

    async def _aget_text_embedding(self, text: str) -> list[float]:
        return (await self._aget_text_embeddings([text]))[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        ahead = _prefetched.get()
        if ahead and ahead[0][0] == texts:
            return ahead.popleft()[1]
        return self._embedder().embed(self._client, texts)

    async def _aget_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        limit = _in_flight.get()
        if limit is None:
            return await self._embedder().aembed(self._async_client, texts)
        async with limit:
            return await self._embedder().aembed(self._async_client, texts)
