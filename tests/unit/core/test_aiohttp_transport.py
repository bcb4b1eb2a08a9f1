"""The default async transport (aiohttp under httpx's API), over real sockets to a loopback server.

Every behaviour the clients rely on from httpx's own transport is checked here: answers, SSE as it
arrives, gzip, error statuses and retries, timeouts, refused and broken connections, and sessions
that follow the event loop (one `asyncio.run` after another) without leaking.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import socket
import warnings
from typing import Any

import httpx
import pytest

import aimhub
from aimhub import (
    APIConnectionError,
    APITimeoutError,
    AsyncAimhubClient,
    RateLimitError,
)
from aimhub._aiohttp import AiohttpTransport
from tests.fakes import drain
from tests.loopback import CHUNKS, LoopbackGateway

ARGS: dict[str, Any] = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}


def client_for(base: str, mode: str, **kwargs: Any) -> AsyncAimhubClient:
    kwargs.setdefault("max_retries", 0)
    return AsyncAimhubClient(api_key="sk-test", base_url=f"{base}/{mode}/v1", **kwargs)


async def test_the_default_async_client_sends_concurrent_calls_over_aiohttp(loopback: str) -> None:
    client = client_for(loopback, "ok")
    assert isinstance(client._http._transport, AiohttpTransport)
    replies = await asyncio.gather(*(client.chat(**ARGS) for _ in range(32)))
    assert {r.choices[0].message.content for r in replies if r.choices[0].message} == {"hi"}
    await client.close()


async def test_a_stream_arrives_event_by_event(loopback: str) -> None:
    client = client_for(loopback, "sse")
    async with await client.stream_chat_dicts(**ARGS) as stream:
        chunks = [chunk async for chunk in stream]
    assert chunks == CHUNKS
    assert stream.partial_text == "Hello"
    await client.close()


async def test_leaving_a_stream_early_frees_the_connection_for_the_next_call(loopback: str) -> None:
    # One connection in all, and answers still streaming when the caller leaves: each early
    # exit must give the connection back, or the next call waits for the pool until it times out.
    limited = httpx.AsyncClient(transport=AiohttpTransport(max_connections=1))
    client = AsyncAimhubClient(
        api_key="sk-test", base_url=f"{loopback}/slow-sse/v1", http_client=limited, timeout=2.0
    )
    left: list[Any] = []  # kept alive, so that garbage collection cannot free a connection
    for _ in range(3):
        async with await client.stream_chat_dicts(**ARGS) as stream:
            async for _chunk in stream:
                break
        left.append(stream)
    reply = await client.stream_chat_dicts(**ARGS)
    async with reply:
        assert [chunk async for chunk in reply] == CHUNKS
    assert len(LoopbackGateway.requests) == 4
    await limited.aclose()


async def test_a_gzip_answer_is_decoded(loopback: str) -> None:
    client = client_for(loopback, "gzip")
    reply = await client.chat(**ARGS)
    assert reply.choices[0].message is not None
    assert reply.choices[0].message.content == "hi"
    await client.close()


async def test_an_error_status_is_typed_and_retried(loopback: str, monkeypatch: Any) -> None:
    monkeypatch.setattr("aimhub._client._asleep", lambda delay: asyncio.sleep(0))
    client = client_for(loopback, "busy", max_retries=2)
    with pytest.raises(RateLimitError, match="too many requests"):
        await client.chat(**ARGS)
    assert LoopbackGateway.requests == ["busy"] * 3
    await client.close()


async def test_a_read_timeout_is_our_timeout_error(loopback: str) -> None:
    client = client_for(loopback, "slow", timeout=httpx.Timeout(0.1, connect=5.0))
    with pytest.raises(APITimeoutError, match="did not answer in time"):
        await client.chat(**ARGS)
    await client.close()


async def test_a_refused_connection_is_our_connection_error(socket_enabled: None) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    client = client_for(f"http://127.0.0.1:{port}", "ok")
    with pytest.raises(APIConnectionError, match="ConnectError"):
        await client.chat(**ARGS)
    await client.close()


async def test_a_stream_cut_mid_body_reports_the_partial_text(loopback: str) -> None:
    client = client_for(loopback, "cut")
    seen: list[Any] = []
    stream = await client.stream_chat_dicts(**ARGS)
    with pytest.raises(APIConnectionError, match="stream broke") as info:
        await drain(stream, seen)
    assert seen == CHUNKS[:1]
    assert info.value.partial_text == "Hel"
    await client.close()


def test_one_client_serves_one_event_loop_after_another_without_leaking(
    loopback: str, caplog: pytest.LogCaptureFixture
) -> None:
    # `asyncio.run` per call is how scripts and notebooks drive async LangChain/LlamaIndex code;
    # an aiohttp session must not outlive its loop, nor be used from the next one.
    client = client_for(loopback, "ok")
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.ERROR):
        warnings.simplefilter("always")
        for _ in range(3):
            reply = asyncio.run(client.chat(**ARGS))
            assert reply.choices[0].message is not None
        gc.collect()
    assert len(LoopbackGateway.requests) == 3
    assert not [w for w in caught if "nclosed" in str(w.message)]
    assert "nclosed" not in caplog.text


def test_a_loop_closed_without_shutdown_asyncgens_closes_its_session(
    loopback: str, caplog: pytest.LogCaptureFixture
) -> None:
    # `loop.run_until_complete(...)` then `loop.close()`, as older scripts and some notebook
    # kernels do, never finalises async generators: the session must close with the loop anyway.
    client = client_for(loopback, "ok")
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.ERROR):
        warnings.simplefilter("always")
        for _ in range(2):
            loop = asyncio.new_event_loop()
            reply = loop.run_until_complete(client.chat(**ARGS))
            assert reply.choices[0].message is not None
            transport = client._http._transport
            assert isinstance(transport, AiohttpTransport)
            session = transport._sessions[loop][0]
            loop.close()
            assert session.closed
        del session, loop
        gc.collect()
    assert not [w for w in caught if "nclosed" in str(w.message)]
    assert "nclosed" not in caplog.text


async def test_aclose_closes_the_session_and_a_later_call_opens_a_new_one(loopback: str) -> None:
    transport = AiohttpTransport()
    http = httpx.AsyncClient(transport=transport)
    client = AsyncAimhubClient(api_key="sk-test", base_url=f"{loopback}/ok/v1", http_client=http)
    await client.chat(**ARGS)
    ((session, _closer),) = transport._sessions.values()
    await transport.aclose()
    assert session.closed
    await client.chat(**ARGS)
    ((again, _closer),) = transport._sessions.values()
    assert again is not session
    assert not again.closed
    await http.aclose()
    assert again.closed


def test_aiohttp_http_client_is_an_httpx_client_over_the_same_transport() -> None:
    http = aimhub.aiohttp_http_client(max_connections=8)
    assert isinstance(http, httpx.AsyncClient)
    assert isinstance(http._transport, AiohttpTransport)
    assert http._transport._limit == 8
    assert http.follow_redirects


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


async def test_http_proxy_from_the_environment_is_used(
    loopback: str, no_proxy_env: pytest.MonkeyPatch
) -> None:
    no_proxy_env.setenv("HTTP_PROXY", loopback)  # the loopback server plays the proxy
    client = client_for("http://gateway.invalid", "ok")
    reply = await client.chat(**ARGS)
    assert reply.choices[0].message is not None
    assert LoopbackGateway.proxied == ["http://gateway.invalid/ok/v1/chat/completions"]
    await client.close()


async def test_no_proxy_hosts_are_reached_directly(
    loopback: str, no_proxy_env: pytest.MonkeyPatch
) -> None:
    no_proxy_env.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens: must be skipped
    no_proxy_env.setenv("NO_PROXY", "127.0.0.1,localhost")
    client = client_for(loopback, "ok")
    await client.chat(**ARGS)
    assert LoopbackGateway.requests == ["ok"]
    assert LoopbackGateway.proxied == []
    await client.close()


def test_a_socks_proxy_in_the_environment_keeps_httpx_transport(
    no_proxy_env: pytest.MonkeyPatch,
) -> None:
    # aiohttp speaks to HTTP(S) proxies only; httpx handles socks (with `httpx[socks]`).
    no_proxy_env.setenv("ALL_PROXY", "socks5://127.0.0.1:1080")
    try:
        import socksio  # noqa: F401
    except ImportError:  # httpx's own message, as before aiohttp became the default
        with pytest.raises(ImportError, match=r"httpx\[socks\]"):
            AsyncAimhubClient(api_key="sk-test", base_url="http://gateway.invalid/v1")
    else:
        client = AsyncAimhubClient(api_key="sk-test", base_url="http://gateway.invalid/v1")
        assert not isinstance(client._http._transport, AiohttpTransport)
    no_proxy_env.delenv("ALL_PROXY")
    client = AsyncAimhubClient(api_key="sk-test", base_url="http://gateway.invalid/v1")
    assert isinstance(client._http._transport, AiohttpTransport)
