"""Rerank over any gateway: `top_n` always sent, results mapped to inputs and sorted by score."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aimhub._exceptions import APIResponseValidationError, ConfigurationError
from aimhub.types import RerankResponse, RerankResult

if TYPE_CHECKING:
    from aimhub._client import AimhubClient, AsyncAimhubClient

__all__ = ["RankedDocument", "Reranker", "rank_results"]


@dataclass(frozen=True)
class RankedDocument:
    """One input document with its relevance score.

    Attributes:
        index: the document's position in the list that was sent.
        score: the relevance score (higher is more relevant); None if the gateway sent none.
    """

    index: int
    score: float | None


def check_rerank_inputs(query: str, documents: Sequence[str]) -> list[str]:
    """The documents as a list, after checking what new-api would reject with a 400.

    Raises:
        ConfigurationError: the query is empty while there are documents (new-api answers
            `invalid_query`).
        TypeError: `documents` is one string, or a document is not a string.
    """
    if isinstance(documents, str):
        msg = "rerank a list of documents, not one string: wrap it as [document]"
        raise TypeError(msg)
    docs = list(documents)
    for position, doc in enumerate(docs):
        if not isinstance(doc, str):
            msg = f"document {position} is {type(doc).__name__}, not a string: pass its text"
            raise TypeError(msg)
    if docs and (not isinstance(query, str) or not query.strip()):
        msg = f"the rerank query must be a non-empty string, got {query!r}"
        raise ConfigurationError(msg)
    return docs


def rank_results(
    response: RerankResponse,
    documents: Sequence[str],
    *,
    top_n: int,
    score_threshold: float | None = None,
) -> list[RankedDocument]:
    """The gateway's results as input positions, best first, thresholded, at most `top_n`.

    The `document` field is only used to find a result whose `index` is missing or out of range:
    gateways send it as a string, `{"text": ...}` or not at all (docs/gateway-behaviour.md §11).

    Raises:
        APIResponseValidationError: a result cannot be matched to an input document.
    """
    by_text: dict[str, int] = {}
    for position, doc in enumerate(documents):
        by_text.setdefault(doc, position)
    ranked: list[RankedDocument] = []
    seen: set[int] = set()
    for result in sorted(response.results, key=_score_key, reverse=True):
        position = _position(result, len(documents), by_text)
        if position in seen:
            continue  # a repeated index: the better score (seen first) stands
        seen.add(position)
        score = result.relevance_score
        if score_threshold is not None and (score is None or score < score_threshold):
            continue
        ranked.append(RankedDocument(position, score))
    return ranked[:top_n]


def _score_key(result: RerankResult) -> float:
    return result.relevance_score if result.relevance_score is not None else float("-inf")


def _position(result: RerankResult, count: int, by_text: Mapping[str, int]) -> int:
    if result.index is not None and 0 <= result.index < count:
        return result.index
    text = result.text
    if text is not None and text in by_text:
        return by_text[text]
    msg = (
        f"Unexpected response: a rerank result has index {result.index!r} for {count} "
        "documents and no matching document text, so it cannot be mapped to an input."
    )
    raise APIResponseValidationError(msg)


@dataclass(frozen=True)
class Reranker:
    """How to rerank with one model; shared by the LangChain and LlamaIndex rerankers.

    ```python
    reranker = Reranker("bge-reranker-v2-m3", top_n=3)
    for hit in reranker.rerank(AimhubClient(), "query", ["doc a", "doc b"]):
        print(hit.index, hit.score)
    ```

    Args:
        model: the gateway's reranker id.
        top_n: results to keep; always sent (default: every document), because old new-api
            forwards a missing `top_n` as 0 (docs/gateway-behaviour.md §11).
        score_threshold: drop results scoring below this.
        return_documents: sent only when set; results are matched by index either way.
        extra_body: more request fields; ours win on a clash.
    """

    model: str
    top_n: int | None = None
    score_threshold: float | None = None
    return_documents: bool | None = None
    extra_body: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.top_n is not None and (
            not isinstance(self.top_n, int) or isinstance(self.top_n, bool) or self.top_n < 1
        ):
            msg = f"top_n must be an integer >= 1 or None, got {self.top_n!r}"
            raise ConfigurationError(msg)

    def keep(self, count: int, top_n: int | None = None) -> int:
        """How many results to ask for and keep out of `count` documents."""
        wanted = top_n if top_n is not None else self.top_n
        return count if wanted is None else min(wanted, count)

    def body(self, query: str, documents: Sequence[str], top_n: int) -> dict[str, Any]:
        """The request body."""
        body: dict[str, Any] = {
            **self.extra_body,
            "model": self.model,
            "query": query,
            "documents": list(documents),
            "top_n": top_n,
        }
        if self.return_documents is not None:
            body["return_documents"] = self.return_documents
        return body

    def rerank(
        self,
        client: AimhubClient,
        query: str,
        documents: Sequence[str],
        *,
        top_n: int | None = None,
    ) -> list[RankedDocument]:
        """Rank `documents` for `query`, best first; no documents makes no request."""
        docs = check_rerank_inputs(query, documents)
        if not docs:
            return []
        keep = self.keep(len(docs), top_n)
        response = client.rerank(self.body(query, docs, keep))
        return rank_results(response, docs, top_n=keep, score_threshold=self.score_threshold)

    async def arerank(
        self,
        client: AsyncAimhubClient,
        query: str,
        documents: Sequence[str],
        *,
        top_n: int | None = None,
    ) -> list[RankedDocument]:
        """The async twin of `rerank`."""
        docs = check_rerank_inputs(query, documents)
        if not docs:
            return []
        keep = self.keep(len(docs), top_n)
        response = await client.rerank(self.body(query, docs, keep))
        return rank_results(response, docs, top_n=keep, score_threshold=self.score_threshold)
