"""The media classes take the models' connection names, and refuse a name they do not know."""

from __future__ import annotations

import json
import pickle
from typing import Any

import httpx
import pytest

from langchain_aimhub import AimhubAudioParser, AimhubImageTool, AimhubToolkit
from llamaindex_aimhub import AimhubAudioReader, AimhubToolSpec

KEY = "sk-connection-secret"


def _recording() -> tuple[list[httpx.Request], httpx.MockTransport]:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"object": "list", "data": []})

    return seen, httpx.MockTransport(answer)


CONNECTION: dict[str, Any] = {
    "api_base": "https://gw.test",  # the LlamaIndex spelling, which every class accepts
    "request_timeout": 7,
    "max_retries": 0,
    "default_headers": {"X-Team": "rag"},
    "default_query": {"region": "cn"},
    "total_timeout": 30,
}


@pytest.mark.parametrize("make", [AimhubAudioReader, AimhubToolSpec, AimhubAudioParser])
def test_plain_classes_take_every_connection_name(make: Any) -> None:
    seen, transport = _recording()
    media = make(api_key=KEY, http_client=httpx.Client(transport=transport), **CONNECTION)
    client = media.client if isinstance(media, AimhubAudioParser) else media._client
    client.list_models()
    request = seen[0]
    assert str(request.url).startswith("https://gw.test/v1/models")
    assert request.url.params["region"] == "cn"
    assert request.headers["X-Team"] == "rag"
    assert request.headers["Authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize("make", [AimhubAudioReader, AimhubToolSpec, AimhubAudioParser])
def test_an_unknown_connection_name_is_refused_without_its_value(make: Any) -> None:
    with pytest.raises(TypeError) as info:
        make(api_kye=KEY)
    message = str(info.value)
    assert "'api_kye' (did you mean 'api_key'?)" in message
    assert make.__name__ in message
    assert KEY not in message


def test_a_bad_value_names_the_field() -> None:
    import aimhub

    with pytest.raises(aimhub.ConfigurationError, match="total_timeout"):
        AimhubToolSpec(api_key=KEY, total_timeout=-1)


def test_langchain_tools_share_the_model_connection_fields() -> None:
    from langchain_aimhub import ChatAimhub
    from langchain_aimhub._clients import Connection

    tool_names = set(AimhubImageTool.model_fields) & set(ChatAimhub.model_fields)
    assert set(Connection.model_fields) <= tool_names
    toolkit = AimhubToolkit(api_key=KEY, api_base="https://gw.test", default_query={"key": KEY})
    dumped = json.dumps(toolkit.model_dump(mode="json"), default=str)
    assert KEY not in dumped
    assert KEY not in repr(toolkit)
    tools = toolkit.get_tools()
    assert {t._client.config.base_url for t in tools} == {"https://gw.test/v1"}


@pytest.mark.parametrize("make", [AimhubAudioReader, AimhubToolSpec])
def test_llamaindex_media_classes_close_and_pickle(make: Any) -> None:
    with make(api_key=KEY, api_base="https://gw.test") as media:
        copy = pickle.loads(pickle.dumps(media))
        assert copy._client.config.base_url == "https://gw.test/v1"
    copy.close()
