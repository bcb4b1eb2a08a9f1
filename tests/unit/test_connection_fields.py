"""The six adapter classes take one set of connection names, and never drop an unknown option."""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from llama_index.core.base.llms.types import ChatMessage

import langchain_aimhub
import llamaindex_aimhub
from aimhub import APITimeoutError, ConfigurationError, RateLimitError
from aimhub._deadline import CallLimits
from tests.unit.langchain import _gateway as lc

KEY = "sk-unit-test-key-0123456789"
CLASSES: list[type[Any]] = [
    langchain_aimhub.ChatAimhub,
    langchain_aimhub.AimhubEmbeddings,
    langchain_aimhub.AimhubRerank,
    llamaindex_aimhub.Aimhub,
    llamaindex_aimhub.AimhubEmbedding,
    llamaindex_aimhub.AimhubRerank,
]
IDS = [f"{c.__module__.split('.')[0]}.{c.__name__}" for c in CLASSES]


def _make(cls: type[Any], **options: Any) -> Any:
    return cls(model="m", api_key=KEY, **options)


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
@pytest.mark.parametrize("spelling", ["http_async_client", "async_http_client"])
def test_both_async_client_spellings_are_used(cls: type[Any], spelling: str) -> None:
    client = httpx.AsyncClient()
    sync = httpx.Client()
    instance = _make(cls, http_client=sync, **{spelling: client})
    assert instance._async_client._http is client
    assert instance._client._http is sync


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
@pytest.mark.parametrize("address", ["base_url", "api_base"])
@pytest.mark.parametrize("seconds", ["timeout", "request_timeout"])
def test_the_same_connection_names_everywhere(cls: type[Any], address: str, seconds: str) -> None:
    instance = _make(
        cls,
        max_retries=0,
        default_headers={"X-Tenant": "t"},
        default_query={"region": "cn"},
        **{address: "https://gw.test", seconds: 7.0},
    )
    config = instance._client.config
    assert instance._client.base_url == "https://gw.test/v1"
    assert config.max_retries == 0
    assert config.default_query == {"region": "cn"}
    assert config.default_headers["X-Tenant"] == "t"
    assert httpx.Timeout(config.timeout).read == 7.0


@pytest.mark.parametrize(
    ("cls", "typo", "meant"),
    [
        (langchain_aimhub.ChatAimhub, "temprature", "temperature"),
        (langchain_aimhub.AimhubEmbeddings, "dimension", "dimensions"),
        (langchain_aimhub.AimhubRerank, "topn", "top_n"),
    ],
)
def test_langchain_moves_unknown_options_to_model_kwargs_with_a_warning(
    cls: type[Any], typo: str, meant: str
) -> None:
    with pytest.warns(UserWarning, match=f"'{typo}' is not a .*did you mean '{meant}'"):
        instance = _make(cls, **{typo: 1})
    assert instance.model_kwargs == {typo: 1}


def test_an_unknown_chat_option_is_sent() -> None:
    gateway = lc.Gateway(lc.completion())
    with pytest.warns(UserWarning, match="'enable_search' is not a ChatAimhub parameter"):
        llm = lc.make_llm(gateway, enable_search=True)
    llm.invoke("hi")
    assert gateway.last["enable_search"] is True


def test_langchain_rejects_the_same_option_twice() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="both as an argument and in model_kwargs"):
            _make(CLASSES[0], foo=1, model_kwargs={"foo": 2})


@pytest.mark.parametrize("cls", CLASSES[3:], ids=IDS[3:])
def test_llamaindex_moves_unknown_options_to_additional_kwargs(cls: type[Any]) -> None:
    with pytest.warns(UserWarning, match="'foo' is not a .*moved to additional_kwargs"):
        instance = _make(cls, foo=1)
    assert instance.additional_kwargs == {"foo": 1}


