"""Bad input gets a clear error before anything is sent, whatever the entry point."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from llama_index.core.llms import ChatMessage

import aimhub
from aimhub import ConfigurationError
from aimhub._validate import _RULES
from langchain_aimhub import ChatAimhub
from llamaindex_aimhub import Aimhub
from llamaindex_aimhub._convert import as_chat_messages
from tests.fakes import BASE_URL, TEST_KEY, call, chat_chunk, chat_completion, sse

HI = [{"role": "user", "content": "hi"}]


class Recorder:
    """A gateway that answers every request and counts them; tests assert it saw none."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json=chat_completion("ok"))


def _options(gateway: Recorder) -> dict[str, Any]:
    return {
        "api_key": TEST_KEY,
        "base_url": BASE_URL,
        "max_retries": 0,
        "http_client": httpx.Client(transport=httpx.MockTransport(gateway)),
    }


def _core(gateway: Recorder, is_async: bool) -> aimhub.AimhubClient | aimhub.AsyncAimhubClient:
    transport = httpx.MockTransport(gateway)
    if is_async:
        client = httpx.AsyncClient(transport=transport)
        return aimhub.AsyncAimhubClient(api_key=TEST_KEY, base_url=BASE_URL, http_client=client)
    return aimhub.AimhubClient(
        api_key=TEST_KEY, base_url=BASE_URL, http_client=httpx.Client(transport=transport)
    )


# --- the core client ----------------------------------------------------------------------

BAD_BODIES: dict[str, tuple[dict[str, Any], str]] = {
    "no model": ({"messages": HI}, "no model given"),
    "empty model": ({"model": "", "messages": HI}, "model must be a non-empty"),
    "blank model": ({"model": "  ", "messages": HI}, "model must be a non-empty"),
    "model not a string": ({"model": 3, "messages": HI}, "model must be a non-empty"),
    "messages a string": ({"model": "m", "messages": "hello"}, "messages must be a non-empty list"),
    "messages missing": ({"model": "m"}, "messages must be a non-empty list"),
    "messages empty": ({"model": "m", "messages": []}, "messages must be a non-empty list"),
    "messages a dict": ({"model": "m", "messages": {"role": "user"}}, "messages must be"),
    "ints": ({"model": "m", "messages": [1, 2]}, "message 0 must be a dict"),
    "pairs": ({"model": "m", "messages": [["user", "hi"]]}, "message 0 must be a dict"),
    "no role": ({"model": "m", "messages": [{"content": "hi"}]}, "message 0 has no 'role'"),
    "max_tokens": ({"model": "m", "messages": HI, "max_tokens": -5}, "max_tokens must be"),
    "n": ({"model": "m", "messages": HI, "n": 0}, "n must be an integer >= 1"),
    "temperature": ({"model": "m", "messages": HI, "temperature": 7}, "temperature must be"),
    "temperature text": ({"model": "m", "messages": HI, "temperature": "hot"}, "temperature"),
}


@pytest.mark.parametrize("case", list(BAD_BODIES))
@pytest.mark.parametrize("method", ["chat", "stream_chat"])
@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_core_client_rejects_bad_bodies_before_sending(
    case: str, method: str, is_async: bool
) -> None:
    body, expected = BAD_BODIES[case]
    gateway = Recorder()
    with pytest.raises(ConfigurationError, match=expected):
        await call(_core(gateway, is_async), method, body)
    assert gateway.requests == []


@pytest.mark.parametrize(
    ("method", "body", "expected"),
    [
        ("embed", {"model": "", "input": ["a"]}, "model must be"),
        ("embed", {"model": "e", "input": ["a"], "dimensions": -1}, "dimensions must be"),
        ("rerank", {"query": "q", "documents": ["a"]}, "no model given"),
        ("rerank", {"model": "r", "query": "q", "documents": ["a"], "top_n": 0}, "top_n must"),
        ("complete", {"model": "m", "prompt": "p", "max_tokens": 0}, "max_tokens must"),
    ],
)
def test_other_endpoints_are_checked_too(method: str, body: dict[str, Any], expected: str) -> None:
    gateway = Recorder()
    with pytest.raises(ConfigurationError, match=expected):
        getattr(_core(gateway, False), method)(body)
    assert gateway.requests == []


# --- the frameworks -----------------------------------------------------------------------


def test_chataimhub_rejects_bad_settings_at_construction() -> None:
    with pytest.raises(ConfigurationError, match="max_tokens must be an integer >= 1, got -5"):
        ChatAimhub(model="m", api_key=TEST_KEY, max_tokens=-5)
    with pytest.raises(ConfigurationError, match="model must be a non-empty"):
        ChatAimhub(model="", api_key=TEST_KEY)


