"""`<think>` tags in answer text: streamed pieces give exactly what the whole answer gives."""

from __future__ import annotations

import pytest

from aimhub._normalize import ThinkTagSplitter, split_think_tags

#: new-api's "thinking to content" channel setting writes `<think>\n…\n</think>\n`
#: (docs/gateway-behaviour.md §7).
NEW_API = "<think>\nThe user greets me.\n\nBe brief.\n</think>\nHello!"


def streamed(pieces: list[str]) -> tuple[str, str]:
    splitter = ThinkTagSplitter()
    parts = [splitter.feed(piece) for piece in pieces]
    parts.append(splitter.flush())
    return "".join(r for r, _ in parts), "".join(a for _, a in parts)


def cuts(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 13, 100])
@pytest.mark.parametrize(
    "text",
    [
        NEW_API,
        "<think>plan</think>\n\nDone.",
        "  <think>\n\nplan\n\n</think>\n\nDone.",
        "<think>\nunfinished thought\n",
        "No tags at all.\n",
    ],
    ids=["new-api", "bare", "padded", "unterminated", "no-tags"],
)
def test_streamed_think_tags_split_like_the_whole_answer(text: str, size: int) -> None:
    reasoning, answer = split_think_tags(text)
    assert streamed(cuts(text, size)) == (reasoning or "", answer)


def test_new_api_newlines_inside_the_tags_are_not_reasoning() -> None:
    pieces = ["<think>\n", "The user greets me.", "\n\nBe brief.", "\n</think>\n", "Hello!"]
    assert streamed(pieces) == ("The user greets me.\n\nBe brief.", "Hello!")
