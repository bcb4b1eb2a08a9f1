"""`AimhubEmbedding`: LlamaIndex embeddings for any embedding model behind a gateway."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import AliasChoices, Field, model_validator

from aimhub import EmbeddingBatchError
from aimhub.adapter import DEFAULT_EMBEDDING_CONCURRENCY, Embedder, capabilities_for
from llamaindex_aimhub._retrieval import GatewayFields

__all__ = ["AimhubEmbedding"]

# Per call of the batch methods (and the tasks they start): vectors fetched ahead, concurrently,
# for LlamaIndex's own per-batch loop to pick up; and the async call's bound on batches in flight.


@dataclass
class _Ahead:
    batches: deque[tuple[list[str], list[list[float]]]]
    #: Storing what a failed call was served: a batch not fetched ahead is never sent.
    offline: bool = False


class _NotFetched(Exception):  # noqa: N818 - a marker, never raised to users
    """LlamaIndex asked, while storing a failed call's vectors, for texts not fetched."""


_prefetched: contextvars.ContextVar[_Ahead | None] = contextvars.ContextVar(
    "aimhub_prefetched", default=None
)
_in_flight: contextvars.ContextVar[asyncio.Semaphore | None] = contextvars.ContextVar(
    "aimhub_in_flight", default=None
)


def _cache_misses(cache: Any, batches: list[list[str]]) -> list[list[str]]:
    # What LlamaIndex's loop will ask for, batch by batch: the texts the cache lacks, less those
    # an earlier batch of the window fetches (stored before this batch is looked up). Vectors
    # live in the cache's "embeddings" collection, as LlamaIndex stores them.
    fetched: set[str] = set()
    misses: list[list[str]] = []
    for batch in batches:
        missing = [
            text
            for text in batch
            if text not in fetched and cache.get(key=text, collection="embeddings") is None
        ]
        misses.append(missing)
        fetched.update(missing)
    return misses


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

        LlamaIndex's own loop sends one batch after another; here the batches are fetched
        first, concurrently (with a tqdm bar and texts/s when `show_progress`), then handed to
        that loop, so its callbacks and instrumentation events fire per batch as before.

        With an `embeddings_cache`, only the texts the cache lacks are fetched, one window of
        `max_concurrency` batches at a time: LlamaIndex stores each window's vectors before the
        next is sent, and a window that fails part-way has the batches it got back stored
        before `EmbeddingBatchError` is raised, so a rerun pays only for the failed batches.
        (The cache is read twice per text: once here to find what is missing, once by
        LlamaIndex.)
        With a `rate_limiter` set, LlamaIndex's loop runs unchanged.
        """
        # `rate_limiter` is a field of llama-index-core 0.14.16+ only.
        if getattr(self, "rate_limiter", None) is not None or not texts:
            return super().get_text_embedding_batch(texts, show_progress, **kwargs)
        embedder = replace(self._embedder(), show_progress_bar=show_progress)
        if self.embeddings_cache is None:
            vectors = embedder.embed(self._client, texts)
            return self._batch_with(embedder.batches(texts), vectors, texts, kwargs)
        size = embedder.batch_size
        window = size * embedder.max_concurrency
        quiet = replace(embedder, show_progress_bar=False)
        results: list[list[float]] = []
        with embedder.progress(len(texts)) as advance:
            for start in range(0, len(texts), window):
                part = texts[start : start + window]
                batches = [part[i : i + size] for i in range(0, len(part), size)]
                misses = _cache_misses(self.embeddings_cache, batches)
                wanted = [text for batch in misses for text in batch]
                try:
                    vectors = quiet.embed(self._client, wanted) if wanted else []
                except EmbeddingBatchError as error:
                    self._store_served(batches, misses, error, kwargs)
                    raise
                results.extend(self._batch_with(misses, vectors, part, kwargs))
                advance(len(part))
        return results

    def _batch_with(
        self,
        batches: list[list[str]],
        vectors: Sequence[list[float] | None],
        texts: list[str],
        kwargs: dict[str, Any],
        *,
        offline: bool = False,
    ) -> list[list[float]]:
        # Runs LlamaIndex's loop over `texts`, which takes each batch's vectors from `vectors`.
        ahead = _Ahead(deque(), offline)
        start = 0
        for batch in batches:
            if batch:
                ahead.batches.append((batch, vectors[start : start + len(batch)]))  # type: ignore[arg-type]
                start += len(batch)
        token = _prefetched.set(ahead)
        try:
            return super().get_text_embedding_batch(texts, False, **kwargs)
        finally:
            _prefetched.reset(token)

    def _store_served(
        self,
        batches: list[list[str]],
        misses: list[list[str]],
        error: EmbeddingBatchError,
        kwargs: dict[str, Any],
    ) -> None:
        # A window failed part-way: the batches whose vectors all came back still go through
        # LlamaIndex's loop, which stores them, so that a rerun pays only for what failed.
        served_batches: list[list[str]] = []
        served_misses: list[list[str]] = []
        served_vectors: list[list[float] | None] = []
        start = 0
        for batch, missing in zip(batches, misses, strict=True):
            got = error.vectors[start : start + len(missing)]
            start += len(missing)
            if missing and all(vector is not None for vector in got):
                served_batches.append(batch)
                served_misses.append(missing)
                served_vectors.extend(got)
        if not served_batches:
            return
        texts = [text for batch in served_batches for text in batch]
        # LlamaIndex regroups `texts` into the same batches: all but the window's last are full.
        with contextlib.suppress(_NotFetched):
            self._batch_with(served_misses, served_vectors, texts, kwargs, offline=True)

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
        if ahead is not None and ahead.batches and ahead.batches[0][0] == texts:
            return ahead.batches.popleft()[1]
        if ahead is not None and ahead.offline:
            raise _NotFetched
        return self._embedder().embed(self._client, texts)

    async def _aget_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        limit = _in_flight.get()
        if limit is None:
            return await self._embedder().aembed(self._async_client, texts)
        async with limit:
            return await self._embedder().aembed(self._async_client, texts)
