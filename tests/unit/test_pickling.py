"""The six adapters, the core clients and every error survive pickle, deepcopy and cloudpickle
(multiprocessing, Ray, LlamaIndex `IngestionPipeline(num_workers=...)`), key kept secret."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable, Iterator
from typing import Any

import cloudpickle
import httpx
import pytest
from langchain_core import exceptions as lc

import aimhub
import langchain_aimhub
import llamaindex_aimhub
from aimhub._error_parse import make_status_error
from aimhub._exceptions import EmbeddingCountError
from langchain_aimhub._errors import _BRIDGE, bridge

KEY = "sk-pickle-test-0123456789abcdef"
COPIES: dict[str, Callable[[Any], Any]] = {
    "pickle": lambda o: pickle.loads(pickle.dumps(o)),
    "deepcopy": copy.deepcopy,
    "cloudpickle": lambda o: cloudpickle.loads(cloudpickle.dumps(o)),
}
ADAPTERS: list[type[Any]] = [
    langchain_aimhub.ChatAimhub,
    langchain_aimhub.AimhubEmbeddings,
    langchain_aimhub.AimhubRerank,
    llamaindex_aimhub.Aimhub,
    llamaindex_aimhub.AimhubEmbedding,
    llamaindex_aimhub.AimhubRerank,
]


def _walk(cls: type[Any]) -> Iterator[type[Any]]:
    yield cls
    for sub in cls.__subclasses__():
        yield from _walk(sub)


def _core_errors() -> list[type[Any]]:
    return [c for c in _walk(aimhub.AimhubError) if c.__module__.startswith("aimhub.")]


@pytest.mark.parametrize("how", COPIES)
@pytest.mark.parametrize("cls", ADAPTERS, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_adapters_copy_with_a_working_pool_and_a_secret_key(cls: type[Any], how: str) -> None:
    original = cls(model="m", api_key=KEY, base_url="https://gw.test", max_retries=1)
    clone = COPIES[how](original)
    assert type(clone) is cls
    assert clone._client.config == original._client.config
    assert clone._client.base_url == "https://gw.test/v1"
    # In the same process the copy takes the shared default pool; another process builds its own.
    assert clone._client._http is original._client._http
    assert not clone._client._http.is_closed
    assert isinstance(clone._async_client._http, httpx.AsyncClient)
    assert clone.api_key.get_secret_value() == KEY
    assert KEY not in repr(clone)
    assert KEY not in repr(clone._client)


@pytest.mark.parametrize("how", COPIES)
@pytest.mark.parametrize("cls", [aimhub.AimhubClient, aimhub.AsyncAimhubClient])
def test_core_clients_copy(cls: type[Any], how: str) -> None:
    original = cls(api_key=KEY, default_headers={"X-T": "1"}, default_query={"q": "1"})
    clone = COPIES[how](original)
    assert clone.config == original.config
    assert dict(clone.config.default_headers) == {"X-T": "1"}
    assert clone._http is original._http  # the shared default pool


def test_a_client_with_your_own_http_client_says_why_it_cannot_be_pickled() -> None:
    mine = httpx.Client()
    client = aimhub.AimhubClient(api_key=KEY, http_client=mine)
    with pytest.raises(TypeError, match="your own http_client cannot be pickled"):
        pickle.dumps(client)
    assert copy.deepcopy(client)._http is mine  # a copy in the same process shares it


def _error(cls: type[Any]) -> Any:
    request = httpx.Request("POST", "https://gw.test/v1/chat/completions")
    if cls is EmbeddingCountError:
        error = cls("2 vectors for 3 inputs", expected=3, got=2)
        error.request_id = "req-1"
        return error
    if cls is aimhub.EmbeddingBatchError:
        failure = aimhub.RateLimitError("slow down", request=request, request_id="req-1")
        return cls([[0.5], None], [(range(1, 2), failure)])
    if issubclass(cls, aimhub.APIStatusError):
        response = httpx.Response(429, json={"error": {"message": "slow"}}, request=request)
        return cls(
            "slow down",
            request=request,
            response=response,
            body={"error": {"message": "slow"}},
            status_code=429,
            code="rate_limit",
            request_id="req-1",
            request_ids=("req-0", "req-1"),
        )
    if issubclass(cls, aimhub.APIError):
        return cls("broken", request=request, request_id="req-1", partial_text="abc")
    return cls("bad option")


@pytest.mark.parametrize("how", COPIES)
@pytest.mark.parametrize("cls", _core_errors(), ids=lambda c: c.__name__)
def test_every_error_copies_with_its_fields(cls: type[Any], how: str) -> None:
    error = _error(cls)
    clone = COPIES[how](error)
    assert type(clone) is cls
    assert str(clone) == str(error)
    for name in ("message", "request_id", "status_code", "code", "request_ids", "partial_text"):
        assert getattr(clone, name, None) == getattr(error, name, None)


def test_every_api_error_class_has_a_bridged_class() -> None:
    api_errors = [c for c in _core_errors() if issubclass(c, aimhub.APIError)]
    assert set(api_errors) - {aimhub.APIError} == set(_BRIDGE)


@pytest.mark.parametrize("how", COPIES)
@pytest.mark.parametrize("cls", list(_BRIDGE), ids=lambda c: c.__name__)
def test_bridged_errors_copy_and_stay_both_types(cls: type[Any], how: str) -> None:
    bridged = bridge(_error(cls))
    clone = COPIES[how](bridged)
    assert type(clone) is type(bridged)
    assert isinstance(clone, cls)
    assert isinstance(clone, lc.ModelError)
    assert clone.request_id == "req-1"


def test_a_real_status_error_pickles() -> None:
    request = httpx.Request("POST", "https://gw.test/v1/chat/completions")
    response = httpx.Response(404, json={"error": {"code": "model_not_found"}}, request=request)
    error = make_status_error(404, response.json(), request=request, response=response)
    clone = pickle.loads(pickle.dumps(bridge(error)))
    assert isinstance(clone, aimhub.ModelNotFoundError)
    assert isinstance(clone, lc.ModelNotFoundError)


def test_a_pickled_client_gets_a_pool_in_a_fresh_process() -> None:
    import subprocess
    import sys

    data = pickle.dumps(aimhub.AimhubClient(api_key=KEY, base_url="https://gw.test"))
    code = (
        "import pickle, sys; c = pickle.loads(sys.stdin.buffer.read()); "
        "print(c.base_url, c._http.is_closed)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], input=data, capture_output=True, check=True, timeout=60
    )
    assert out.stdout.decode().split() == ["https://gw.test/v1", "False"]
