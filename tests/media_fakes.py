"""Helpers of the image/audio tests: read a multipart body as the gateway would, tiny media."""

from __future__ import annotations

import base64
from email.parser import BytesParser
from email.policy import HTTP

import httpx

#: The 8-byte PNG signature plus a few bytes: enough for the extension sniffing.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
PNG_B64 = base64.b64encode(PNG).decode()
MP3 = b"ID3\x03\x00" + b"\xff\xfb" * 32


def form_parts(request: httpx.Request) -> list[tuple[str, str | None, bytes, str | None]]:
    """`(field name, filename, bytes, content type)` of every part of a multipart request."""
    content_type = request.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    body = request.read() if not hasattr(request, "_content") else request.content
    return parse_form(content_type, body)


def parse_form(content_type: str, body: bytes) -> list[tuple[str, str | None, bytes, str | None]]:
    """The parts of a multipart/form-data body."""
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    parts = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_filename()
        payload = part.get_payload(decode=True)
        kind = part.get_content_type() if filename else None
        parts.append((str(name), filename, bytes(payload or b""), kind))
    return parts


def fields_of(request: httpx.Request) -> dict[str, list[str]]:
    """The plain (non-file) form fields, each with its values in order."""
    out: dict[str, list[str]] = {}
    for name, filename, data, _ in form_parts(request):
        if filename is None:
            out.setdefault(name, []).append(data.decode())
    return out
