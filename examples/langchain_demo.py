"""LangChain demo: `ChatAimhub` invoke, stream and a tool-calling agent, live or replayed.

Live when `AIMHUB_API_KEY` is set (`AIMHUB_BASE_URL`, `AIMHUB_MODEL` optional); otherwise it
replays `cassettes/demo/langchain.yaml`, built by `scripts/build_langchain_cassettes.py` from a
scripted gateway (see `cassettes/README.md`), with no network.

Install: `pip install "aimhub-llm[examples]"` (what `make demo` runs it with).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from langchain.agents import create_agent
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool

from langchain_aimhub import ChatAimhub

ROOT = Path(__file__).resolve().parent.parent
CASSETTE = ROOT / "cassettes" / "demo" / "langchain.yaml"

#: What the replay cassette was built against: the scripted gateway's fixed fake address.
REPLAY_BASE_URL = "https://gateway.aimhub.test/v1"
REPLAY_KEY = "sk-test"
DEFAULT_MODEL = "gpt-4o-mini"

PROMPT = "Introduce yourself in one short sentence."
STREAM_PROMPT = "Write a two-line poem about the sea."
AGENT_PROMPT = "What's the weather in Paris and Tokyo, and which of them has more people?"

WEATHER = {"Paris": "14°C, light rain", "Tokyo": "22°C, clear skies"}
POPULATION = {"Paris": 2_102_650, "Tokyo": 13_960_236}


@tool
def get_weather(location: str) -> str:
    """Current weather in a city."""
    return WEATHER.get(location, "no data")


@tool
def get_population(city: str) -> int:
    """Number of people living in a city."""
    return POPULATION.get(city, 0)


def run(llm: ChatAimhub, out: TextIO = sys.stdout) -> None:
    """The three sections: invoke, stream, a tool-calling agent."""

    def say(text: str = "", end: str = "\n") -> None:
        print(text, end=end, file=out, flush=True)

    say("== LangChain: ChatAimhub ==")
    say(f"invoke> {PROMPT}")
    reply = llm.invoke(PROMPT)
    say(f"reply< {reply.text}")
    usage = reply.usage_metadata or {}
    say(
        f"(tokens in/out: {usage.get('input_tokens')}/{usage.get('output_tokens')}, "
        f"request id: {reply.response_metadata.get('request_id')})"
    )

    say(f"stream> {STREAM_PROMPT}")
    say("stream< ", end="")
    for chunk in llm.stream(STREAM_PROMPT):
        say(chunk.text, end="")
    say()

    say(f"agent> {AGENT_PROMPT}")
    agent = create_agent(llm, [get_weather, get_population])
    for message in agent.invoke({"messages": [HumanMessage(AGENT_PROMPT)]})["messages"][1:]:
        say(_describe(message))


def _describe(message: Any) -> str:
    if isinstance(message, AIMessage) and message.tool_calls:
        calls = ", ".join(f"{c['name']}({c['args']})" for c in message.tool_calls)
        return f"  model calls: {calls}"
    if isinstance(message, ToolMessage):
        return f"  {message.name} -> {message.content}"
    return f"agent< {message.text}"


@contextmanager
def replaying(cassette: Path) -> Iterator[None]:
    """Answer every HTTP call from the cassette; an unrecorded call fails, it never goes out."""
    import vcr  # a test dependency: only needed to replay

    replayer = vcr.VCR(
        record_mode="none",
        match_on=["method", "scheme", "host", "port", "path", "query", "body"],
        decode_compressed_response=True,
    )
    with replayer.use_cassette(str(cassette)):
        yield


def replay_model() -> ChatAimhub:
    """The model the replay cassette was built with."""
    return ChatAimhub(model=DEFAULT_MODEL, base_url=REPLAY_BASE_URL, api_key=REPLAY_KEY)


def main(out: TextIO = sys.stdout) -> int:
    """Run the demo: live when `AIMHUB_API_KEY` is set, else replayed from its cassette."""
    if os.environ.get("AIMHUB_API_KEY", "").strip():
        llm = ChatAimhub(model=os.environ.get("AIMHUB_MODEL") or DEFAULT_MODEL)
        where = os.environ.get("AIMHUB_BASE_URL") or "Aimhub's default gateway"
        print(f"Live: {llm.model_name} via {where} (AIMHUB_API_KEY is set).", file=out)
        run(llm, out)
        return 0
    print(
        "No AIMHUB_API_KEY set: replaying cassettes/demo/langchain.yaml (offline, built from a "
        "scripted gateway). Set AIMHUB_API_KEY to go live.",
        file=out,
    )
    with replaying(CASSETTE):
        run(replay_model(), out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
