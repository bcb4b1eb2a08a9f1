"""Secrets never show: reprs, exception text, logs and cassette files."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
import yaml

from aimhub import APIError, APIStatusError, AuthenticationError
from aimhub._config import ClientConfig
from aimhub._constants import SECRET_HEADERS, SECRET_QUERY_PARAMS
from aimhub._redact import redact
from tests.fakes import (
    TEST_KEY,
    FakeGateway,
    call,
    chat_chunk,
    chat_completion,
    collect,
    json_reply,
    make_client,
    sse,
    sse_reply,
    text_reply,
)

CASSETTES = Path(__file__).resolve().parents[3] / "cassettes"
ARGS: dict[str, Any] = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
QUERY_SECRET = "qs-0123456789abcdefQUERY"
HEADER_SECRET = "hdr-0123456789abcdefHEADER"
#: A key with no `sk-` shape at all, so only exact-value redaction can catch it.
ODD_KEY = "gatewaykey_7f3a9c2b1e"


def _assert_clean(text: str, *secrets: str) -> None:
    for secret in (TEST_KEY, TEST_KEY.removeprefix("sk-"), *secrets):
        assert secret not in text


def _error_texts(error: BaseException) -> str:
    parts = [str(error), repr(error), *map(str, error.args)]
    if isinstance(error, APIError):
        parts.append(error.message)
    if isinstance(error, APIStatusError):
        parts.append(error.raw_message)
    return "\n".join(parts)


# --- reprs ----------------------------------------------------------------------------------


async def test_client_config_and_stream_reprs_never_show_secrets(is_async: bool) -> None:
    gateway = FakeGateway(sse_reply([sse(chat_chunk("x"))]))
    client = make_client(
        gateway,
        is_async,
        default_headers={"X-Api-Key": HEADER_SECRET, "X-Team": "blue"},
        default_query={"key": QUERY_SECRET, "tenant": "7"},
    )
    stream = await call(client, "stream_chat", **ARGS)
    texts = [repr(client), str(client), repr(client.config), str(client.config), repr(stream)]
    for text in texts:
        _assert_clean(text, QUERY_SECRET, HEADER_SECRET)
    assert "blue" in repr(client.config)  # harmless values are still shown
    assert "key=%2A%2A%2A" in repr(stream) or "key=***" in repr(stream)
    await collect(stream)


def test_config_repr_does_not_contain_the_key() -> None:
    config = ClientConfig.create(api_key=TEST_KEY)
    assert TEST_KEY not in repr(config)
    assert TEST_KEY not in str(config)
    assert "api.gaiasc.com" in repr(config)


# --- exceptions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        json_reply(401, {"error": {"message": f"Incorrect API key provided: {TEST_KEY}"}}),
        json_reply(401, {"error": {"message": f"无效的令牌 {TEST_KEY.removeprefix('sk-')}"}}),
        json_reply(401, {"error": {"message": f"bad header Authorization: Bearer {TEST_KEY}"}}),
        text_reply(401, f"invalid key {TEST_KEY}"),
        json_reply(400, {"detail": f"key {TEST_KEY} rejected"}),
    ],
    ids=["openai-echo", "prefix-stripped-echo", "bearer-echo", "text-echo", "detail-echo"],
)
async def test_key_echoed_by_the_gateway_never_reaches_exception_text(
    is_async: bool, reply: Any
) -> None:
    client = make_client(FakeGateway(reply), is_async)
    with pytest.raises(APIStatusError) as info:
        await call(client, "chat", **ARGS)
    _assert_clean(_error_texts(info.value))


async def test_key_of_any_shape_echoed_verbatim_is_masked(is_async: bool) -> None:
    reply = json_reply(401, {"error": {"message": f"令牌 {ODD_KEY} 无效的令牌"}})
    client = make_client(FakeGateway(reply), is_async, api_key=ODD_KEY)
    with pytest.raises(AuthenticationError) as info:
        await call(client, "chat", **ARGS)
    assert ODD_KEY not in _error_texts(info.value)
    assert "无效的令牌" in str(info.value)


async def test_query_and_header_secrets_echoed_by_the_gateway_are_masked(is_async: bool) -> None:
    reply = json_reply(403, {"error": {"message": f"bad {QUERY_SECRET} / {HEADER_SECRET}"}})
    client = make_client(
        FakeGateway(reply),
        is_async,
        default_headers={"X-Goog-Api-Key": HEADER_SECRET},
        default_query={"key": QUERY_SECRET},
    )
    with pytest.raises(APIStatusError) as info:
        await call(client, "chat", **ARGS)
    _assert_clean(_error_texts(info.value), QUERY_SECRET, HEADER_SECRET)


async def test_key_echoed_in_a_2xx_non_json_body_is_masked(is_async: bool) -> None:
    client = make_client(FakeGateway(text_reply(200, f"hello {TEST_KEY}")), is_async)
    with pytest.raises(APIError) as info:
        await call(client, "chat", **ARGS)
    _assert_clean(_error_texts(info.value))


async def test_key_echoed_inside_a_stream_error_is_masked(is_async: bool) -> None:
    wire = sse(chat_chunk("part"), done=False) + (
        f'data: {{"error": {{"message": "upstream rejected {TEST_KEY}"}}}}\n\n'.encode()
    )
    client = make_client(FakeGateway(sse_reply([wire])), is_async)
    stream = await call(client, "stream_chat", **ARGS)
    with pytest.raises(APIStatusError) as info:
        await collect(stream)
    _assert_clean(_error_texts(info.value))
    assert info.value.partial_text == "part"


async def test_connection_errors_do_not_show_the_key(is_async: bool) -> None:
    client = make_client(FakeGateway(httpx.ConnectError("refused")), is_async)
    with pytest.raises(APIError) as info:
        await call(client, "chat", **ARGS)
    _assert_clean(_error_texts(info.value))


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("key sk-abcdef0123456789xyz is wrong", "key sk-abc***xyz is wrong"),
        ("Authorization: Bearer abc.def.ghi", "Authorization: Bearer ***"),
        ("TokenStatusExhausted[sk-abc***xyz]", "TokenStatusExhausted[sk-abc***xyz]"),
        ("nothing secret here", "nothing secret here"),
    ],
)
def test_redact_masks_key_like_strings(text: str, masked: str) -> None:
    assert redact(text) == masked


def test_redact_masks_known_secrets_of_any_shape_but_not_short_ones() -> None:
    assert redact(f"x {ODD_KEY} y", [ODD_KEY]) == "x gat***b1e y"
    assert redact("x key_123456 y", ["key_123456"]) == "x *** y"
    long_secret = "abcdefghijklmnopqrstuvwxyz"
    assert redact(f"[{long_secret}]", [long_secret]) == "[abc***xyz]"


# --- logs -----------------------------------------------------------------------------------


async def test_debug_logs_show_method_url_status_latency_and_retries_but_no_secrets(
    is_async: bool, caplog: pytest.LogCaptureFixture
) -> None:
    gateway = FakeGateway(
        httpx.ConnectError("refused"),
        json_reply(429, {"error": {"message": f"slow down {TEST_KEY}"}}),
        json_reply(200, chat_completion(f"echo {TEST_KEY}")),
    )
    client = make_client(gateway, is_async, max_retries=2, default_query={"key": QUERY_SECRET})
    with caplog.at_level(logging.DEBUG):
        await call(client, "chat", **ARGS)
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("aimhub"))
    assert re.search(
        r"POST https://gateway\.test/v1/chat/completions\?key=\S+ -> ConnectError "
        r"in \d+ ms",
        ours,
    )
    assert re.search(r"-> 429 in \d+ ms", ours)
    assert re.search(r"-> 200 in \d+ ms", ours)
    assert "attempt 1 of 3 failed (APIConnectionError): retrying in" in ours
    assert "attempt 2 of 3 failed (RateLimitError): retrying in" in ours
    assert QUERY_SECRET not in ours
    _assert_clean(caplog.text)  # every logger, httpx included: the key never shows
    # httpx's own INFO line carries the URL: its query credentials are masked too.
    httpx_lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert httpx_lines
    assert all("key=%2A%2A%2A" in line or "key=***" in line for line in httpx_lines)
    assert QUERY_SECRET not in caplog.text


async def test_debug_logs_record_giving_up(
    is_async: bool, caplog: pytest.LogCaptureFixture
) -> None:
    gateway = FakeGateway(json_reply(401, {"error": {"message": "无效的令牌"}}))
    client = make_client(gateway, is_async, max_retries=2)
    with caplog.at_level(logging.DEBUG, logger="aimhub"), pytest.raises(AuthenticationError):
        await call(client, "chat", **ARGS)
    assert "attempt 1 of 3 failed (AuthenticationError): giving up" in caplog.text
    _assert_clean(caplog.text)


async def test_no_bodies_are_logged_by_default(
    is_async: bool, caplog: pytest.LogCaptureFixture
) -> None:
    gateway = FakeGateway(json_reply(200, chat_completion("SECRET-ANSWER")))
    client = make_client(gateway, is_async)
    with caplog.at_level(logging.DEBUG, logger="aimhub"):
        await call(client, "chat", model="m", messages=[{"role": "user", "content": "PROMPT"}])
    assert "SECRET-ANSWER" not in caplog.text
    assert "PROMPT" not in caplog.text


# --- cassettes ------------------------------------------------------------------------------

_SECRET_VALUE = re.compile(r"\b(sk-[A-Za-z0-9_\-]{8,}|Bearer\s+[A-Za-z0-9._\-]{8,})")
#: The recording key of the local-server cassettes, filtered out when recording.
_LOCAL_KEY = "sk-local-test"


def _cassette_files() -> list[Path]:
    return sorted(p for p in CASSETTES.rglob("*") if p.suffix in {".yaml", ".yml", ".json"})


def _interactions(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return list(data.get("interactions", [])) if isinstance(data, dict) else []


def test_cassette_files_hold_no_credentials() -> None:
    problems: list[str] = []
    for path in _cassette_files():
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(CASSETTES)
        if _LOCAL_KEY in text or _SECRET_VALUE.search(text):
            problems.append(f"{name}: key-like value")
        for interaction in _interactions(path):
            for side in ("request", "response"):
                headers = interaction.get(side, {}).get("headers", {}) or {}
                leaked = {h for h in headers if h.lower() in SECRET_HEADERS}
                if leaked:
                    problems.append(f"{name}: {side} header(s) {sorted(leaked)}")
            query = parse_qsl(urlsplit(interaction.get("request", {}).get("uri", "")).query)
            if any(k.lower() in SECRET_QUERY_PARAMS for k, _ in query):
                problems.append(f"{name}: secret query parameter")
    assert problems == []


def test_cassette_scan_would_catch_a_leak() -> None:
    leaked = "Authorization: Bearer sk-abcdefghijklmnop"
    assert _SECRET_VALUE.search(leaked)
    assert _SECRET_VALUE.search("uri: https://h/v1/models?key=sk-0123456789ab")
