"""Each error body shape of docs/gateway-behaviour.md §2: the right class, a readable message."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from aimhub import (
    AimhubError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ContextLengthExceededError,
    InsufficientQuotaError,
    InternalServerError,
    ModelNotAvailableError,
    ModelNotFoundError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnsupportedEndpointError,
)
from aimhub._error_parse import error_info, make_status_error, split_request_ids
from aimhub._response import check_response
from tests.fakes import FakeGateway, call, json_reply, make_client, text_reply

RID = "2025061512000012345678901234567"
CF_HTML = (
    "<!DOCTYPE html>\n<html><head><title>gateway.test | 502: Bad gateway</title></head>"
    "<body><h1>Bad gateway</h1><p>Cloudflare Ray ID: 8f1c</p></body></html>"
)
NGINX_HTML = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body></html>"
)


@dataclass(frozen=True)
class Case:
    """One gateway answer and what the client must make of it."""

    status: int
    body: Any
    expected: type[APIStatusError]
    says: tuple[str, ...] = ()
    code: str | int | None = None
    request_ids: tuple[str, ...] = ()
    text: bool = False
    headers: dict[str, str] = field(default_factory=dict)


def _err(message: str, type_: str = "new_api_error", **extra: Any) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, **extra}}


CASES: dict[str, Case] = {
    # --- 401: authentication, one-api/new-api middleware shapes (no `code`) ---
    "one-api invalid key": Case(
        401,
        _err(f"无效的令牌 (request id: {RID})", "one_api_error"),
        AuthenticationError,
        ("无效的令牌", "AIMHUB_API_KEY"),
        request_ids=(RID,),
    ),
    "new-api no key": Case(401, _err("未提供令牌"), AuthenticationError, ("未提供令牌",)),
    "key expired": Case(401, _err("该令牌已过期"), AuthenticationError, ("该令牌已过期",)),
    "key disabled": Case(401, _err("该令牌状态不可用"), AuthenticationError, ("状态不可用",)),
    "openai incorrect key masked": Case(
        401,
        _err(
            "Incorrect API key provided: sk-abcdef0123456789xyz.",
            "invalid_request_error",
            code="invalid_api_key",
        ),
        AuthenticationError,
        ("sk-abc***xyz",),
        code="invalid_api_key",
    ),
    "rebranded one_hub_error": Case(
        401, _err("无效的令牌", "one_hub_error"), AuthenticationError, ("无效的令牌",)
    ),
    # --- quota, whatever the status ---
    "401 key quota exhausted": Case(
        401,
        _err(
            f"[sk-abc***xyz] 该令牌额度已用尽 TokenStatusExhausted[sk-abc***xyz] "
            f"(request id: {RID})"
        ),
        InsufficientQuotaError,
        ("该令牌额度已用尽", "Top up"),
        request_ids=(RID,),
    ),
    "403 insufficient_user_quota": Case(
        403,
        _err("user quota is not enough", code="insufficient_user_quota"),
        InsufficientQuotaError,
        ("user quota is not enough", "Top up"),
        code="insufficient_user_quota",
    ),
    "403 pre-consume token quota failed": Case(
        403,
        _err("pre-consume token quota failed", code="pre_consume_token_quota_failed"),
        InsufficientQuotaError,
        ("Top up",),
        code="pre_consume_token_quota_failed",
    ),
    "403 用户余额不足 without code": Case(
        403,
        _err("用户余额不足", "shell_api_error", localized_message="余额不足"),
        InsufficientQuotaError,
        ("用户余额不足",),
    ),
    "402 payment required": Case(
        402, {"error": {"message": "Insufficient credits"}}, InsufficientQuotaError
    ),
    "429 with quota code is quota not rate limit": Case(
        429,
        _err(
            "You exceeded your current quota, please check your plan and billing details.",
            "insufficient_quota",
            code="insufficient_quota",
        ),
        InsufficientQuotaError,
        ("exceeded your current quota",),
        code="insufficient_quota",
    ),
    "suno code/message/data shape": Case(
        400,
        {"code": "quota_not_enough", "message": "用户额度不足", "data": None},
        InsufficientQuotaError,
        ("用户额度不足",),
        code="quota_not_enough",
    ),
    # --- 403: permission ---
    "403 key not allowed for model": Case(
        403,
        _err("该令牌无权访问模型 gpt-4"),
        PermissionDeniedError,
        ("该令牌无权访问模型 gpt-4", "model list"),
    ),
    "403 key not allowed to use model (variant)": Case(
        403, _err("该令牌无权使用模型：gpt-4"), PermissionDeniedError, ("gpt-4",)
    ),
    "403 user banned": Case(403, _err("用户已被封禁"), PermissionDeniedError, ("用户已被封禁",)),
    "403 ip not allowed": Case(
        403, _err("您的 IP 不在令牌允许访问的列表中"), PermissionDeniedError, ("IP",)
    ),
    "403 token group disabled": Case(
        403, _err("令牌分组 vip 已被禁用"), PermissionDeniedError, ("令牌分组 vip",)
    ),
    "403 channel pinning not allowed": Case(
        403, _err("普通用户不支持指定渠道"), PermissionDeniedError, ("普通用户不支持指定渠道",)
    ),
    "403 cloudflare error code 1010 text": Case(
        403,
        "error code: 1010",
        PermissionDeniedError,
        ("error code: 1010", "Cloudflare"),
        text=True,
    ),
    # --- model not available / not found ---
    "503 no channel in group": Case(
        503,
        _err(f"当前分组 default 下对于模型 x 无可用渠道 (request id: {RID})"),
        ModelNotAvailableError,
        ("无可用渠道", "not in your key's group"),
        request_ids=(RID,),
    ),
    "503 model_not_found code (newer new-api)": Case(
        503,
        _err("No available channel for model x under group default", code="model_not_found"),
        ModelNotAvailableError,
        ("No available channel",),
        code="model_not_found",
    ),
    "404 model does not exist (openai shape)": Case(
        404,
        _err(
            "The model `gpt-9` does not exist or you do not have access to it.",
            "invalid_request_error",
            code="model_not_found",
        ),
        ModelNotFoundError,
        ("gpt-9", "list_models"),
        code="model_not_found",
    ),
    # --- 429 rate limits ---
    "429 gateway rate limit": Case(
        429, _err("您已达到请求数限制：1分钟内最多请求10次"), RateLimitError, ("请求数限制",)
    ),
    "429 upstream saturated": Case(
        429, _err("当前分组上游负载已饱和，请稍后再试"), RateLimitError, ("负载已饱和", "retry")
    ),
    "429 empty body (in-memory limiter)": Case(
        429, "", RateLimitError, ("empty response body", "Too Many Requests"), text=True
    ),
    "midjourney code 30 at 429": Case(
        429,
        {"description": "队列已满，请稍后尝试", "type": "upstream_error", "code": 30},
        RateLimitError,
        ("队列已满",),
        code=30,
    ),
    # --- 400 bad requests, code int or str ---
    "midjourney description shape": Case(
        400,
        {"description": "无效的参数", "type": "upstream_error", "code": 4},
        BadRequestError,
        ("无效的参数",),
        code=4,
    ),
    "error as a plain string": Case(
        400,
        {"error": "midjourney_task_not_found"},
        BadRequestError,
        ("midjourney_task_not_found",),
        code="midjourney_task_not_found",
    ),
    "baidu numeric code": Case(
        400,
        {"error": {"message": "the length of messages must be an odd number", "code": 336006}},
        BadRequestError,
        ("odd number",),
        code=336006,
    ),
    "glm code as string": Case(
        400,
        {"error": {"message": "参数有误", "code": "1214"}},
        BadRequestError,
        ("参数有误",),
        code="1214",
    ),
    "sensitive words": Case(
        400,
        _err("敏感词检测失败", code="sensitive_words_detected"),
        BadRequestError,
        ("敏感词",),
        code="sensitive_words_detected",
    ),
    "fastapi detail list": Case(
        422,
        {"detail": [{"loc": ["body", "model"], "msg": "field required"}]},
        BadRequestError,
        ("field required",),
    ),
    # --- context length ---
    "context length code": Case(
        400,
        _err(
            "This model's maximum context length is 4096 tokens. However, you requested 5000.",
            "invalid_request_error",
            code="context_length_exceeded",
        ),
        ContextLengthExceededError,
        ("4096", "Shorten"),
        code="context_length_exceeded",
    ),
    "llama.cpp context window text": Case(
        400,
        _err("Requested tokens (5000) exceed context window of 4096", "invalid_request_error"),
        ContextLengthExceededError,
        ("context window",),
    ),
    "llama-server context size text": Case(
        400,
        _err(
            "the request exceeds the available context size, try increasing it",
            "exceed_context_size_error",
        ),
        ContextLengthExceededError,
        ("context size",),
    ),
    "claude prompt too long": Case(
        400,
        {
            "type": "error",
            "error": {
                "type": "invalid_request_error",
                "message": "prompt is too long: 210000 tokens > 200000 maximum",
            },
        },
        ContextLengthExceededError,
        ("prompt is too long",),
    ),
    "chinese context length": Case(
        400, _err("输入长度超出上下文限制"), ContextLengthExceededError, ("上下文",)
    ),
    # --- unsupported routes ---
    "501 api not implemented": Case(
        501,
        _err("API not implemented", code="api_not_implemented"),
        UnsupportedEndpointError,
        ("not implemented", "does not offer"),
        code="api_not_implemented",
    ),
    "404 invalid url": Case(
        404,
        _err("Invalid URL (POST /v1/xxx)", "invalid_request_error"),
        UnsupportedEndpointError,
        ("Invalid URL (POST /v1/xxx)",),
    ),
    "404 plain not found": Case(404, _err("not found"), NotFoundError, ("base_url",)),
    # --- 5xx ---
    "500 upstream unreachable": Case(
        500,
        _err("请求上游地址失败", code="do_request_failed"),
        InternalServerError,
        ("请求上游地址失败", "retry later"),
        code="do_request_failed",
    ),
    "500 convert request failed": Case(
        500,
        _err("get file base64 from url failed", code="convert_request_failed"),
        InternalServerError,
        ("base64",),
        code="convert_request_failed",
    ),
    "upstream bad status relayed": Case(
        502,
        {
            "error": {
                "type": "upstream_error",
                "code": "bad_response_status_code",
                "param": "502",
                "message": "bad response status code 502",
            }
        },
        InternalServerError,
        ("bad response status code",),
        code="bad_response_status_code",
    ),
    "claude overloaded 529": Case(
        529,
        {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
        InternalServerError,
        ("Overloaded",),
    ),
    "cloudflare html 502": Case(
        502, CF_HTML, InternalServerError, ("HTML page", "502: Bad gateway"), text=True
    ),
    "nginx html 502": Case(
        502, NGINX_HTML, InternalServerError, ("HTML page", "502 Bad Gateway"), text=True
    ),
    "empty 500": Case(500, "", InternalServerError, ("empty response body",), text=True),
    "504 gateway timeout": Case(504, _err("upstream timeout"), InternalServerError),
    # --- 200 with an error inside (docs/gateway-behaviour.md §2.2) ---
    "200 gemini no candidates code 500": Case(
        200,
        {"error": {"message": "No candidates returned", "type": "server_error", "code": 500}},
        InternalServerError,
        ("No candidates returned",),
        code=500,
    ),
    "200 upstream error object relayed": Case(
        200,
        _err("Invalid model", "invalid_request_error", code="model_not_found"),
        ModelNotFoundError,
        ("Invalid model",),
        code="model_not_found",
    ),
    "200 success false": Case(
        200,
        {"success": False, "message": "get user group failed"},
        APIStatusError,
        ("get user group failed",),
    ),
    # --- request ids ---
    "two request ids from a relayed gateway": Case(
        500,
        _err("上游错误 (request id: AAA111) (request id: BBB222)"),
        InternalServerError,
        ("上游错误",),
        request_ids=("AAA111", "BBB222"),
    ),
    "full-width request id parentheses": Case(
        500, _err("上游错误（request id: CCC333）"), InternalServerError, request_ids=("CCC333",)
    ),
    "request id header": Case(
        500,
        _err("boom"),
        InternalServerError,
        ("request id: HDR999",),
        headers={"X-Oneapi-Request-Id": "HDR999"},
    ),
}


def _reply(case: Case) -> Any:
    if case.text:
        return text_reply(case.status, case.body, headers=case.headers)
    return json_reply(case.status, case.body, headers=case.headers)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
async def test_error_body_maps_to_the_right_class_with_a_readable_message(
    case: Case, is_async: bool
) -> None:
    client = make_client(FakeGateway(_reply(case)), is_async)
    with pytest.raises(APIStatusError) as info:
        await call(client, "chat", model="m", messages=[{"role": "user", "content": "hi"}])
    error = info.value
    assert type(error) is case.expected, str(error)
    assert error.status_code == case.status
    message = str(error)
    for fragment in case.says:
        assert fragment in message
    if case.expected.hint:
        assert case.expected.hint in message  # every message says what to do
    assert message.startswith(f"{case.expected.label} (HTTP {case.status}")
    if case.code is not None:
        assert error.code == case.code
        assert type(error.code) is type(case.code)
    assert "(request id:" not in error.raw_message
    if case.request_ids:
        assert error.request_ids == case.request_ids
        assert error.request_id in case.request_ids
        assert f"(request id: {error.request_id})" in message
        assert message.count("request id:") == 1


def test_request_id_header_wins_over_ids_in_the_message() -> None:
    request = httpx.Request("POST", "https://gateway.test/v1/chat/completions")
    response = httpx.Response(
        500,
        json=_err("boom (request id: INNER) (request id: OUTER)"),
        headers={"X-Oneapi-Request-Id": "HEADER"},
        request=request,
    )
    error = check_response(response, stream=False)
    assert isinstance(error, InternalServerError)
    assert error.request_id == "HEADER"
    assert error.request_ids == ("INNER", "OUTER")
    assert error.raw_message == "boom"


def test_without_header_the_request_id_is_the_gateway_we_talked_to() -> None:
    # Each relay hop appends its id: the last one is the outermost gateway, the one we called.
    error = make_status_error(
        500, _err("boom (request id: INNER) (request id: OUTER)"), request=None
    )
    assert error.request_id == "OUTER"


@pytest.mark.parametrize(
    ("message", "clean", "ids"),
    [
        ("无效的令牌 (request id: A1)", "无效的令牌", ("A1",)),
        ("x (request id: A1) (request id: B2)", "x", ("A1", "B2")),
        ("x（request id: A1）", "x", ("A1",)),
        ("x (Request ID: a-b_c)", "x", ("a-b_c",)),
        ("no id here", "no id here", ()),
    ],
)
def test_split_request_ids_strips_every_suffix(
    message: str, clean: str, ids: tuple[str, ...]
) -> None:
    assert split_request_ids(message) == (clean, ids)


def test_get_model_unknown_answers_200_with_model_not_found() -> None:
    request = httpx.Request("GET", "https://gateway.test/v1/models/nope")
    body = {
        "error": {
            "message": "model nope not found",
            "type": "invalid_request_error",
            "param": "model",
            "code": "model_not_found",
        }
    }
    error = check_response(httpx.Response(200, json=body, request=request), stream=False)
    assert isinstance(error, ModelNotFoundError)
    assert error.status_code == 200
    assert "list_models" in str(error)


@pytest.mark.parametrize(
    "body",
    [
        {"error": None, "id": "x", "choices": []},
        {"error": "", "choices": []},
        {"error": {}, "choices": []},
        {"success": True, "data": []},
    ],
    ids=["error-null", "error-empty-string", "error-empty-object", "success-true"],
)
def test_2xx_bodies_with_empty_error_fields_are_not_errors(body: dict[str, Any]) -> None:
    request = httpx.Request("POST", "https://gateway.test/v1/chat/completions")
    assert check_response(httpx.Response(200, json=body, request=request), stream=False) is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"error": ["bad", "worse"]}, "bad"),
        ({"error": True, "msg": "explained"}, "explained"),
        ({"error": {"code": "weird_thing"}}, "weird_thing"),
        ({"error_msg": "百度错误", "error_code": 17}, "百度错误"),
    ],
)
def test_unusual_error_shapes_still_give_a_message(body: object, message: str) -> None:
    error = make_status_error(400, body, request=None)
    assert message in str(error)
    assert "empty response body" not in str(error)


def test_error_info_reads_message_from_fallback_keys() -> None:
    for key in ("message", "msg", "description", "error_msg", "detail"):
        info = error_info({key: "why"})
        assert info is not None
        assert info.message == "why"


@pytest.mark.parametrize(
    ("content", "content_type", "says"),
    [
        (CF_HTML, "text/html", "HTML page"),
        ("OK", "text/plain", "non-JSON text 'OK'"),
        ("", "application/json", "an empty body"),
        ("[1, 2]", "application/json", "JSON of type list"),
        ('{"choices": "not a list"}', "application/json", "unexpected field types"),
    ],
)
async def test_2xx_body_that_is_not_the_endpoint_shape_raises_validation_error(
    is_async: bool, content: str, content_type: str, says: str
) -> None:
    client = make_client(FakeGateway(text_reply(200, content, content_type)), is_async)
    with pytest.raises(APIResponseValidationError) as info:
        await call(client, "chat", model="m", messages=[{"role": "user", "content": "hi"}])
    assert says in str(info.value)
    assert "POST /chat/completions answered HTTP 200" in str(info.value)
    assert "base_url" in str(info.value)


def test_error_hierarchy_is_rooted_in_aimhub_error() -> None:
    for cls in (APIStatusError, APIError, InsufficientQuotaError, ContextLengthExceededError):
        assert issubclass(cls, AimhubError)
    assert issubclass(ModelNotFoundError, NotFoundError)
    assert issubclass(ContextLengthExceededError, BadRequestError)


def test_error_object_with_an_empty_message_says_so_and_keeps_what_there_is() -> None:
    # llama.cpp's server: `tool_choice: "required"` -> 500 with an empty message.
    body = {"error": {"message": "", "type": "internal_server_error", "param": None, "code": None}}
    error = make_status_error(500, body, request=None)
    assert isinstance(error, InternalServerError)
    assert "the server gave no error message" in str(error)
    assert '"type": "internal_server_error"' in str(error)
    assert "null" not in str(error)
