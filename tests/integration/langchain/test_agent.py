"""A LangChain agent (`langchain.agents.create_agent`, on LangGraph) with two tools, several turns.

Replayed from `cassettes/langchain/test_agent/`, built by `scripts/build_langchain_cassettes.py`
(a scripted new-api gateway relaying gpt-4o-mini; see `cassettes/README.md`). The agent keeps
its conversation in a checkpointer, so the second question ("those two cities") only makes sense
with the first turn's history: the model calls both tools, in parallel, over two user turns.
"""

from __future__ import annotations

from typing import Any

import pytest
from langchain.agents import create_agent
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, ToolMessage
from langchain_core.tools import tool
from langgraph.checkpoint.memory import InMemorySaver

from langchain_aimhub import ChatAimhub

pytestmark = pytest.mark.vcr

GATEWAY_URL = "https://gateway.aimhub.test/v1"
API_KEY = "sk-test"

WEATHER = {"Paris": "14°C, light rain", "Tokyo": "22°C, clear skies"}
POPULATION = {"Paris": 2_102_650, "Tokyo": 13_960_236}


@tool
def get_weather(location: str) -> str:
    """Current weather in a city."""
    return WEATHER.get(location, "unknown")


@tool
def get_population(city: str) -> int:
    """Number of people living in a city."""
    return POPULATION[city]


def _agent() -> Any:
    llm = ChatAimhub(model="gpt-4o-mini", base_url=GATEWAY_URL, api_key=API_KEY, temperature=0)
    return create_agent(
        llm,
        [get_weather, get_population],
        system_prompt="You answer questions about cities. Use the tools for facts.",
        checkpointer=InMemorySaver(),
    )


CONFIG = {"configurable": {"thread_id": "cities"}}
FIRST = "What's the weather in Paris and Tokyo?"
SECOND = "Which of those two cities has more people?"


def _calls(message: Any) -> list[tuple[str, dict[str, Any]]]:
    return [(c["name"], c["args"]) for c in message.tool_calls]


def _check_first_turn(messages: list[Any]) -> None:
    human, calls, *results, answer = messages
    assert isinstance(human, HumanMessage)
    assert isinstance(calls, AIMessage)
    assert _calls(calls) == [
        ("get_weather", {"location": "Paris"}),
        ("get_weather", {"location": "Tokyo"}),
    ]
    assert [r.content for r in results] == [WEATHER["Paris"], WEATHER["Tokyo"]]
    assert all(isinstance(r, ToolMessage) for r in results)
    assert [r.tool_call_id for r in results] == [c["id"] for c in calls.tool_calls]
    assert isinstance(answer, AIMessage)
    assert "light rain" in answer.text
    assert "clear skies" in answer.text
    assert answer.usage_metadata is not None
    assert answer.response_metadata["finish_reason"] == "stop"


def test_agent_answers_over_two_turns_with_parallel_tool_calls() -> None:
    agent = _agent()
    first = agent.invoke({"messages": [HumanMessage(FIRST)]}, CONFIG)["messages"]
    _check_first_turn(first)

    second = agent.invoke({"messages": [HumanMessage(SECOND)]}, CONFIG)["messages"]
    new = second[len(first) :]
    human, calls, *results, answer = new
    assert human.content == SECOND
    assert _calls(calls) == [
        ("get_population", {"city": "Paris"}),
        ("get_population", {"city": "Tokyo"}),
    ]
    assert [r.content for r in results] == ["2102650", "13960236"]
    assert "Tokyo has the most people" in answer.text


class _ReferenceModel(GenericFakeChatModel):
    def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
        return self


async def _framework_streams_agent_tokens() -> bool:
    """Whether this langchain/langgraph pair streams *any* chat model inside an agent.

    langgraph 1.2 with langchain-core 1.7 (the newest core on Python 3.10) streams no model's
    tokens in `stream_mode="messages"`, LangChain's own fake model included.
    """
    agent = create_agent(_ReferenceModel(messages=iter([AIMessage("one two")])), [])
    async for message, _meta in agent.astream(
        {"messages": [HumanMessage("hi")]}, stream_mode="messages"
    ):
        if isinstance(message, AIMessageChunk):
            return True
    return False


async def test_agent_streams_its_tokens_and_tool_calls_async() -> None:
    """`astream(stream_mode="messages")`: the model streams, tool-call chunks merge per call."""
    if not await _framework_streams_agent_tokens():
        import langchain_core
        import langgraph.version

        pytest.skip(
            f"langgraph {langgraph.version.__version__} on langchain-core "
            f"{langchain_core.__version__} streams no chat model's tokens in an agent"
        )
    agent = _agent()
    chunks: list[AIMessageChunk] = []
    tool_results: list[ToolMessage] = []
    async for message, _meta in agent.astream(
        {"messages": [HumanMessage(FIRST)]}, CONFIG, stream_mode="messages"
    ):
        if isinstance(message, AIMessageChunk):
            chunks.append(message)
        elif isinstance(message, ToolMessage):
            tool_results.append(message)
    calls_turn = [c for c in chunks if c.tool_call_chunks]
    merged = calls_turn[0]
    for chunk in calls_turn[1:]:
        merged = merged + chunk
    assert _calls(merged) == [
        ("get_weather", {"location": "Paris"}),
        ("get_weather", {"location": "Tokyo"}),
    ]
    # The two tools run concurrently, so their results stream in the order they finish; each
    # must still answer its own call.
    answers = {r.tool_call_id: r.content for r in tool_results}
    assert len(tool_results) == len(answers) == 2
    assert answers == {c["id"]: WEATHER[c["args"]["location"]] for c in merged.tool_calls}
    text = "".join(c.text for c in chunks)
    assert "light rain" in text
    assert sum(1 for c in chunks if c.usage_metadata) == 2  # one per model call

    state = await agent.aget_state(CONFIG)
    _check_first_turn(state.values["messages"])
