"""Request ids and model errors behind gateways other than one-api/new-api (LiteLLM, Azure APIM)."""

from __future__ import annotations

import httpx
import pytest

import aimhub
from tests.unit.langchain._gateway import completion, make_llm

LITELLM_BAD_MODEL = {
    "error": {
        "message": "400: Invalid model name passed in model=gpt-5-typo. Call `/v1/models` to "
        "view available models for your key.",
        "type": "invalid_request_error",
        "param": "model",
        "code": "400",
    }
}


def _client(handler: httpx.MockTransport) -> aimhub.AimhubClient:
    return aimhub.AimhubClient(
        api_key="sk-unit-test-key-0123456789",
        base_url="https://litellm.test",
        max_retries=0,
        http_client=httpx.Client(transport=handler),
    )


def test_litellm_invalid_model_name_is_model_not_found_with_its_call_id() -> None:
    transport = httpx.MockTransport(
        lambda r: httpx.Response(400, json=LITELLM_BAD_MODEL, headers={"x-litellm-call-id": "c-1"})
    )
    with pytest.raises(aimhub.ModelNotFoundError) as info:
        _client(transport).chat(model="gpt-5-typo", messages=[{"role": "user", "content": "hi"}])
    assert info.value.request_id == "c-1"


@pytest.mark.parametrize(
    "header", ["x-litellm-call-id", "apim-request-id", "x-amzn-requestid", "x-request-id"]
)
def test_request_id_of_a_success_from_each_gateway_header(header: str) -> None:
    transport = httpx.MockTransport(
        lambda r: httpx.Response(200, json=completion(), headers={header: "rid-7"})
    )
    reply = _client(transport).chat(model="m", messages=[{"role": "user", "content": "hi"}])
    assert reply.request_id == "rid-7"


def test_langchain_metadata_carries_the_litellm_call_id() -> None:
    def gateway(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=completion(), headers={"x-litellm-call-id": "c-9"})

    llm = make_llm(gateway)  # type: ignore[arg-type]  # any handler does
    assert llm.invoke("hi").response_metadata["request_id"] == "c-9"
