"""The issue-5 RAG pipeline, shared by its replay test and by `scripts/build_cassettes.py`.

nodes → `AimhubEmbedding` → `VectorStoreIndex` → query engine retrieving 4 nodes →
`AimhubRerank` keeping 2 → `Aimhub` answer (LlamaIndex's default compact synthesizer).
The documents and the question are the LangChain pipeline's, so both adapters are proven on
the same data.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

import httpx
from llama_index.core import VectorStoreIndex
from llama_index.core.base.response.schema import RESPONSE_TYPE
from llama_index.core.schema import TextNode

from examples.langchain_rag import DOCUMENTS, GATEWAY, KEY, QUESTION
from llamaindex_aimhub import Aimhub, AimhubEmbedding, AimhubRerank


def make_nodes() -> list[TextNode]:
    """One fresh node per document, its id the document's `source` (no metadata: plain prompt)."""
    return [TextNode(text=doc.page_content, id_=doc.metadata["source"]) for doc in DOCUMENTS]


@dataclass
class RagComponents:
    """The pipeline's three models."""

    embedding: AimhubEmbedding
    reranker: AimhubRerank
    llm: Aimhub


def rag_components(transport: httpx.BaseTransport | None = None) -> RagComponents:
    """The three Aimhub models, over `transport` if given (the cassette builder's fake)."""
    clients: dict[str, Any] = {}
    if transport is not None:
        clients = {
            "http_client": httpx.Client(transport=transport),
            "async_http_client": httpx.AsyncClient(transport=transport),
        }
    common: dict[str, Any] = {"api_key": KEY, "api_base": GATEWAY, "max_retries": 0, **clients}
    return RagComponents(
        embedding=AimhubEmbedding(model_name="text-embedding-3-small", dimensions=64, **common),
        reranker=AimhubRerank(model="bge-reranker-v2-m3", top_n=2, **common),
        llm=Aimhub(model="gpt-4o-mini", temperature=0, **common),
    )


def answer_question(parts: RagComponents, *, is_async: bool) -> Any:
    """Index fresh nodes, then answer `QUESTION` (awaitable when `is_async`)."""
    index = VectorStoreIndex(nodes=make_nodes(), embed_model=parts.embedding)
    engine = index.as_query_engine(
        llm=parts.llm, similarity_top_k=4, node_postprocessors=[parts.reranker]
    )
    result: RESPONSE_TYPE | Awaitable[RESPONSE_TYPE]
    result = engine.aquery(QUESTION) if is_async else engine.query(QUESTION)
    return result
