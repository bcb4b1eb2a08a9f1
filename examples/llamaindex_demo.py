"""LlamaIndex on an aggregator gateway: a RAG query and a tool-calling agent with `Aimhub`.

Live when `AIMHUB_API_KEY` is set (model `AIMHUB_MODEL`, default `gpt-4o-mini`); otherwise the
same calls are replayed offline from `cassettes/llamaindex/demo/`, which were built by
`scripts/build_llamaindex_cassettes.py` from documented gateway shapes (see cassettes/README.md).

Install: `pip install "aimhub-llm[examples]"` (what `make demo` runs it with).
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TextIO

from llama_index.core import Document, VectorStoreIndex
from llama_index.core.agent.workflow import FunctionAgent, ToolCallResult
from llama_index.core.embeddings import MockEmbedding
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.tools import FunctionTool

from aimhub import API_KEY_ENV, AimhubError
from llamaindex_aimhub import Aimhub

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "cassettes" / "llamaindex" / "demo"
REPLAY_MODEL = "gpt-4o-mini"
REPLAY_KEY = "sk-cassette-replay-0000000000"

DOCUMENTS = [
    Document(
        id_="routing",
        text="one-api and new-api route every model through one OpenAI-compatible endpoint, "
        "/v1/chat/completions, and pick an upstream channel by the key's group.",
    ),
    Document(
        id_="errors",
        text="When no channel serves a model for the key's group, new-api answers HTTP 503 "
        "with the message '当前分组 default 下对于模型 x 无可用渠道'.",
    ),
]
RAG_QUESTION = "What does new-api answer when no channel serves a model?"
AGENT_QUESTION = "What is the weather and the local time in Paris?"


def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"Sunny, 21°C in {city}."


def get_time(city: str) -> str:
    """The local time in a city."""
    return f"It is 10:00 in {city}."


def rag_section(llm: Aimhub, say: Callable[[str], None]) -> None:
    """Index two documents and ask a question about them.

    The embeddings are LlamaIndex's `MockEmbedding` (every text gets the same vector) and the
    query takes every chunk, so the demo shows the LLM side only; node ids are fixed so that
    the prompt is the same on every run.
    """
    say("== LlamaIndex RAG: VectorStoreIndex + Aimhub ==")
    splitter = SentenceSplitter(chunk_size=256, id_func=lambda i, doc: f"{doc.doc_id}-{i}")
    index = VectorStoreIndex.from_documents(
        DOCUMENTS, transformations=[splitter], embed_model=MockEmbedding(embed_dim=8)
    )
    engine = index.as_query_engine(llm=llm, similarity_top_k=len(DOCUMENTS))
    say(f"query> {RAG_QUESTION}")
    say(f"answer< {engine.query(RAG_QUESTION)}")


async def _agent(llm: Aimhub, say: Callable[[str], None]) -> None:
    tools = [FunctionTool.from_defaults(get_weather), FunctionTool.from_defaults(get_time)]
    agent = FunctionAgent(
        tools=tools, llm=llm, system_prompt="Answer with the tools; call one tool per turn."
    )
    handler = agent.run(user_msg=AGENT_QUESTION)
    async for event in handler.stream_events():
        if isinstance(event, ToolCallResult):
            say(f"tool  {event.tool_name}({event.tool_kwargs}) -> {event.tool_output.content}")
    result = await handler
    say(f"answer< {result.response.content}")


def agent_section(llm: Aimhub, say: Callable[[str], None]) -> None:
    """A `FunctionAgent` answering with two tools over several turns."""
    say("== LlamaIndex agent: FunctionAgent + Aimhub ==")
    say(f"user> {AGENT_QUESTION}")
    asyncio.run(_agent(llm, say))


#: (cassette name, section): replaying a section reads `cassettes/llamaindex/demo/<name>.yaml`.
SECTIONS: list[tuple[str, Callable[[Aimhub, Callable[[str], None]], None]]] = [
    ("rag", rag_section),
    ("agent", agent_section),
]


@contextmanager
def replaying(cassette: Path) -> Iterator[None]:
    """Answer every HTTP call from a cassette; an unrecorded call fails, it never goes out."""
    import vcr  # a test dependency: only needed to replay

    if not cassette.is_file():
        msg = f"missing cassette {cassette}; run scripts/build_llamaindex_cassettes.py"
        raise FileNotFoundError(msg)
    replayer = vcr.VCR(
        record_mode="none",
        match_on=["method", "scheme", "host", "port", "path", "query", "body"],
        decode_compressed_response=True,
    )
    with replayer.use_cassette(str(cassette)):
        yield


def main(out: TextIO = sys.stdout) -> int:
    """Run both sections, live when `AIMHUB_API_KEY` is set, else from cassettes."""

    def say(text: str) -> None:
        print(text, file=out, flush=True)

    live = bool(os.environ.get(API_KEY_ENV, "").strip())
    try:
        if live:
            llm = Aimhub(model=os.environ.get("AIMHUB_MODEL") or REPLAY_MODEL)
            say(f"Live: {llm.base_url} with model {llm.model}.")
        else:
            llm = Aimhub(model=REPLAY_MODEL, api_key=REPLAY_KEY, max_retries=0)
            say(f"No {API_KEY_ENV} set: replaying cassettes/llamaindex/demo/ (offline).")
        for name, section in SECTIONS:
            with nullcontext() if live else replaying(CASSETTES / f"{name}.yaml"):
                section(llm, say)
            say("")
    except AimhubError as exc:
        say(f"llamaindex demo failed: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
