"""`AimhubEmbeddings`: LangChain embeddings for any embedding model behind an aggregator gateway."""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.embeddings import Embeddings

from aimhub.adapter import DEFAULT_EMBEDDING_CONCURRENCY, Embedder
from langchain_aimhub._errors import as_langchain_errors
from langchain_aimhub._retrieval import GatewayFields

__all__ = ["AimhubEmbeddings"]


class AimhubEmbeddings(GatewayFields, Embeddings):
    """Embeddings from any model an OpenAI-compatible aggregator gateway serves.

    Inputs go out as strings (never token ids, no tiktoken, nothing downloaded), in batches no
    larger than the model accepts (10 for DashScope `text-embedding-v*`), and vectors come back
    in input order even when the gateway's `index` values are wrong or a batch comes back short.

    Setup:
        `pip install "aimhub-llm[langchain]"`, then set `AIMHUB_API_KEY` (and `AIMHUB_BASE_URL`
        for gateways other than Aimhub's).

    Instantiate:
        ```python
        from langchain_aimhub import AimhubEmbeddings

        embeddings = AimhubEmbeddings(model="text-embedding-v3", dimensions=512)
        ```

    Embed:
        ```python
        vectors = embeddings.embed_documents(["first text", "second text"])
        query = embeddings.embed_query("what is in the first text?")
        vectors = await embeddings.aembed_documents(texts)  # batches run concurrently
        ```

    Empty strings:
        Embedding APIs answer `""` with HTTP 400, so an empty input raises
        `aimhub.ConfigurationError` naming its position, before any request is sent.
    """

    dimensions: int | None = None
    """Vector length, for models that can shorten vectors; sent only when set."""
    chunk_size: int | None = None
    """Inputs per request; defaults to the model's cap in the catalogue (256 if unknown)."""
    max_concurrency: int = DEFAULT_EMBEDDING_CONCURRENCY
    """Requests in flight at once, for sync and async calls alike (`docs/throughput.md`)."""
    show_progress_bar: bool = False
    """Show a tqdm bar over the inputs (when tqdm is installed)."""
    encoding_format: Literal["float", "base64"] | None = None
    """Wire format of vectors, always sent; by default base64 for models whose upstream answers
    it (OpenAI's) and floats for the rest. Either answer comes back as float lists."""
    capabilities: dict[str, Any] | None = None
    """Overrides of the model catalogue for this instance, e.g. `{"embedding_batch_size": 32}`."""

    def _check(self) -> None:
        # Resolved at construction so the value in use is visible, and bad settings fail early.
        self.chunk_size = self._embedder().batch_size

    def _embedder(self) -> Embedder:
        return Embedder.create(
            self.model_name,
            batch_size=self.chunk_size,
            capabilities=self.capabilities,
            encoding_format=self.encoding_format,
            dimensions=self.dimensions,
            max_concurrency=self.max_concurrency,
            show_progress_bar=self.show_progress_bar,
            extra_body=self.model_kwargs,
        )

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed documents, in input order; an empty list makes no request.

        Args:
            texts: the texts, sent exactly as given.

        Returns:
            One vector per text.

        Raises:
            TypeError: an input is not a string.
            aimhub.ConfigurationError: an input is the empty string.
            aimhub.APIError: the gateway call failed (also a LangChain `ModelError`).
        """
        with as_langchain_errors():
            return self._embedder().embed(self._client, texts)

    def embed_query(self, text: str) -> list[float]:
        """Embed one query text."""
        return self.embed_documents([text])[0]

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed documents asynchronously; see `embed_documents`."""
        with as_langchain_errors():
            return await self._embedder().aembed(self._async_client, texts)

    async def aembed_query(self, text: str) -> list[float]:
        """Embed one query text asynchronously."""
        return (await self.aembed_documents([text]))[0]
