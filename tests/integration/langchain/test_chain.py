"""An LCEL chain, `prompt | ChatAimhub.with_structured_output(Model)`, replayed.

Cassettes in `cassettes/langchain/test_chain/`, built by `scripts/build_langchain_cassettes.py`
(a scripted new-api gateway relaying gpt-4o-mini; see `cassettes/README.md`).
"""

from __future__ import annotations

from typing import Literal

import pytest
from langchain_core.messages import AIMessage
from langchain_core.prompts import ChatPromptTemplate
from pydantic import BaseModel, Field

from langchain_aimhub import ChatAimhub

pytestmark = pytest.mark.vcr

GATEWAY_URL = "https://gateway.aimhub.test/v1"
API_KEY = "sk-test"

OUTAGE = "I cannot log in since this morning, the page just spins."
INVOICE = "Could you send me a copy of last month's invoice?"


class SupportTicket(BaseModel):
    """A support ticket made from a customer's message."""

    title: str = Field(description="One-line summary of the problem")
    priority: Literal["low", "medium", "high"] = Field(description="How urgent it is")
    component: str = Field(description="Affected part of the product, e.g. login or billing")


PROMPT = ChatPromptTemplate.from_messages(
    [
        ("system", "You turn customer messages into support tickets."),
        ("human", "Customer message: {message}"),
    ]
)


def _llm() -> ChatAimhub:
    return ChatAimhub(model="gpt-4o-mini", base_url=GATEWAY_URL, api_key=API_KEY, temperature=0)


def test_chain_returns_the_model_instance() -> None:
    chain = PROMPT | _llm().with_structured_output(SupportTicket)
    ticket = chain.invoke({"message": OUTAGE})
    assert ticket == SupportTicket(
        title="I cannot log in since this morning, the page just spins",
        priority="high",
        component="login",
    )


def test_chain_batches_and_runs_async() -> None:
    chain = PROMPT | _llm().with_structured_output(SupportTicket)
    tickets = chain.batch([{"message": OUTAGE}, {"message": INVOICE}])
    assert [(t.priority, t.component) for t in tickets] == [("high", "login"), ("low", "billing")]


async def test_chain_ainvoke() -> None:
    chain = PROMPT | _llm().with_structured_output(SupportTicket)
    ticket = await chain.ainvoke({"message": INVOICE})
    assert isinstance(ticket, SupportTicket)
    assert ticket.component == "billing"


def test_chain_through_function_calling_with_the_raw_message() -> None:
    structured = _llm().with_structured_output(
        SupportTicket, method="function_calling", include_raw=True
    )
    result = (PROMPT | structured).invoke({"message": OUTAGE})
    assert result["parsing_error"] is None
    assert result["parsed"].priority == "high"
    raw = result["raw"]
    assert isinstance(raw, AIMessage)
    assert raw.tool_calls[0]["name"] == "SupportTicket"
    assert raw.response_metadata["finish_reason"] == "tool_calls"
    assert raw.usage_metadata is not None


def test_chain_streams_the_final_object() -> None:
    chain = PROMPT | _llm().with_structured_output(SupportTicket)
    chunks = list(chain.stream({"message": INVOICE}))
    assert chunks
    assert chunks[-1].component == "billing"
