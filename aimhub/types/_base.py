"""Shared pieces of the wire models: tolerant base class and lenient field types."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, PrivateAttr

T = TypeVar("T")


class WireModel(BaseModel):
    """Base of every wire model: unknown fields are kept, missing ones default."""

    # Schemas are built on first use, not at import: `import aimhub` stays close to httpx+pydantic.
    model_config = ConfigDict(
        extra="allow", protected_namespaces=(), populate_by_name=True, defer_build=True
    )


class ResponseModel(WireModel):
    """A whole answer of an endpoint, carrying the gateway's request id.

    Streamed chunks are plain `WireModel`s: a private attribute costs pydantic work on every
    chunk, and `Stream.request_id` already carries the id.
    """

    _request_id: str | None = PrivateAttr(default=None)

    @property
    def request_id(self) -> str | None:
        """The gateway's request id (`X-Oneapi-Request-Id`) of the answer this came from."""
        return self._request_id


def _lenient_int(value: object) -> int | None:
    # OpenRouter sends token counts as floats; some relays send numeric strings.
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):  # garbage, NaN, "INF"
        return None


def _none_to_list(value: object) -> object:
    return [] if value is None else value


def _empty_to_none(value: object) -> object:
    return None if value == "" else value


#: An integer that also accepts floats and numeric strings, and turns garbage into None.
LenientInt = Annotated[int | None, BeforeValidator(_lenient_int)]
#: A list that may arrive as `null`.
NullableList = Annotated[list[T], BeforeValidator(_none_to_list)]
#: A string where `""` means "not set" (one-api sends `finish_reason: ""` on every chunk).
OptionalText = Annotated[str | None, BeforeValidator(_empty_to_none)]

JSONObject = dict[str, Any]
