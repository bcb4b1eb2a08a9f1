"""Moderation: `POST /moderations`, one verdict per input."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from aimhub._calls import Call
from aimhub._exceptions import APIResponseValidationError, ConfigurationError
from aimhub._response import parse_response
from aimhub._routes import MODERATIONS
from aimhub.types import ModerationResponse

__all__ = ["moderation_call"]


def moderation_call(
    input: str | Sequence[str],
    *,
    model: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Call[ModerationResponse]:
    """The call for one text or a list of texts; `model` is sent only when set."""
    texts = [input] if isinstance(input, str) else list(input)
    if not texts or any(not isinstance(t, str) or not t.strip() for t in texts):
        msg = f"moderate a non-empty string or a list of them, got {input!r:.80}"
        raise ConfigurationError(msg)
    body: dict[str, Any] = {**(extra or {}), "input": input if isinstance(input, str) else texts}
    if model is not None:
        body["model"] = model

    def parse(response: httpx.Response) -> ModerationResponse:
        result = parse_response(MODERATIONS.endpoint, response)
        if len(result.results) != len(texts):
            # Results are matched to inputs by position: a short list cannot be matched.
            msg = (
                f"Unexpected response: {len(result.results)} moderation results for "
                f"{len(texts)} inputs, so results cannot be matched to inputs"
            )
            raise APIResponseValidationError(msg, request=response.request)
        return result

    return Call(MODERATIONS, parse, body)
