"""`aimhub._rerank`: `top_n` always sent, results mapped to inputs, sorted and thresholded."""

from __future__ import annotations

from typing import Any

import pytest

from aimhub import AsyncAimhubClient, ConfigurationError
from aimhub._exceptions import APIResponseValidationError
from aimhub._rerank import RankedDocument, Reranker, rank_results
from aimhub.types import RerankResponse
from tests.embedding_fakes import rerank_body
from tests.fakes import FakeGateway, json_reply, make_client

DOCS = ["alpha text", "beta text", "gamma text"]


async def rerank(
    reranker: Reranker, client: Any, query: str, documents: list[str], **kwargs: Any
) -> list[RankedDocument]:
    """One test body for both worlds."""
    if isinstance(client, AsyncAimhubClient):
        return await reranker.arerank(client, query, documents, **kwargs)
    return reranker.rerank(client, query, documents, **kwargs)


def _ranked(results: list[dict[str, Any]], **kwargs: Any) -> list[tuple[int, float | None]]:
    response = RerankResponse.model_validate(rerank_body(results))
    kwargs.setdefault("top_n", len(DOCS))
    return [(hit.index, hit.score) for hit in rank_results(response, DOCS, **kwargs)]


@pytest.mark.parametrize(
    ("reranker", "call_top_n", "sent"),
    [
        pytest.param(Reranker("r"), None, 3, id="default-is-every-document"),
        pytest.param(Reranker("r", top_n=2), None, 2, id="configured"),
        pytest.param(Reranker("r", top_n=10), None, 3, id="clamped-to-document-count"),
        pytest.param(Reranker("r", top_n=2), 1, 1, id="per-call-override"),
    ],
)
async def test_top_n_is_always_sent(
    is_async: bool, reranker: Reranker, call_top_n: int | None, sent: int
) -> None:
    gateway = FakeGateway(json_reply(200, rerank_body([])))
    await rerank(reranker, make_client(gateway, is_async), "q", DOCS, top_n=call_top_n)
    assert gateway.bodies == [{"model": "r", "query": "q", "documents": DOCS, "top_n": sent}]


def test_return_documents_and_extra_fields_are_sent_only_when_set() -> None:
    reranker = Reranker("r", return_documents=True, extra_body={"top_n": 99, "instruction": "x"})
    assert reranker.body("q", ["a"], 1) == {
        "top_n": 1,
        "instruction": "x",
        "model": "r",
        "query": "q",
        "documents": ["a"],
        "return_documents": True,
    }


async def test_results_come_back_best_first_and_cut_to_top_n(is_async: bool) -> None:
    results = [
        {"index": 0, "relevance_score": 0.1},
        {"index": 1, "relevance_score": 0.9},
        {"index": 2, "relevance_score": 0.5},
    ]
    gateway = FakeGateway(json_reply(200, rerank_body(results)))
    hits = await rerank(Reranker("r", top_n=2), make_client(gateway, is_async), "q", DOCS)
    assert hits == [RankedDocument(1, 0.9), RankedDocument(2, 0.5)]


async def test_empty_documents_make_no_request(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, rerank_body([])))
    assert await rerank(Reranker("r"), make_client(gateway, is_async), "", []) == []
    assert gateway.requests == []


@pytest.mark.parametrize("query", ["", "   "])
def test_an_empty_query_is_refused_before_the_gateway_400s(query: str) -> None:
    gateway = FakeGateway(json_reply(200, rerank_body([])))
    client = make_client(gateway, is_async=False)
    with pytest.raises(ConfigurationError, match="query must be a non-empty string"):
        Reranker("r").rerank(client, query, DOCS)  # type: ignore[arg-type]
    assert gateway.requests == []


def test_non_string_documents_are_refused_with_the_position() -> None:
    client = make_client(FakeGateway(json_reply(200, rerank_body([]))), is_async=False)
    with pytest.raises(TypeError, match="document 1 is dict"):
        Reranker("r").rerank(client, "q", ["a", {"text": "b"}])  # type: ignore[arg-type, list-item]


@pytest.mark.parametrize("top_n", [0, -1, True, 1.5])
def test_invalid_top_n_is_refused(top_n: Any) -> None:
    with pytest.raises(ConfigurationError, match="top_n"):
        Reranker("r", top_n=top_n)


@pytest.mark.parametrize(
    "document",
    [
        pytest.param("beta text", id="string"),
        pytest.param({"text": "beta text"}, id="text-object"),
        pytest.param(None, id="null"),
        pytest.param({"content": "something else"}, id="other-object"),
        pytest.param(["beta text"], id="list"),
    ],
)
def test_every_document_shape_is_tolerated(document: object) -> None:
    results = [{"index": 1, "relevance_score": 0.7, "document": document}]
    assert _ranked(results) == [(1, 0.7)]


def test_absent_document_is_tolerated() -> None:
    assert _ranked([{"index": 2, "relevance_score": 0.3}]) == [(2, 0.3)]


def test_data_list_and_score_key_variants_are_read() -> None:
    response = RerankResponse.model_validate({"data": [{"index": 0, "score": 0.4}]})
    assert rank_results(response, DOCS, top_n=3) == [RankedDocument(0, 0.4)]


@pytest.mark.parametrize(
    "document",
    [pytest.param("gamma text", id="string"), pytest.param({"text": "gamma text"}, id="object")],
)
def test_missing_or_out_of_range_index_is_recovered_from_the_document_text(
    document: object,
) -> None:
    assert _ranked([{"relevance_score": 0.8, "document": document}]) == [(2, 0.8)]
    assert _ranked([{"index": 7, "relevance_score": 0.8, "document": document}]) == [(2, 0.8)]


def test_an_unmatchable_result_raises_instead_of_guessing() -> None:
    with pytest.raises(APIResponseValidationError, match="cannot be mapped"):
        _ranked([{"index": 9, "relevance_score": 0.8}])


def test_a_repeated_index_keeps_its_best_score() -> None:
    results = [
        {"index": 0, "relevance_score": 0.2},
        {"index": 0, "relevance_score": 0.6},
        {"index": 1, "relevance_score": 0.4},
    ]
    assert _ranked(results) == [(0, 0.6), (1, 0.4)]


def test_score_threshold_drops_low_and_missing_scores() -> None:
    results = [
        {"index": 0, "relevance_score": 0.2},
        {"index": 1, "relevance_score": 0.6},
        {"index": 2},
    ]
    assert _ranked(results, score_threshold=0.5) == [(1, 0.6)]


def test_missing_scores_sort_last_without_a_threshold() -> None:
    results = [{"index": 0}, {"index": 1, "relevance_score": -3.0}]
    assert _ranked(results) == [(1, -3.0), (0, None)]


def test_equal_scores_keep_the_gateway_order() -> None:
    results = [
        {"index": 2, "relevance_score": 0.5},
        {"index": 0, "relevance_score": 0.5},
    ]
    assert _ranked(results) == [(2, 0.5), (0, 0.5)]
