"""Message ids are unique per generated message, whatever completion id the gateway sends.

LangGraph's `add_messages` merges messages with equal ids, so a gateway that answers every call
with the same id (or an empty one) would make an agent overwrite its own turns.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from langchain.agents import create_agent
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langchain_core.tools import tool

from tests.unit.langchain._gateway import Gateway, completion, delta, make_llm, sse

runs: list[str] = []


@tool
def get_weather(city: str) -> str:
    """Weather in a city."""
    runs.append(f"weather:{city}")
    return f"sunny in {city}"


@tool
def get_time(city: str) -> str:
    """Local time in a city."""
    runs.append(f"time:{city}")
    return f"noon in {city}"


def _call(name: str, call_id: str) -> dict[str, Any]:
    return {
        "id": call_id,
        "type": "function",
        "function": {"name": name, "arguments": '{"city": "Paris"}'},
    }


def _constant_id(reply: dict[str, Any], gateway_id: str) -> dict[str, Any]:
    return {**reply, "id": gateway_id}


@pytest.mark.parametrize("gateway_id", ["chatcmpl-s", ""])
def test_two_tool_agent_keeps_every_turn_when_the_gateway_repeats_its_id(
    gateway_id: str,
) -> None:
    gateway = Gateway(
        _constant_id(completion(None, tool_calls=[_call("get_weather", "c1")]), gateway_id),
        _constant_id(completion(None, tool_calls=[_call("get_time", "c2")]), gateway_id),
        _constant_id(completion("Sunny, and it is noon."), gateway_id),
    )
    runs.clear()
    agent = create_agent(model=make_llm(gateway), tools=[get_weather, get_time])

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        state = agent.invoke({"messages": [HumanMessage("Weather and time in Paris?")]})

    messages = state["messages"]
    kinds = [type(m).__name__ for m in messages]
    assert kinds == [
        "HumanMessage",
        "AIMessage",
        "ToolMessage",
        "AIMessage",
        "ToolMessage",
        "AIMessage",
    ]
    assert runs == ["weather:Paris", "time:Paris"]
    assert len({m.id for m in messages}) == 6
    assert all(m.response_metadata["id"] == gateway_id for m in messages[1::2])


def test_react_agent_two_tools_against_a_constant_id_gateway() -> None:
    from langgraph.prebuilt import create_react_agent

    gateway = Gateway(
        completion(None, tool_calls=[_call("get_weather", "c1")]),
        completion(None, tool_calls=[_call("get_time", "c2")]),
        completion("done"),
    )  # `completion()` always answers with id "chatcmpl-9"
    runs.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        agent = create_react_agent(make_llm(gateway), [get_weather, get_time])
        state = agent.invoke({"messages": [HumanMessage("Weather and time in Paris?")]})
    assert len(state["messages"]) == 6
    assert sum(isinstance(m, ToolMessage) for m in state["messages"]) == 2
    assert runs == ["weather:Paris", "time:Paris"]


def test_invoke_ids_differ_per_call_and_per_choice_and_keep_the_gateway_id() -> None:
    reply = completion("a")
    reply["choices"].append({**reply["choices"][0], "index": 1})
    llm = make_llm(Gateway(reply))
    first, second = llm.invoke("hi"), llm.invoke("hi")
    assert first.id
    assert second.id
    assert first.id != second.id
    assert first.response_metadata["id"] == "chatcmpl-9"
    result = llm.generate([[HumanMessage("hi")]], n=2)
    ids = [g.message.id for g in result.generations[0]]
    assert len(ids) == 2
    assert len(set(ids)) == 2


def test_stream_ids_differ_per_call_and_keep_the_gateway_id() -> None:
    body = sse(delta(content="a"), delta(finish_reason="stop"))
    llm = make_llm(Gateway(body))
    messages = []
    for _ in range(2):
        chunks = list(llm.stream("hi"))
        assert len({c.id for c in chunks}) == 1
        whole = chunks[0]
        for chunk in chunks[1:]:
            whole += chunk
        messages.append(whole)
    assert messages[0].id != messages[1].id
    assert messages[0].response_metadata["id"] == "chatcmpl-1"


async def test_streaming_agent_turns_stay_distinct() -> None:
    gateway = Gateway(
        sse(
            delta(tool_calls=[{"index": 0, **_call("get_weather", "c1")}]),
            delta(finish_reason="tool_calls"),
        ),
        sse(delta(content="sunny"), delta(finish_reason="stop")),
    )
    runs.clear()
    agent = create_agent(model=make_llm(gateway, streaming=True), tools=[get_weather])
    state = await agent.ainvoke({"messages": [HumanMessage("Weather in Paris?")]})
    assert [type(m) for m in state["messages"]] == [HumanMessage, AIMessage, ToolMessage, AIMessage]
    assert runs == ["weather:Paris"]
