"""Secret scan: after failing calls, the key shows nowhere an object or an error can travel.

Every public object and every error a failing call raises is pickled, deep-copied, serialised
(LangChain `dumpd`, LlamaIndex `to_dict`/`to_json`), logged at DEBUG, repr'd and stringified;
the key (with and without its `sk-` prefix, and a second key sent in the query string) must be
in none of it. Pickled errors must unpickle to a working error of the same class.
"""

from __future__ import annotations

import copy
import io
import json
import logging
import pickle
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from langchain_core.documents import Document
from langchain_core.load import dumpd, dumps
from pydantic import SecretStr, ValidationError

import aimhub
from langchain_aimhub import AimhubEmbeddings, ChatAimhub
from langchain_aimhub import AimhubRerank as LCRerank
from llamaindex_aimhub import Aimhub, AimhubEmbedding
from llamaindex_aimhub import AimhubRerank as LIRerank
from tests.fakes import BASE_URL

KEY = "sk-scan0123456789abcdefSECRETKEY"
QUERY_KEY = "qk-scan0123456789abcdefQUERYKEY"
SECRETS = (KEY, KEY.removeprefix("sk-"), QUERY_KEY, "SECRETKEY", "QUERYKEY")
MESSAGES = [{"role": "user", "content": "hi"}]


def _assert_clean(text: str | bytes, where: str) -> None:
    blob = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    for secret in SECRETS:
        assert secret not in blob, f"{secret!r} leaked in {where}: {blob[:300]!r}"


class _SecretFreePickler(pickle.Pickler):
    """Pickles `SecretStr` values out of band, so the rest of the stream can be scanned."""

    def persistent_id(self, obj: Any) -> str | None:
        return "secret" if isinstance(obj, SecretStr) else None


def _pickled_outside_secretstr(obj: object) -> bytes:
    out = io.BytesIO()
    _SecretFreePickler(out).dump(obj)
    return out.getvalue()


# --- failing calls --------------------------------------------------------------------------


def _echo_401(request: httpx.Request) -> httpx.Response:
    # new-api quotes the key in auth/quota messages, masked (docs/gateway-behaviour.md §2.3);
    # an older fork or an upstream relay may quote it unmasked, as here.
    token = request.headers["authorization"].removeprefix("Bearer ")
    query = request.url.params.get("key", "")
    body = {"error": {"message": f"invalid token {token} (query {query})", "code": "x"}}
    return httpx.Response(401, json=body)


def _refused(request: httpx.Request) -> httpx.Response:
    msg = f"connect to {request.url} refused"
    raise httpx.ConnectError(msg, request=request)


def _html_500(request: httpx.Request) -> httpx.Response:
    page = f"<html><title>Bad gateway</title><body>upstream key {KEY}</body></html>"
    return httpx.Response(500, text=page, headers={"content-type": "text/html"})


def _stream_error(request: httpx.Request) -> httpx.Response:
    events = (
        b'data: {"choices":[{"index":0,"delta":{"content":"par"}}]}\n\n'
        + f'data: {{"error":{{"message":"upstream rejected {KEY}"}}}}\n\n'.encode()
    )
    return httpx.Response(200, content=events, headers={"content-type": "text/event-stream"})


FAULTS: dict[str, Callable[[httpx.Request], httpx.Response]] = {
    "401-echo": _echo_401,
    "refused": _refused,
    "html-500": _html_500,
    "stream-error": _stream_error,
}


def _core_client(handler: Callable[[httpx.Request], httpx.Response]) -> aimhub.AimhubClient:
    return aimhub.AimhubClient(
        api_key=KEY,
        base_url=BASE_URL,
        max_retries=0,
        default_query={"key": QUERY_KEY},
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )


def _fail(fault: str) -> aimhub.APIError:
    client = _core_client(FAULTS[fault])
    if fault == "stream-error":
        stream = client.stream_chat(model="m", messages=MESSAGES)
        with pytest.raises(aimhub.APIError) as info:
            list(stream)
    else:
        with pytest.raises(aimhub.APIError) as info:
            client.chat(model="m", messages=MESSAGES)
    return info.value


