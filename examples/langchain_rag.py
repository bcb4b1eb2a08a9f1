"""A RAG pipeline on one gateway key, shown by `make demo` and replayed by its test.

documents → `AimhubEmbeddings` → `InMemoryVectorStore` → retriever → `AimhubRerank` (in a
contextual-compression retriever) → `ChatAimhub` answer quoting the retrieved text.

Install: `pip install "aimhub-llm[examples]"` (what `make demo` runs it with).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import httpx
from langchain_core.documents import Document
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda, RunnableParallel, RunnablePassthrough
from langchain_core.vectorstores import InMemoryVectorStore

from langchain_aimhub import AimhubEmbeddings, AimhubRerank, ChatAimhub

#: A reserved host: the cassettes are built from documented behaviour, not recorded anywhere.
GATEWAY = "https://gateway.example/v1"
KEY = "sk-cassette-builder"

DOCUMENTS = [
    Document(
        page_content="Aimhub relays every model through one OpenAI-compatible API under /v1.",
        metadata={"source": "overview"},
    ),
    Document(
        page_content="DashScope text-embedding-v3 accepts at most 10 inputs per embeddings "
        "request.",
        metadata={"source": "limits"},
    ),
    Document(
        page_content="new-api normalises rerank answers to results with an index and a "
        "relevance_score.",
        metadata={"source": "rerank"},
    ),
    Document(
        page_content="one-api strips the sk- prefix from keys and reads a dash suffix as a "
        "channel id.",
        metadata={"source": "auth"},
    ),
    Document(
        page_content="Inputs for embedding requests are texts, never token ids.",
        metadata={"source": "inputs"},
    ),
    Document(
        page_content="llama.cpp servers without pooling return one vector per token.",
        metadata={"source": "local"},
    ),
    Document(
        page_content="Pandas mostly eat bamboo and sleep for half of the day.",
        metadata={"source": "noise"},
    ),
]
QUESTION = "How many inputs does text-embedding-v3 accept per embeddings request?"
PROMPT = ChatPromptTemplate.from_messages(
    [
        ("system", "Answer from the context only, and quote the passage you used."),
        ("human", "Context:\n{context}\n\nQuestion: {question}"),
    ]
)


def compression_retriever(compressor: AimhubRerank, base: BaseRetriever) -> BaseRetriever:
    """LangChain's `ContextualCompressionRetriever` (in `langchain-classic` since LangChain 1.0)."""
    from langchain_classic.retrievers import ContextualCompressionRetriever

    retriever: BaseRetriever = ContextualCompressionRetriever(
        base_compressor=compressor, base_retriever=base
    )
    return retriever


@dataclass
class RagComponents:
    """The pipeline's parts; the store is filled by `answer_question`."""

    embeddings: AimhubEmbeddings
    reranker: AimhubRerank
    llm: ChatAimhub


def rag_components(transport: httpx.BaseTransport | None = None) -> RagComponents:
    """The three Aimhub models, over `transport` if given (the cassette builder's fake)."""
    clients: dict[str, Any] = {}
    if transport is not None:
        clients = {
            "http_client": httpx.Client(transport=transport),
            "http_async_client": httpx.AsyncClient(transport=transport),
        }
    common: dict[str, Any] = {"api_key": KEY, "base_url": GATEWAY, "max_retries": 0, **clients}
    return RagComponents(
        embeddings=AimhubEmbeddings(model="text-embedding-3-small", dimensions=64, **common),
        reranker=AimhubRerank(model="bge-reranker-v2-m3", top_n=2, **common),
        llm=ChatAimhub(model="gpt-4o-mini", temperature=0, **common),
    )


def _context(inputs: dict[str, Any]) -> dict[str, str]:
    passages = "\n".join(f"- {doc.page_content}" for doc in inputs["docs"])
    return {"context": passages, "question": inputs["question"]}


def _chain(parts: RagComponents, store: InMemoryVectorStore) -> Runnable[str, dict[str, Any]]:
    base = store.as_retriever(search_kwargs={"k": 4})
    retriever = compression_retriever(parts.reranker, base)
    answer = RunnableLambda(_context) | PROMPT | parts.llm
    return RunnableParallel(docs=retriever, question=RunnablePassthrough()).assign(answer=answer)


def answer_question(
    parts: RagComponents, *, is_async: bool
) -> dict[str, Any] | Awaitable[dict[str, Any]]:
    """Index `DOCUMENTS`, then answer `QUESTION`: `{"docs", "question", "answer"}`."""
    if is_async:
        return _aanswer(parts)
    store = InMemoryVectorStore.from_documents(DOCUMENTS, parts.embeddings)
    return _chain(parts, store).invoke(QUESTION)


async def _aanswer(parts: RagComponents) -> dict[str, Any]:
    store = await InMemoryVectorStore.afrom_documents(DOCUMENTS, parts.embeddings)
    return await _chain(parts, store).ainvoke(QUESTION)


REPLAY = Path(__file__).resolve().parent.parent / "cassettes" / "rerank" / "rag_pipeline"


def main(out: TextIO = sys.stdout) -> int:
    """Answer `QUESTION` from `DOCUMENTS`: live with `AIMHUB_API_KEY`, else replayed offline."""
    print(
        "== LangChain RAG: AimhubEmbeddings → vector store → AimhubRerank → ChatAimhub ==", file=out
    )
    if os.environ.get("AIMHUB_API_KEY", "").strip():
        result = _live_answer()
    else:
        import vcr  # a test dependency: only needed to replay

        print(
            "No AIMHUB_API_KEY set: replaying cassettes/rerank/rag_pipeline/ (offline).", file=out
        )
        cassette = REPLAY / "test_rag_pipeline_answers_from_reranked_documents[sync].yaml"
        replayer = vcr.VCR(record_mode="none", match_on=["method", "path", "body"])
        with replayer.use_cassette(str(cassette)):
            result = answer_question(rag_components(), is_async=False)
    assert isinstance(result, dict)
    print(f"question> {QUESTION}", file=out)
    for doc in result["docs"]:
        print(f"  [{doc.metadata['relevance_score']:.3f}] {doc.page_content}", file=out)
    print(f"answer< {result['answer'].text}", file=out)
    return 0


def _live_answer() -> Any:
    env = os.environ.get
    parts = RagComponents(
        embeddings=AimhubEmbeddings(model=env("AIMHUB_EMBEDDING_MODEL", "text-embedding-3-small")),
        reranker=AimhubRerank(model=env("AIMHUB_RERANK_MODEL", "bge-reranker-v2-m3"), top_n=2),
        llm=ChatAimhub(model=env("AIMHUB_MODEL", "gpt-4o-mini"), temperature=0),
    )
    return answer_question(parts, is_async=False)


if __name__ == "__main__":
    sys.exit(main())
