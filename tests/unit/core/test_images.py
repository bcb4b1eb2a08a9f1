"""Images on both clients: request shapes, catalogue rules checked before sending, saving."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import httpx
import pytest

from aimhub import ConfigurationError, UnsupportedEndpointError
from aimhub.types import ImagesResponse
from tests.fakes import TEST_KEY, FakeGateway, call, json_reply, make_client, text_reply
from tests.media_fakes import PNG, PNG_B64, fields_of, form_parts

IMAGES = {
    "created": 1700000000,
    "data": [{"url": "https://cdn.test/a.png", "revised_prompt": "a red fox, watercolour"}],
}
NOT_IMPLEMENTED = {
    "error": {
        "message": "API not implemented",
        "type": "new_api_error",
        "code": "api_not_implemented",
    }
}


async def test_generate_image_sends_only_what_was_set_and_reads_the_items(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, IMAGES, {"X-Oneapi-Request-Id": "req-1"}))
    client = make_client(gateway, is_async)
    result = await call(
        client, "generate_image", "dall-e-3", "a fox", size="1792x1024", style="natural", user="u1"
    )
    request = gateway.requests[0]
    assert (request.method, request.url.path) == ("POST", "/v1/images/generations")
    assert gateway.bodies[0] == {
        "user": "u1",
        "model": "dall-e-3",
        "prompt": "a fox",
        "size": "1792x1024",
        "style": "natural",
    }
    assert isinstance(result, ImagesResponse)
    assert result.data[0].url == "https://cdn.test/a.png"
    assert result.data[0].revised_prompt == "a red fox, watercolour"
    assert result.request_id == "req-1"


@pytest.mark.parametrize(
    ("model", "options", "fix"),
    [
        ("dall-e-3", {"n": 2}, "send n=1"),
        ("dall-e-3", {"size": "512x512"}, "'1024x1024', '1792x1024', '1024x1792'"),
        ("dall-e-3", {"quality": "high"}, "'standard', 'hd'"),
        ("dall-e-2", {"style": "vivid"}, "leave style unset"),
        ("dall-e-2", {"n": 11}, "n<=10"),
        ("gpt-image-1", {"response_format": "url"}, "leave response_format unset"),
        ("dall-e-2", {"n": 0}, "integer >= 1"),
    ],
)
async def test_a_documented_rule_is_refused_before_anything_is_sent(
    is_async: bool, model: str, options: dict[str, object], fix: str
) -> None:
    gateway = FakeGateway(json_reply(200, IMAGES))
    client = make_client(gateway, is_async)
    with pytest.raises(ConfigurationError, match=fix):
        await call(client, "generate_image", model, "a fox", **options)
    assert gateway.requests == []


async def test_prompt_length_and_emptiness_are_checked(is_async: bool) -> None:
    client = make_client(FakeGateway(json_reply(200, IMAGES)), is_async)
    with pytest.raises(ConfigurationError, match="at most 1000 characters, got 1001"):
        await call(client, "generate_image", "dall-e-2", "x" * 1001)
    with pytest.raises(ConfigurationError, match="non-empty string"):
        await call(client, "generate_image", "flux-schnell", "  ")


async def test_unknown_image_models_are_sent_as_given(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, IMAGES))
    client = make_client(gateway, is_async)
    await call(client, "generate_image", "flux-pro-1.1", "a fox", n=4, size="1440x720")
    assert gateway.bodies[0]["n"] == 4


async def test_edit_image_sends_a_multipart_form_with_the_image_and_mask(
    is_async: bool, tmp_path: Path
) -> None:
    image = tmp_path / "fox.png"
    image.write_bytes(PNG)
    gateway = FakeGateway(json_reply(200, {"data": [{"b64_json": PNG_B64}]}))
    client = make_client(gateway, is_async)
    await call(client, "edit_image", "dall-e-2", image, "add a hat", mask=io.BytesIO(PNG), n=2)
    request = gateway.requests[0]
    assert request.url.path == "/v1/images/edits"
    assert int(request.headers["content-length"]) == len(request.read())  # aiohttp sends this
    assert request.headers["authorization"] == f"Bearer {TEST_KEY}"
    assert fields_of(request) == {"model": ["dall-e-2"], "prompt": ["add a hat"], "n": ["2"]}
    files = [(n, f, d, k) for n, f, d, k in form_parts(request) if f]
    assert files == [("image", "fox.png", PNG, "image/png"), ("mask", "mask.png", PNG, "image/png")]


async def test_several_images_go_as_image_brackets_for_models_that_take_them(
    is_async: bool,
) -> None:
    gateway = FakeGateway(json_reply(200, {"data": [{"b64_json": PNG_B64}]}))
    client = make_client(gateway, is_async)
    await call(client, "edit_image", "gpt-image-1", [PNG, PNG], "merge them")
    names = [name for name, filename, _, _ in form_parts(gateway.requests[0]) if filename]
    assert names == ["image[]", "image[]"]
    with pytest.raises(ConfigurationError, match="at most 1 image"):
        await call(client, "edit_image", "dall-e-2", [PNG, PNG], "merge them")


async def test_a_retried_multipart_request_sends_the_same_body_again(is_async: bool) -> None:
    busy = {"error": {"message": "upstream busy", "code": "server_error"}}
    gateway = FakeGateway(json_reply(500, busy), json_reply(200, IMAGES))
    client = make_client(gateway, is_async, max_retries=1)
    await call(client, "create_image_variation", "dall-e-2", io.BytesIO(PNG), n=1)
    first, second = gateway.requests
    assert form_parts(first) == form_parts(second)
    assert [p[2] for p in form_parts(second) if p[1]] == [PNG]
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]


async def test_variations_on_a_gateway_without_them_raise_unsupported_with_the_fix(
    is_async: bool,
) -> None:
    client = make_client(FakeGateway(json_reply(501, NOT_IMPLEMENTED)), is_async)
    with pytest.raises(
        UnsupportedEndpointError, match=r"do not relay image variations.*edit_image"
    ):
        await call(client, "create_image_variation", "dall-e-2", PNG)


async def test_routes_a_model_lacks_are_refused_before_sending(is_async: bool) -> None:
    gateway = FakeGateway(json_reply(200, IMAGES))
    client = make_client(gateway, is_async)
    with pytest.raises(ConfigurationError, match="does not support image variations"):
        await call(client, "create_image_variation", "dall-e-3", PNG)
    with pytest.raises(ConfigurationError, match="does not support image edits"):
        await call(client, "edit_image", "dall-e-3", PNG, "a hat")
    assert gateway.requests == []


@pytest.mark.parametrize(
    ("image", "error", "match"),
    [
        (b"", ConfigurationError, "is empty"),
        ("/no/such/file.png", ConfigurationError, "does not exist"),
        (io.StringIO("text"), ConfigurationError, "text mode"),
        (42, TypeError, "path, bytes or a binary file"),
    ],
)
async def test_bad_image_inputs_are_refused(
    is_async: bool, image: object, error: type[Exception], match: str
) -> None:
    client = make_client(FakeGateway(json_reply(200, IMAGES)), is_async)
    with pytest.raises(error, match=match):
        await call(client, "edit_image", "dall-e-2", image, "a hat")


async def test_an_image_over_the_size_limit_is_refused(is_async: bool) -> None:
    client = make_client(FakeGateway(json_reply(200, IMAGES)), is_async)
    with pytest.raises(ConfigurationError, match="at most 4 MB"):
        await call(client, "edit_image", "dall-e-2", PNG + b"\x00" * 4_000_000, "a hat")


async def test_save_images_decodes_b64_and_downloads_urls_without_the_key(
    is_async: bool, tmp_path: Path
) -> None:
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 8

    def route(request: httpx.Request) -> httpx.Response:
        if request.url.host == "cdn.test":
            return text_reply(200, jpeg, "image/jpeg")(request)
        body = {"data": [{"b64_json": PNG_B64}, {"url": "https://cdn.test/b"}]}
        return json_reply(200, body)(request)

    gateway = FakeGateway(route)
    client = make_client(gateway, is_async)
    result = await call(client, "generate_image", "dall-e-2", "two foxes", n=2)
    paths = await call(client, "save_images", result, tmp_path / "out", prefix="fox")
    assert paths == [tmp_path / "out" / "fox-0.png", tmp_path / "out" / "fox-1.jpg"]
    assert paths[0].read_bytes() == PNG
    assert paths[1].read_bytes() == jpeg
    download = gateway.requests[-1]
    assert download.url == "https://cdn.test/b"
    assert "authorization" not in download.headers


async def test_save_images_refuses_items_without_an_image(is_async: bool, tmp_path: Path) -> None:
    from aimhub import APIResponseValidationError

    client = make_client(FakeGateway(json_reply(200, IMAGES)), is_async)
    empty = ImagesResponse.model_validate({"data": [{"revised_prompt": "x"}]})
    with pytest.raises(APIResponseValidationError, match="neither `url` nor `b64_json`"):
        await call(client, "save_images", empty, tmp_path)
    broken = ImagesResponse.model_validate({"data": [{"b64_json": "not base64!"}]})
    with pytest.raises(APIResponseValidationError, match="not base64"):
        await call(client, "save_images", broken, tmp_path)
    ok = ImagesResponse.model_validate({"data": [{"b64_json": base64.b64encode(PNG).decode()}]})
    with pytest.raises(ConfigurationError, match="prefix"):
        await call(client, "save_images", ok, tmp_path, prefix="../escape")
