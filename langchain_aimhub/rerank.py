"""`AimhubRerank`: a LangChain document compressor over a gateway's `POST /rerank`."""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.callbacks import Callbacks
from langchain_core.documents import BaseDocumentCompressor, Document

from aimhub.adapter import RankedDocument, Reranker
from langchain_aimhub._errors import as_langchain_errors
from langchain_aimhub._retrieval import GatewayFields

__all__ = ["AimhubRerank"]


class AimhubRerank(GatewayFields, BaseDocumentCompressor):
    """Rerank documents with any reranker model behind an aggregator gateway.

    Returns copies of the documents, best first, with the score in
    `metadata["relevance_score"]`. `top_n` is always sent, because old new-api forwards a
    missing one as `top_n: 0`.

    Setup:
        `pip install "aimhub-llm[langchain]"`, then set `AIMHUB_API_KEY` (and `AIMHUB_BASE_URL`).

    Instantiate:
        ```python
        from langchain_aimhub import AimhubRerank

        reranker = AimhubRerank(model="bge-reranker-v2-m3", top_n=3)
        ```

    Rerank:
        ```python
        best = reranker.compress_documents(documents, "what is a vector store?")
        best[0].metadata["relevance_score"]
        ```

    In a retriever:
        ```python
        from langchain_classic.retrievers import ContextualCompressionRetriever

        retriever = ContextualCompressionRetriever(
            base_compressor=reranker, base_retriever=store.as_retriever(search_kwargs={"k": 20})
        )
        ```
    """

    top_n: int | None = 3
    """Documents to keep (and to ask the gateway for); `None` keeps all, ranked."""
    score_threshold: float | None = None
    """Drop documents scoring below this."""
    return_documents: bool | None = None
    """Sent only when set; results are matched to documents by index either way."""

    def _check(self) -> None:
        self._reranker()  # a bad top_n fails at construction, not at the first query

    def _reranker(self) -> Reranker:
        return Reranker(
            self.model_name,
            top_n=self.top_n,
            score_threshold=self.score_threshold,
            return_documents=self.return_documents,
            extra_body=self.model_kwargs,
        )

    def compress_documents(
        self,
        documents: Sequence[Document],
        query: str,
        callbacks: Callbacks | None = None,
    ) -> Sequence[Document]:
        """Rank `documents` for `query`, best first, keeping `top_n`.

        Args:
            documents: the retrieved documents; an empty list makes no request.
            query: the question to rank them for.
            callbacks: unused (kept for the `BaseDocumentCompressor` signature).

        Returns:
            Copies of the kept documents with `metadata["relevance_score"]`.
        """
        docs = list(documents)
        with as_langchain_errors():
            ranked = self._reranker().rerank(self._client, query, [d.page_content for d in docs])
        return _scored(docs, ranked)

    async def acompress_documents(
        self,
        documents: Sequence[Document],
        query: str,
        callbacks: Callbacks | None = None,
    ) -> Sequence[Document]:
        """The async twin of `compress_documents` (a real async request, no thread)."""
        docs = list(documents)
        texts = [d.page_content for d in docs]
        with as_langchain_errors():
            ranked = await self._reranker().arerank(self._async_client, query, texts)
        return _scored(docs, ranked)


def _scored(documents: list[Document], ranked: list[RankedDocument]) -> list[Document]:
    # Copies, so a document shared with a vector store or a cache keeps its metadata unchanged.
    return [
        documents[hit.index].model_copy(
            update={"metadata": {**documents[hit.index].metadata, "relevance_score": hit.score}}
        )
        for hit in ranked
    ]