def test_llamaindex_rejects_an_empty_model_at_construction() -> None:
    with pytest.raises(ConfigurationError, match="model must be a non-empty"):
        Aimhub(model="", api_key=TEST_KEY)


def test_chataimhub_invoke_checks_call_arguments_before_sending() -> None:
    gateway = Recorder()
    llm = ChatAimhub(model="m", **_options(gateway))
    with pytest.raises(ConfigurationError, match="max_tokens must be"):
        llm.invoke("hi", max_tokens=-5)
    with pytest.raises(ConfigurationError, match="model must be"):
        llm.invoke("hi", model=" ")
    assert gateway.requests == []


def test_llamaindex_chat_checks_call_arguments_before_sending() -> None:
    gateway = Recorder()
    llm = Aimhub(model="m", **_options(gateway))
    with pytest.raises(ConfigurationError, match="max_tokens must be"):
        llm.chat([ChatMessage(role="user", content="hi")], max_tokens=-5)
    assert gateway.requests == []


# A wider range than the catalogue's (gpt-4o-mini: [0, 2]), e.g. for a relay whose upstream
# takes more: the instance's record decides, in the adapter's clamp and in the core's check.
WIDE = {"temperature_range": (0.0, 5.0), "top_p_range": (0.0, 3.0)}


def test_chataimhub_validates_against_its_capabilities_override() -> None:
    gateway = Recorder()
    llm = ChatAimhub(model="gpt-4o-mini", capabilities=WIDE, temperature=3.5, **_options(gateway))
    llm.invoke("hi", top_p=2.5)
    sent = json.loads(gateway.requests[0].content)
    assert (sent["temperature"], sent["top_p"]) == (3.5, 2.5)


def test_chataimhub_streams_validate_against_its_capabilities_override() -> None:
    sent: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        body = sse(chat_chunk("ok"))
        return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})

    llm = ChatAimhub(
        model="gpt-4o-mini",
        capabilities=WIDE,
        temperature=3.5,
        api_key=TEST_KEY,
        base_url=BASE_URL,
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    assert "".join(str(c.content) for c in llm.stream("hi")) == "ok"
    assert sent[0]["temperature"] == 3.5


def test_llamaindex_validates_against_its_capabilities_override() -> None:
    gateway = Recorder()
    llm = Aimhub(model="gpt-4o-mini", capabilities=WIDE, temperature=3.5, **_options(gateway))
    llm.chat([ChatMessage(role="user", content="hi")], top_p=2.5)
    sent = json.loads(gateway.requests[0].content)
    assert (sent["temperature"], sent["top_p"]) == (3.5, 2.5)


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
async def test_core_client_validates_against_given_capabilities(is_async: bool) -> None:
    gateway = Recorder()
    client = _core(gateway, is_async)
    body = {"model": "gpt-4o-mini", "messages": HI, "temperature": 3.5}
    with pytest.raises(ConfigurationError, match="temperature must be a number from 0 to 2"):
        await call(client, "chat", body)
    caps = aimhub.capabilities_for("gpt-4o-mini", WIDE)
    await call(client, "chat", body, capabilities=caps)
    await call(client, "chat", body, capabilities=WIDE)  # or just the fields to change
    assert [json.loads(r.content)["temperature"] for r in gateway.requests] == [3.5, 3.5]


def test_llamaindex_chat_accepts_openai_style_dicts() -> None:
    gateway = Recorder()
    llm = Aimhub(model="m", **_options(gateway))
    dicts: Any = [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}]
    assert llm.chat(dicts).message.content == "ok"
    sent = httpx.Response(200, content=gateway.requests[0].content).json()
    assert sent["messages"] == dicts


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        ("hello", "messages must be a list of ChatMessage"),
        ([1], "message 0 is a int, not a ChatMessage"),
        ([{"role": "wizard", "content": "hi"}], "message 0 has role 'wizard'"),
        ([{"role": "user", "content": [{"type": "text"}]}], "pass a ChatMessage with blocks"),
    ],
)
def test_llamaindex_messages_that_are_not_chat_messages_are_named(
    messages: Any, expected: str
) -> None:
    # `chat()`'s callback lets dicts through to us; it rejects other shapes itself.
    with pytest.raises(ConfigurationError, match=expected):
        as_chat_messages(messages)


# --- property: random invalid values, every entry point -------------------------------------