def test_an_unknown_llamaindex_option_is_sent() -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(200, json=lc.completion())

    transport = httpx.MockTransport(handler)
    with pytest.warns(UserWarning, match="'enable_search'"):
        llm = llamaindex_aimhub.Aimhub(
            model="qwen-plus",
            api_key=KEY,
            http_client=httpx.Client(transport=transport),
            enable_search=True,
        )
    llm.chat([ChatMessage(role="user", content="hi")])
    assert seen[0]["enable_search"] is True


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
async def test_instances_share_the_default_pools(cls: type[Any]) -> None:
    instances = [_make(cls) for _ in range(30)]
    assert len({id(i._client._http) for i in instances}) == 1
    assert len({id(i._async_client._http) for i in instances}) == 1
    with instances[0] as first:
        pass
    async with instances[1]:
        pass
    assert first._client._http is instances[2]._client._http
    assert not instances[2]._client._http.is_closed  # shared: one instance cannot close it
    assert not instances[2]._async_client._http.is_closed


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
async def test_close_and_context_managers_leave_your_own_clients_open(cls: type[Any]) -> None:
    mine, amine = httpx.Client(), httpx.AsyncClient()
    with _make(cls, http_client=mine, http_async_client=amine) as instance:
        assert instance._client._http is mine
    async with _make(cls, http_client=mine, http_async_client=amine):
        pass
    assert not mine.is_closed  # a client you passed stays yours
    assert not amine.is_closed


# --- call bounds ----------------------------------------------------------------------------

BOUNDS = {"total_timeout": 30.0, "first_token_timeout": 5.0, "idle_timeout": 2.5}


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_call_bounds_reach_both_clients(cls: type[Any]) -> None:
    instance = _make(cls, max_retry_after=120, **BOUNDS)
    for client in (instance._client, instance._async_client):
        assert client.limits == CallLimits(total=30.0, first_token=5.0, idle=2.5)
        assert client.retry_policy.max_retry_after == 120.0


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
@pytest.mark.parametrize("name", [*BOUNDS, "max_retry_after"])
def test_a_bad_call_bound_fails_at_construction_naming_it(cls: type[Any], name: str) -> None:
    with pytest.raises(ConfigurationError, match=name) as info:
        _make(cls, **{name: -1})
    assert KEY not in repr(info.value)


def test_langchain_tools_take_the_call_bounds() -> None:
    tool = langchain_aimhub.AimhubImageTool(api_key=KEY, max_retry_after=5, **BOUNDS)
    assert tool._client.limits.total == 30.0
    assert tool._async_client.retry_policy.max_retry_after == 5.0


def _asks_for_an_hour(seen: list[httpx.Request]) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(429, headers={"retry-after": "3600"}, json={"error": {}})

    return httpx.Client(transport=httpx.MockTransport(handler))


def test_chat_aimhub_raises_at_once_on_a_retry_after_beyond_max_retry_after() -> None:
    seen: list[httpx.Request] = []
    llm = langchain_aimhub.ChatAimhub(
        model="m",
        api_key=KEY,
        max_retries=3,
        max_retry_after=10,
        http_client=_asks_for_an_hour(seen),
    )
    with pytest.raises(RateLimitError) as info:
        llm.invoke("hi")
    assert info.value.retry_after == 3600.0
    assert len(seen) == 1  # not retried after the usual backoff


def test_llamaindex_total_timeout_bounds_a_dribbled_answer() -> None:
    body = json.dumps(lc.completion("x" * 200)).encode()

    class Dribble(httpx.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            for i in range(0, len(body), 20):
                yield body[i : i + 20]
                time.sleep(0.05)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "application/json"}, stream=Dribble())

    llm = llamaindex_aimhub.Aimhub(
        model="qwen-plus",
        api_key=KEY,
        total_timeout=0.2,
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    started = time.monotonic()
    with pytest.raises(APITimeoutError, match=r"total_timeout=0\.2 s exceeded"):
        llm.chat([ChatMessage(role="user", content="hi")])
    assert time.monotonic() - started < 0.45  # the body alone takes ~0.5 s