def _error_views(error: BaseException) -> Iterator[tuple[str, str | bytes]]:
    yield "str", str(error)
    yield "repr", repr(error)
    yield "args", repr(error.args)
    yield "vars", repr(vars(error))
    for name in ("request", "response", "body", "message", "raw_message"):
        value = getattr(error, name, None)
        yield name, repr(value)
        if isinstance(value, httpx.Request):
            yield "request.url", str(value.url)
            yield "request.headers", repr(value.headers.multi_items())
            yield "request.content", value.content
        if isinstance(value, httpx.Response):
            yield "response.text", value.text
            yield "response.request", repr(value.request.headers.multi_items())
            yield "response.request.url", str(value.request.url)
    # What pickle writes for an exception: its args and its `__dict__`. (The LangChain bridge
    # classes, built with `type()`, become importable, and so picklable whole, with issue 13.)
    yield "pickled state", pickle.dumps((error.args, vars(error)))
    yield "deepcopy", repr(copy.deepcopy(vars(error)))


@pytest.mark.parametrize("fault", list(FAULTS))
def test_core_errors_show_no_key_anywhere(fault: str) -> None:
    error = _fail(fault)
    for where, text in [*_error_views(error), ("pickle", pickle.dumps(error))]:
        _assert_clean(text, f"{fault}: {where}")
    _assert_clean(repr(vars(copy.deepcopy(error))), f"{fault}: deepcopy")


@pytest.mark.parametrize("fault", list(FAULTS))
def test_pickled_errors_unpickle_to_working_errors(fault: str) -> None:
    error = _fail(fault)
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert str(again) == str(error)
    assert again.request is not None
    assert again.request.method == "POST"
    assert again.request.url.path == "/v1/chat/completions"
    assert again.request.url.params["key"] == "***"
    assert again.request.headers["authorization"] == "***"
    if isinstance(error, aimhub.APIStatusError):
        assert isinstance(again, aimhub.APIStatusError)
        assert again.status_code == error.status_code
        assert again.body == error.body
        if error.response is not None:
            assert again.response is not None
            assert again.response.status_code == error.response.status_code


def test_echoed_key_is_masked_in_body_and_response_text() -> None:
    error = _fail("401-echo")
    assert isinstance(error, aimhub.APIStatusError)
    assert isinstance(error.body, dict)
    assert "invalid token sk-***KEY" in error.body["error"]["message"]
    assert error.response is not None
    assert error.response.json()["error"]["code"] == "x"


