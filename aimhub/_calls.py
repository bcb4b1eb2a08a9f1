"""What every non-chat route shares: the prepared call, uploads, bodies.

A route is one entry of the table in `aimhub/_routes.py` (where, how the body travels, what to
say when a gateway lacks it); a method builds a `Call` with pure code (checks included) and hands
it to the client, whose only job is to send it. The task routes (Midjourney, Suno, video) plug in
the same way.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Generic, TypeVar, Union

import httpx

from aimhub._config import ClientConfig
from aimhub._error_parse import request_id_of
from aimhub._exceptions import (
    APIResponseValidationError,
    ConfigurationError,
    UnsupportedEndpointError,
)
from aimhub._request import NOT_IDEMPOTENT, OWN_ERRORS, build_request
from aimhub._response import is_json_response
from aimhub._routes import Route

__all__ = ["Call", "FileInput", "Upload", "read_upload"]

T = TypeVar("T")

#: A file to upload: a path, its bytes, or a binary file object (read once, so retries resend it).
FileInput = Union[str, "os.PathLike[str]", bytes, bytearray, IO[bytes]]


@dataclass(frozen=True)
class Upload:
    """A file read into memory: name, bytes and content type, as the form part sends them."""

    filename: str
    content: bytes
    content_type: str

    def __repr__(self) -> str:
        return f"Upload({self.filename!r}, {len(self.content)} bytes, {self.content_type!r})"


@dataclass(frozen=True)
class Call(Generic[T]):
    """A request ready to send and the function that reads its answer.

    Attributes:
        route: where it goes.
        parse: a successful (already checked) answer to the result.
        fields: the JSON body, or the form fields of a multipart body (lists repeat the field).
        files: the form's file parts as `(field name, upload)`, in order.
        query: query parameters of a GET.
    """

    route: Route[Any]
    parse: Callable[[httpx.Response], T]
    fields: Mapping[str, Any] = field(default_factory=dict)
    files: Sequence[tuple[str, Upload]] = ()
    query: Mapping[str, Any] = field(default_factory=dict)

    def request(
        self,
        config: ClientConfig,
        *,
        extra_headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> httpx.Request:
        """The exact request: the same headers, key and timeout rules as chat."""
        request = self._build(config, extra_headers, timeout)
        if self.route.root:
            path = server_root_path(config.base_url) + self.route.endpoint.path
            request.url = request.url.copy_with(path=path)
        if not self.route.idempotent:
            request.extensions[NOT_IDEMPOTENT] = True
        if self.route.own_errors:
            request.extensions[OWN_ERRORS] = True
        return request

    def _build(
        self,
        config: ClientConfig,
        extra_headers: Mapping[str, str] | None,
        timeout: float | httpx.Timeout | None,
    ) -> httpx.Request:
        endpoint = self.route.endpoint
        if not self.route.multipart:
            body = dict(self.fields) if endpoint.method != "GET" else None
            request = build_request(
                config, endpoint, body, extra_headers=extra_headers, timeout=timeout
            )
            if self.query:
                request.url = request.url.copy_merge_params(dict(self.query))
            return request
        base = build_request(config, endpoint, None, extra_headers=extra_headers, timeout=timeout)
        # httpx renders the form from bytes on every send: a retry sends the same body again.
        return httpx.Request(
            endpoint.method,
            base.url,
            headers={k: v for k, v in base.headers.items() if k.lower() not in _BODY_HEADERS},
            data={k: _form_value(v) for k, v in self.fields.items() if v is not None},
            files=[(name, (u.filename, u.content, u.content_type)) for name, u in self.files],
            extensions=base.extensions,
        )


def server_root_path(base_url: str) -> str:
    """The path of the server root: the API root without its trailing `/v1`."""
    path = httpx.URL(base_url).path.rstrip("/")
    return path[: -len("/v1")] if path.endswith("/v1") else path


#: Headers of the empty JSON-less request that the form's own replace (length, boundary).
_BODY_HEADERS = frozenset({"content-type", "content-length", "host"})


def _form_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return [_form_value(item) for item in value]
    return str(value)


def read_upload(file: FileInput, *, what: str, default_name: str) -> Upload:
    """Read a path, bytes or binary file object into an `Upload`.

    Raises:
        ConfigurationError: a text-mode file, a missing path, or an empty file.
        TypeError: anything else.
    """
    if isinstance(file, (bytes, bytearray)):
        content, name = bytes(file), default_name
    elif isinstance(file, (str, os.PathLike)):
        path = Path(file)
        if not path.is_file():
            msg = f"{what} file {str(path)!r} does not exist (or is not a file)"
            raise ConfigurationError(msg)
        content, name = path.read_bytes(), path.name
    elif hasattr(file, "read"):
        data = file.read()
        if isinstance(data, str):
            msg = f"the {what} file is open in text mode; open it with 'rb'"
            raise ConfigurationError(msg)
        content = bytes(data)
        name = Path(str(getattr(file, "name", "") or default_name)).name
    else:
        msg = f"{what} must be a path, bytes or a binary file object, got {type(file).__name__}"
        raise TypeError(msg)
    if not content:
        msg = f"the {what} file {name!r} is empty"
        raise ConfigurationError(msg)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Upload(name, content, content_type)


def with_missing_hint(
    route: Route[Any], error: UnsupportedEndpointError
) -> UnsupportedEndpointError:
    """The same error with the route's own fix appended (docs/gateway-behaviour.md §1)."""
    if not route.missing_hint:
        return error
    return type(error)(
        f"{error.message} {route.missing_hint}",
        request=error.request,
        response=error.response,
        body=error.body,
        status_code=error.status_code,
        code=error.code,
        error_type=error.error_type,
        param=error.param,
        raw_message=error.raw_message,
        request_id=error.request_id,
        request_ids=error.request_ids,
    )


def binary_body(route: Route[Any], response: httpx.Response) -> tuple[bytes, str]:
    """The body of a binary answer and its content type; JSON instead is an unexpected answer."""
    content_type = response.headers.get("content-type", "application/octet-stream")
    if is_json_response(response):
        raise unexpected_json(route, response)
    return response.content, content_type


def unexpected_json(route: Route[Any], response: httpx.Response) -> APIResponseValidationError:
    """A binary route answered JSON (that is not an error body)."""
    endpoint = route.endpoint
    msg = (
        f"Unexpected response: {endpoint.method} {endpoint.path} answered JSON instead of "
        "audio — check that the model is a speech model on this gateway."
    )
    return APIResponseValidationError(
        msg, request=response.request, request_id=request_id_of(response)
    )


@contextmanager
def missing_route_hint(route: Route[Any]) -> Iterator[None]:
    """Add the route's fix to an unsupported-endpoint error raised inside the block."""
    try:
        yield
    except UnsupportedEndpointError as exc:
        if not route.missing_hint:
            raise
        raise with_missing_hint(route, exc) from exc
