"""Configuration: key and base URL, URL normalisation, headers, timeouts, http clients."""

from __future__ import annotations

import httpx
import pytest

from aimhub import (
    DEFAULT_BASE_URL,
    AimhubClient,
    AsyncAimhubClient,
    ConfigurationError,
    normalize_base_url,
)
from aimhub._config import ClientConfig
from tests.fakes import TEST_KEY, FakeGateway, call, chat_completion, json_reply, make_client

HI = [{"role": "user", "content": "hi"}]

MODELS = {"object": "list", "data": [{"id": "m", "object": "model"}]}


# --- api key -----------------------------------------------------------------------------------


def test_api_key_argument_is_used() -> None:
    config = ClientConfig.create(api_key="sk-from-arg")
    assert config.api_key.get_secret_value() == "sk-from-arg"


def test_api_key_falls_back_to_aimhub_api_key_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIMHUB_API_KEY", "  sk-from-env\n")
    assert ClientConfig.create().api_key.get_secret_value() == "sk-from-env"


def test_api_key_argument_wins_over_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIMHUB_API_KEY", "sk-from-env")
    assert ClientConfig.create(api_key="sk-from-arg").api_key.get_secret_value() == "sk-from-arg"


@pytest.mark.parametrize("key", [None, "", "   "], ids=["missing", "empty", "blank"])
def test_missing_key_raises_configuration_error_naming_the_env_var(key: str | None) -> None:
    with pytest.raises(ConfigurationError, match="AIMHUB_API_KEY"):
        AimhubClient(api_key=key)


def test_missing_key_is_also_a_value_error_for_async_client() -> None:
    with pytest.raises(ValueError, match="AIMHUB_API_KEY"):
        AsyncAimhubClient()


# --- base url ----------------------------------------------------------------------------------


def test_base_url_defaults_to_aimhub_gateway() -> None:
    assert ClientConfig.create(api_key="k").base_url == "https://api.gaiasc.com/v1"
    assert DEFAULT_BASE_URL == "https://api.gaiasc.com/v1"


def test_base_url_falls_back_to_aimhub_base_url_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIMHUB_BASE_URL", "https://env.example.com")
    assert AimhubClient(api_key="k").base_url == "https://env.example.com/v1"


@pytest.mark.parametrize(
    ("pasted", "root"),
    [
        ("https://host.example", "https://host.example/v1"),
        ("https://host.example/", "https://host.example/v1"),
        ("https://host.example/v1", "https://host.example/v1"),
        ("https://host.example/v1/", "https://host.example/v1"),
        ("https://host.example/v1/chat/completions", "https://host.example/v1"),
        ("https://host.example/v1/chat/completions/", "https://host.example/v1"),
        ("https://host.example/v1/completions", "https://host.example/v1"),
        ("https://host.example/v1/embeddings", "https://host.example/v1"),
        ("https://host.example/v1/models", "https://host.example/v1"),
        ("https://host.example/v1/rerank", "https://host.example/v1"),
        ("https://open.bigmodel.cn/api/paas/v4", "https://open.bigmodel.cn/api/paas/v4"),
        (
            "https://open.bigmodel.cn/api/paas/v4/chat/completions",
            "https://open.bigmodel.cn/api/paas/v4",
        ),
        ("https://host.example/v1beta", "https://host.example/v1beta"),
        ("https://openrouter.ai/api/v1", "https://openrouter.ai/api/v1"),
        ("http://127.0.0.1:8089", "http://127.0.0.1:8089/v1"),
        ("  https://host.example/v1 \n", "https://host.example/v1"),
        ("\thttps://host.example\t", "https://host.example/v1"),
        ("HTTPS://HOST.EXAMPLE/v1", "https://host.example/v1"),
        ("https://host.example/v1#fragment", "https://host.example/v1"),
    ],
)
def test_every_pasted_form_of_base_url_normalises_to_the_api_root(pasted: str, root: str) -> None:
    assert normalize_base_url(pasted) == root


@pytest.mark.parametrize(
    ("pasted", "why"),
    [
        ("ftp://host.example/v1", "http:// or https://"),
        ("api.host.com", "http:// or https://"),
        ("api.host.com/v1", "http:// or https://"),
        ("localhost:8080/v1", "http:// or https://"),
        ("garbage!!", "http:// or https://"),
        ("", "http:// or https://"),
        ("http://", "http:// or https://"),
        ("https://exa mple.com/v1", "space"),
        ("https://[not-an-ip/v1", "host"),
    ],
)
def test_base_url_that_is_not_http_is_rejected_with_a_clear_message(pasted: str, why: str) -> None:
    with pytest.raises(ConfigurationError, match="base_url") as info:
        normalize_base_url(pasted)
    assert why in str(info.value)
    assert "e.g. 'https://api.gaiasc.com/v1'" in str(info.value) or why in ("space", "host")


def test_base_url_with_a_query_string_is_rejected_pointing_at_default_query() -> None:
    with pytest.raises(ConfigurationError, match="default_query") as info:
        normalize_base_url("https://host.example/v1?key=sk-pasted0123456789secret")
    assert "sk-pasted0123456789secret" not in str(info.value)


def test_base_url_with_credentials_is_rejected_without_echoing_them() -> None:
    # httpx would turn `user:pass@` into Basic auth and silently replace our Bearer key.
    with pytest.raises(ConfigurationError, match="api_key") as info:
        normalize_base_url("https://user:hunter2secret@host.example/v1")
    assert "hunter2secret" not in str(info.value)