def _invalid_for(name: str, *, typed: bool) -> st.SearchStrategy[Any]:
    # `typed`: a pydantic field, which itself converts `True` or `"3"` (lax mode), so only
    # values no conversion can rescue are drawn.
    rule = _RULES[name]
    loose = st.booleans() | st.text(max_size=5).filter(
        lambda t: not t.strip().lstrip("-").isdigit()
    )
    wrong_type = st.lists(st.integers(), max_size=2) | st.sampled_from([math.nan, math.inf])
    options = [wrong_type if typed else wrong_type | loose]
    if rule.integer:
        fractions = st.floats(
            allow_nan=False, allow_infinity=False, max_value=1e15, min_value=-1e15
        )
        options.append(fractions.filter(lambda f: f != int(f)))
    if rule.low is not None:
        options.append(st.integers(max_value=math.ceil(rule.low) - 1))
    if rule.high is not None:
        options.append(st.integers(min_value=int(rule.high) + 1))
    return st.one_of(options)


_CHAT_PARAMS = [n for n in _RULES if n not in ("dimensions", "top_n")]
_SAMPLING = st.sampled_from(["temperature", "top_p"])


@st.composite
def _bad_param(draw: st.DrawFn, *, sampling_numbers: bool, typed: bool) -> tuple[str, Any]:
    if draw(st.booleans()):
        name = draw(st.sampled_from(_CHAT_PARAMS))
        return name, draw(_invalid_for(name, typed=typed))
    name = draw(_SAMPLING)
    # The adapters clamp out-of-range sampling values (with a warning); wrong types they send.
    bad_numbers = st.floats(min_value=2.01, max_value=1e9) | st.floats(max_value=-0.01)
    wrong = st.sampled_from([math.nan, math.inf, [0.5]])
    if not typed:
        wrong |= st.booleans() | st.sampled_from(["hot", "", "0.5x"])
    return name, draw(bad_numbers | wrong if sampling_numbers else wrong)


def _core_entry(gateway: Recorder) -> Callable[[str, Any], object]:
    client = _core(gateway, False)
    return lambda name, value: client.chat(model="gpt-4o", messages=HI, **{name: value})


def _core_stream_entry(gateway: Recorder) -> Callable[[str, Any], object]:
    client = _core(gateway, False)
    return lambda name, value: client.stream_chat(model="gpt-4o", messages=HI, **{name: value})


def _langchain_entry(gateway: Recorder) -> Callable[[str, Any], object]:
    llm = ChatAimhub(model="gpt-4o", **_options(gateway))
    return lambda name, value: llm.invoke("hi", **{name: value})


def _llamaindex_entry(gateway: Recorder) -> Callable[[str, Any], object]:
    llm = Aimhub(model="gpt-4o", **_options(gateway))
    return lambda name, value: llm.chat([ChatMessage(role="user", content="hi")], **{name: value})


def _langchain_constructor(gateway: Recorder) -> Callable[[str, Any], object]:
    def build(name: str, value: Any) -> object:
        field = "max_tokens" if name in ("max_completion_tokens", "max_output_tokens") else name
        if field not in ChatAimhub.model_fields:
            llm = ChatAimhub(model="gpt-4o", model_kwargs={field: value}, **_options(gateway))
            return llm.invoke("hi")
        return ChatAimhub(model="gpt-4o", **{field: value}, **_options(gateway)).invoke("hi")

    return build


#: entry point -> (factory, out-of-range sampling values raise, values go through pydantic)
ENTRIES = {
    "core chat": (_core_entry, True, False),
    "core stream_chat": (_core_stream_entry, True, False),
    "ChatAimhub.invoke": (_langchain_entry, False, False),
    "ChatAimhub(...)": (_langchain_constructor, False, True),
    "Aimhub.chat": (_llamaindex_entry, False, False),
}


@pytest.mark.parametrize("entry", list(ENTRIES))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_invalid_values_raise_a_clear_error_and_send_nothing(
    entry: str, data: st.DataObject
) -> None:
    make, sampling_numbers, typed = ENTRIES[entry]
    name, value = data.draw(_bad_param(sampling_numbers=sampling_numbers, typed=typed))
    gateway = Recorder()
    send = make(gateway)
    with pytest.raises((ConfigurationError, ValueError, TypeError)) as info:
        send(name, value)
    message = str(info.value)
    sent_as = {"max_completion_tokens", "max_output_tokens", "max_tokens"}
    named = name in message or (name in sent_as and any(n in message for n in sent_as))
    assert named or "validation error" in message, message
    assert gateway.requests == []