def test_debug_logs_of_a_failing_call_show_no_key(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for fault in FAULTS:
        client = _core_client(FAULTS[fault])
        with pytest.raises(aimhub.APIError) as info:
            client.chat(model="m", messages=MESSAGES, stream=False)
        logging.getLogger("test").exception("call failed", exc_info=info.value)
    assert caplog.records
    _assert_clean(caplog.text, "DEBUG logs")


# --- public objects -------------------------------------------------------------------------


def _gateway(handler: Callable[[httpx.Request], httpx.Response]) -> dict[str, Any]:
    transport = httpx.MockTransport(handler)
    return {
        "http_client": httpx.Client(transport=transport),
        "base_url": BASE_URL,
        "api_key": KEY,
        "max_retries": 0,
    }


def _langchain_objects() -> list[Any]:
    options = _gateway(_echo_401)
    return [
        ChatAimhub(
            model="m",
            default_query={"key": QUERY_KEY},
            default_headers={"X-Api-Key": QUERY_KEY, "X-Trace": "t"},
            **options,
        ),
        AimhubEmbeddings(model="e", **options),
        LCRerank(model="r", **options),
    ]


def _llamaindex_objects() -> list[Any]:
    options = _gateway(_echo_401)
    return [
        Aimhub(model="m", **options),
        AimhubEmbedding(model_name="e", **options),
        LIRerank(model="r", **options),
    ]


def _object_views(obj: Any) -> Iterator[tuple[str, str | bytes]]:
    yield "repr", repr(obj)
    yield "str", str(obj)
    for attr in ("_client", "_async_client", "_aclient"):
        inner = getattr(obj, attr, None)
        if inner is not None:
            yield f"{attr} repr", repr(inner)
            yield f"{attr}.config repr", repr(inner.config)
    if hasattr(obj, "model_dump_json"):
        yield "model_dump_json", obj.model_dump_json()


def _fail_langchain(obj: Any) -> BaseException:
    calls: dict[type, Callable[[], object]] = {
        ChatAimhub: lambda: obj.invoke("hi"),
        AimhubEmbeddings: lambda: obj.embed_query("hi"),
        LCRerank: lambda: obj.compress_documents([Document(page_content="a")], "q"),
    }
    with pytest.raises(aimhub.APIError) as info:
        calls[type(obj)]()
    return info.value


def test_langchain_objects_and_their_errors_show_no_key(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    for obj in _langchain_objects():
        error = _fail_langchain(obj)
        for where, text in [*_object_views(obj), ("dumps", dumps(obj))]:
            _assert_clean(text, f"{type(obj).__name__}: {where}")
        if isinstance(obj, ChatAimhub):
            kwargs = dumpd(obj)["kwargs"]
            assert kwargs["api_key"]["type"] == "secret"
            # Written as secrets (LangChain escapes them inside plain dict fields).
            assert '"type": "secret"' in json.dumps(kwargs["default_query"]["key"])
            assert '"type": "secret"' in json.dumps(kwargs["default_headers"]["X-Api-Key"])
            assert kwargs["default_headers"]["X-Trace"] == "t"
        for where, text in _error_views(error):
            _assert_clean(text, f"{type(obj).__name__} error: {where}")
    _assert_clean(caplog.text, "DEBUG logs")


def _fail_llamaindex(obj: Any) -> BaseException:
    from llama_index.core.llms import ChatMessage
    from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

    calls: dict[type, Callable[[], object]] = {
        Aimhub: lambda: obj.chat([ChatMessage(role="user", content="hi")]),
        AimhubEmbedding: lambda: obj.get_text_embedding("hi"),
        LIRerank: lambda: obj.postprocess_nodes(
            [NodeWithScore(node=TextNode(text="a"))], QueryBundle("q")
        ),
    }
    with pytest.raises(aimhub.APIError) as info:
        calls[type(obj)]()
    return info.value


def test_llamaindex_objects_and_their_errors_show_no_key(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    for obj in _llamaindex_objects():
        error = _fail_llamaindex(obj)
        views = [
            *_object_views(obj),
            ("to_dict", json.dumps(obj.to_dict())),
            ("to_json", obj.to_json()),
        ]
        for where, text in views:
            _assert_clean(text, f"{type(obj).__name__}: {where}")
        # LlamaIndex pickles its components; the key may travel only inside the SecretStr.
        _assert_clean(_pickled_outside_secretstr(obj), f"{type(obj).__name__}: pickle")
        for where, text in _error_views(error):
            _assert_clean(text, f"{type(obj).__name__} error: {where}")
    _assert_clean(caplog.text, "DEBUG logs")


# --- constructor errors ---------------------------------------------------------------------

BAD_CONSTRUCTIONS: dict[str, Callable[[], object]] = {
    "ChatAimhub base_url": lambda: ChatAimhub(model="m", api_key=KEY, base_url="ftp://x"),
    "ChatAimhub timeout": lambda: ChatAimhub(model="m", api_key=KEY, timeout=-1),
    "ChatAimhub max_tokens": lambda: ChatAimhub(model="m", api_key=KEY, max_tokens=-5),
    "AimhubEmbeddings base_url": lambda: AimhubEmbeddings(model="e", api_key=KEY, base_url="x"),
    "LangChain AimhubRerank top_n": lambda: LCRerank(model="r", api_key=KEY, top_n=-1),
    "LlamaIndex AimhubRerank top_n": lambda: LIRerank(model="r", api_key=KEY, top_n=-1),
    "AimhubEmbedding dimensions": lambda: AimhubEmbedding(
        model_name="e", api_key=KEY, dimensions=-1
    ),
    "ChatAimhub query key": lambda: ChatAimhub(
        model="m", api_key=KEY, base_url=f"https://h.test/v1?key={QUERY_KEY}"
    ),
    "ChatAimhub bad url with key": lambda: ChatAimhub(
        model="m", api_key=KEY, base_url=f"https://h .test/v1?key={QUERY_KEY}"
    ),
}


@pytest.mark.parametrize("case", list(BAD_CONSTRUCTIONS))
def test_constructor_errors_never_carry_the_key(case: str) -> None:
    with pytest.raises((ValueError, TypeError)) as info:
        BAD_CONSTRUCTIONS[case]()
    error = info.value
    texts = [str(error), repr(error), repr(error.args)]
    if isinstance(error, ValidationError):
        texts += [error.json(), repr(error.errors())]
    for cause in (error.__cause__, error.__context__):
        if cause is not None:
            texts += [str(cause), repr(cause)]
    for text in texts:
        _assert_clean(text, case)