# --- max_retries / timeout ---------------------------------------------------------------------


@pytest.mark.parametrize("bad", [-1, 1.5, "2", True])
def test_max_retries_must_be_a_non_negative_int(bad: object) -> None:
    with pytest.raises(ConfigurationError, match="max_retries"):
        ClientConfig.create(api_key="k", max_retries=bad)  # type: ignore[arg-type]


def test_max_retries_defaults_to_two_and_zero_is_allowed() -> None:
    assert ClientConfig.create(api_key="k").max_retries == 2
    assert ClientConfig.create(api_key="k", max_retries=0).max_retries == 0


@pytest.mark.parametrize("bad", [0, -5.0])
def test_timeout_must_be_positive(bad: float) -> None:
    with pytest.raises(ConfigurationError, match="timeout"):
        ClientConfig.create(api_key="k", timeout=bad)


def test_timeout_seconds_become_an_httpx_timeout_with_short_connect() -> None:
    timeout = ClientConfig.create(api_key="k", timeout=30).timeout
    assert timeout.read == 30
    assert timeout.connect == 10


# --- what reaches the wire ---------------------------------------------------------------------


async def test_key_is_sent_verbatim_as_bearer_and_nothing_else(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, MODELS))
    client = make_client(gateway, is_async)
    await call(client, "list_models")
    headers = gateway.requests[0].headers
    assert headers["authorization"] == f"Bearer {TEST_KEY}"
    assert "x-api-key" not in headers
    # docs/gateway-behaviour.md §1: an anthropic header would switch /v1/models to the Anthropic
    # list shape.
    assert "anthropic-version" not in headers
    assert gateway.requests[0].url == "https://gateway.test/v1/models"


async def test_default_headers_and_default_query_reach_the_wire(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, chat_completion()))
    client = make_client(
        gateway, is_async, default_headers={"X-Team": "blue"}, default_query={"tenant": "7"}
    )
    await call(client, "chat", model="m", messages=HI)
    request = gateway.requests[0]
    assert request.headers["x-team"] == "blue"
    assert request.url.params["tenant"] == "7"
    assert request.url.path == "/v1/chat/completions"


async def test_extra_headers_per_call_are_sent_and_override_defaults(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, chat_completion()))
    client = make_client(gateway, is_async, default_headers={"X-Team": "blue"})
    await call(client, "chat", model="m", messages=HI, extra_headers={"X-Team": "red", "X-A": "1"})
    assert gateway.requests[0].headers["x-team"] == "red"
    assert gateway.requests[0].headers["x-a"] == "1"


async def test_timeout_per_call_overrides_the_client_timeout(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, chat_completion()))
    client = make_client(gateway, is_async, timeout=100)
    await call(client, "chat", model="m", messages=HI)
    await call(client, "chat", model="m", messages=HI, timeout=3.5)
    first, second = (r.extensions["timeout"] for r in gateway.requests)
    assert first["read"] == 100
    assert second == {"connect": 3.5, "read": 3.5, "write": 3.5, "pool": 3.5}


async def test_body_mapping_and_keyword_params_are_merged(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, chat_completion()))
    client = make_client(gateway, is_async)
    body = {"model": "m", "messages": [{"role": "user", "content": "你好"}]}
    await call(client, "chat", body, temperature=0.2)
    assert gateway.bodies[0] == {**body, "temperature": 0.2, "stream": False}
    assert "你好".encode() in gateway.requests[0].content  # UTF-8, not \\u escapes
    assert body == {"model": "m", "messages": [{"role": "user", "content": "你好"}]}  # not mutated


async def test_stream_flag_conflicting_with_the_method_is_a_configuration_error(
    is_async: bool,
) -> None:
    gateway = FakeGateway(json_reply(200, chat_completion()))
    client = make_client(gateway, is_async)
    with pytest.raises(ConfigurationError, match=r"stream_chat\(\)"):
        await call(client, "chat", model="m", messages=HI, stream=True)
    assert gateway.requests == []


def test_injected_http_client_is_used_and_not_closed_by_our_close() -> None:
    gateway = FakeGateway(json_reply(200, MODELS))
    http = httpx.Client(transport=httpx.MockTransport(gateway))
    with AimhubClient(api_key="k", http_client=http) as client:
        client.list_models()
    assert len(gateway.requests) == 1
    assert not http.is_closed
    http.close()


async def test_injected_async_http_client_is_used_and_not_closed_by_our_close() -> None:
    gateway = FakeGateway(json_reply(200, MODELS))
    http = httpx.AsyncClient(transport=httpx.MockTransport(gateway))
    async with AsyncAimhubClient(api_key="k", http_client=http) as client:
        await client.list_models()
    assert len(gateway.requests) == 1
    assert not http.is_closed
    await http.aclose()


def test_the_default_pool_is_shared_and_one_client_closing_keeps_it_open() -> None:
    first, second = AimhubClient(api_key="k"), AimhubClient(api_key="k2")
    assert first._http is second._http
    first.close()
    assert not second._http.is_closed


async def test_the_default_async_pool_is_shared_and_stays_open() -> None:
    first, second = AsyncAimhubClient(api_key="k"), AsyncAimhubClient(api_key="k2")
    assert first._http is second._http
    await first.close()
    assert not second._http.is_closed
