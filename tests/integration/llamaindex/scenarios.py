"""LlamaIndex scenarios run against `Aimhub`: replayed by the tests, recorded by the builder.

`scripts/build_llamaindex_cassettes.py` runs each scenario over `FamilyGateway` (a fake
gateway answering in documented one-api/new-api shapes) with vcrpy recording, and the tests
replay the same scenario from that cassette with a plain `Aimhub`, so requests match byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from llama_index.core import Document, VectorStoreIndex
from llama_index.core.agent.workflow import FunctionAgent
from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ImageBlock,
    MessageRole,
    TextBlock,
)
from llama_index.core.embeddings import MockEmbedding
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.prompts import PromptTemplate
from llama_index.core.tools import FunctionTool
from pydantic import BaseModel

from llamaindex_aimhub import Aimhub

#: The key replays are run with; recording filters every credential header out anyway.
REPLAY_KEY = "sk-cassette-replay-0000000000"

DOCUMENTS = [
    Document(
        id_="aimhub",
        text="Aimhub is an aggregator gateway built on new-api. It serves GPT, Claude, Gemini, "
        "Qwen and DeepSeek models behind one OpenAI-compatible /v1/chat/completions route.",
    ),
    Document(
        id_="quota",
        text="When a key's quota is used up, one-api answers HTTP 401 with the message "
        "'该令牌额度已用尽'; new-api answers 403 with the code insufficient_user_quota.",
    ),
    Document(
        id_="stream",
        text="new-api ends a stream after 60 seconds of upstream silence and still sends "
        "[DONE], so the last chunk carries no finish_reason.",
    ),
]
RAG_QUESTION = "What does one-api answer when a key's quota is used up?"
RAG_ANSWER = "It answers HTTP 401 with the message '该令牌额度已用尽' (the key's quota is used up)."


class Joke(BaseModel):
    """A joke with its punchline."""

    setup: str
    punchline: str


JOKE = {"setup": "Why did the gateway retry?", "punchline": "It got a 429 and kept its cool."}


def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"Sunny, 21°C in {city}."


def get_time(city: str) -> str:
    """The local time in a city."""
    return f"It is 10:00 in {city}."


AGENT_ANSWER = "In Paris it is sunny at 21°C, and the local time is 10:00."
STREAM_ANSWER = "Rivers: the Yangtze, the Yellow River and the Pearl River."
#: The picture of VMAN's API docs, asked about as in Aimhub's (`What’s in this image?`, detail
#: "low"); docs/gateway-behaviour.md, 'Sources'.
IMAGE_URL = (
    "https://github.com/dianping/cat/raw/master/cat-home/src/main/webapp/images/logo/cat_logo03.png"
)
IMAGE_ANSWER = "This is the logo of CAT, a cartoon cat's head above the word CAT."


def rag_query(llm: Aimhub) -> str:
    """A `VectorStoreIndex` over three documents, queried with `Aimhub`.

    `MockEmbedding` gives every text the same vector, so all three chunks tie; fixed node ids
    (`id_func`) make the tie order, and so the prompt, the same on every run.
    """
    splitter = SentenceSplitter(chunk_size=256, id_func=lambda i, doc: f"{doc.doc_id}-{i}")
    index = VectorStoreIndex.from_documents(
        DOCUMENTS, transformations=[splitter], embed_model=MockEmbedding(embed_dim=8)
    )
    engine = index.as_query_engine(llm=llm, similarity_top_k=len(DOCUMENTS))
    return str(engine.query(RAG_QUESTION))


async def agent_run(llm: Aimhub) -> tuple[str, list[str]]:
    """A `FunctionAgent` with two tools; returns its answer and the tools it called, in order."""
    tools = [FunctionTool.from_defaults(get_weather), FunctionTool.from_defaults(get_time)]
    agent = FunctionAgent(
        tools=tools, llm=llm, system_prompt="Answer with the tools; call one tool per turn."
    )
    handler = agent.run(user_msg="What is the weather and the local time in Paris?")
    called: list[str] = []
    async for event in handler.stream_events():
        name = type(event).__name__
        if name == "ToolCallResult":
            called.append(event.tool_name)
    result = await handler
    return str(result.response.content), called


def structured_joke(llm: Aimhub) -> Joke:
    """`structured_predict` into a pydantic model."""
    return llm.structured_predict(
        Joke, PromptTemplate("Tell a joke about {topic}."), topic="retries"
    )


def streaming_chat(llm: Aimhub) -> list[ChatResponse]:
    """Every response of a streamed chat."""
    messages = [ChatMessage(role=MessageRole.USER, content="Name three rivers in China.")]
    return list(llm.stream_chat(messages))


def image_chat(llm: Aimhub) -> ChatResponse:
    """A chat with an image (by URL) and a question about it."""
    message = ChatMessage(
        role=MessageRole.USER,
        blocks=[TextBlock(text="What’s in this image?"), ImageBlock(url=IMAGE_URL, detail="low")],
    )
    return llm.chat([message])


@dataclass(frozen=True)
class Scenario:
    """One cassette: the model it runs on and what the fake gateway says."""

    model: str
    gateway: dict[str, Any] = field(default_factory=dict)
    #: Where the replayed answers come from (for cassettes/README.md).
    provenance: str = ""


SCENARIOS: dict[str, Scenario] = {
    "test_vector_store_index_query": Scenario(
        "gpt-4o-mini",
        {"text": RAG_ANSWER},
        "Aimhub's and 数标标's API docs' `chat.completion` body; docs/gateway-behaviour.md §1 "
        "request id, §2.3 quota messages",
    ),
    "test_function_agent_calls_two_tools": Scenario(
        "gpt-4o-mini",
        {"text": AGENT_ANSWER, "parallel": False},
        "docs/gateway-behaviour.md §6 (a) OpenAI-style tool-call chunks, §3 SSE framing, "
        "§4 usage-only chunk",
    ),
    "test_structured_predict_into_a_pydantic_model": Scenario(
        "gpt-4o-mini",
        {"structured": JOKE},
        "数标标's API docs' `chat.completion` body; docs/gateway-behaviour.md §9 structured "
        "output (json_schema family)",
    ),
    "test_streaming_chat": Scenario(
        "deepseek-reasoner",
        {"text": STREAM_ANSWER},
        "docs/gateway-behaviour.md §3 SSE framing, §4 DeepSeek usage fields, "
        "§7 `reasoning_content` deltas",
    ),
    "test_chat_with_an_image": Scenario(
        "gpt-4o-mini",
        {"text": IMAGE_ANSWER},
        "Aimhub's and VMAN's API docs (image_url request, answer body); "
        "docs/gateway-behaviour.md §5 remote images",
    ),
}


def replay_llm(model: str, **kwargs: Any) -> Aimhub:
    """The `Aimhub` the tests replay with: default gateway address, no retries."""
    return Aimhub(model=model, api_key=REPLAY_KEY, max_retries=0, **kwargs)
