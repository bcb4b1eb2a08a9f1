"""`AimhubRerank`: scored copies best first, `top_n` always sent, native async, in a retriever."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from langchain_aimhub.rerank import AimhubRerank
from tests.embedding_fakes import rerank_body
from tests.fakes import FakeGateway, json_reply

KEY = "sk-unit-test-key-0123456789"
DOCS = [
    Document(page_content="Pandas eat bamboo.", metadata={"source": "a"}, id="1"),
    Document(page_content="Aimhub relays OpenAI-style APIs.", metadata={"source": "b"}, id="2"),
    Document(page_content="Rerankers sort passages.", metadata={"source": "c"}, id="3"),
]
RESULTS = [
    {"index": 0, "relevance_score": 0.02},
    {"index": 1, "relevance_score": 0.91, "document": {"text": DOCS[1].page_content}},
    {"index": 2, "relevance_score": 0.40, "document": DOCS[2].page_content},
]


@pytest.fixture(params=[False, True], ids=["sync", "async"])
def is_async(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


def _refuse(request: httpx.Request) -> httpx.Response:
    raise AssertionError("the other client was used")


def make_reranker(gateway: FakeGateway, is_async: bool = False, **kwargs: Any) -> AimhubRerank:
    """A reranker whose client of the chosen kind talks to `gateway`, the other one fails."""
    used, unused = httpx.MockTransport(gateway), httpx.MockTransport(_refuse)
    return AimhubRerank(
        model="bge-reranker-v2-m3",
        api_key=KEY,
        base_url="https://gw.test/v1",
        http_client=httpx.Client(transport=unused if is_async else used),
        http_async_client=httpx.AsyncClient(transport=used if is_async else unused),
        max_retries=0,
        **kwargs,
    )


async def compress(
    reranker: AimhubRerank, docs: list[Document], query: str, is_async: bool
) -> list[Document]:
    if is_async:
        return list(await reranker.acompress_documents(docs, query))
    return list(reranker.compress_documents(docs, query))


async def test_documents_come_back_best_first_with_relevance_scores(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, rerank_body(RESULTS)))
    reranker = make_reranker(gateway, is_async, top_n=2)

    kept = await compress(reranker, DOCS, "what does Aimhub do?", is_async)

    assert [d.id for d in kept] == ["2", "3"]
    assert [d.metadata["relevance_score"] for d in kept] == [0.91, 0.40]
    assert kept[0].metadata["source"] == "b"
    assert "relevance_score" not in DOCS[1].metadata  # the caller's documents are untouched
    assert gateway.bodies == [
        {
            "model": "bge-reranker-v2-m3",
            "query": "what does Aimhub do?",
            "documents": [d.page_content for d in DOCS],
            "top_n": 2,
        }
    ]


async def test_top_n_defaults_to_three_and_none_keeps_every_document(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, rerank_body(RESULTS)))
    four = [*DOCS, Document(page_content="An unrelated passage.")]
    await compress(make_reranker(gateway, is_async), four, "q", is_async)
    kept = await compress(make_reranker(gateway, is_async, top_n=None), four, "q", is_async)
    assert [body["top_n"] for body in gateway.bodies] == [3, 4]
    assert len(kept) == 3  # what the gateway returned


async def test_score_threshold_drops_weak_documents(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, rerank_body(RESULTS)))
    reranker = make_reranker(gateway, is_async, score_threshold=0.3)
    kept = await compress(reranker, DOCS, "q", is_async)
    assert [d.id for d in kept] == ["2", "3"]


async def test_no_documents_make_no_request(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, rerank_body(RESULTS)))
    assert await compress(make_reranker(gateway, is_async), [], "q", is_async) == []
    assert gateway.requests == []


def test_bad_top_n_fails_at_construction() -> None:
    with pytest.raises(ValueError, match="top_n"):
        make_reranker(FakeGateway(json_reply(200, {})), top_n=0)


class _FixedRetriever(BaseRetriever):
    """Returns the same documents for every query (the vector store's part)."""

    docs: list[Document]

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return list(self.docs)


async def test_works_inside_contextual_compression_retriever(is_async: bool) -> None:
    # ContextualCompressionRetriever lives in langchain-classic since LangChain 1.0.
    from langchain_classic import retrievers

    gateway = FakeGateway(json_reply(200, rerank_body(RESULTS)))
    retriever = retrievers.ContextualCompressionRetriever(
        base_compressor=make_reranker(gateway, is_async, top_n=1),
        base_retriever=_FixedRetriever(docs=DOCS),
    )

    query = "what does Aimhub do?"
    found = await retriever.ainvoke(query) if is_async else retriever.invoke(query)

    assert [(d.id, d.metadata["relevance_score"]) for d in found] == [("2", 0.91)]
