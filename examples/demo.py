"""`make demo`: the core client live against a gateway, or replayed offline from cassettes.

Install: `pip install "aimhub-llm[examples]"` (what `make demo` runs it with).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from aimhub import (
    API_KEY_ENV,
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    AimhubClient,
    AimhubError,
    normalize_base_url,
)

ROOT = Path(__file__).resolve().parent.parent
DEMO_CASSETTES = ROOT / "cassettes" / "demo"

#: What the replay cassettes were recorded against (see cassettes/README.md, `make record-local`).
REPLAY_BASE_URL = "http://127.0.0.1:8089/v1"
REPLAY_MODEL = "smollm2-135m-instruct"
REPLAY_KEY = "sk-local-test"
DEFAULT_LIVE_MODEL = "gpt-4o-mini"

PROMPT = "Introduce yourself in one short sentence."
STREAM_PROMPT = "Write a two-line poem about the sea."
MAX_TOKENS = 48


@dataclass(frozen=True)
class Demo:
    """Where the sections talk to, and where they print."""

    base_url: str | None
    api_key: str
    model: str
    live: bool
    out: TextIO = field(default=sys.stdout)

    def client(self) -> AimhubClient:
        """A core client for this run (the sections close it)."""
        return AimhubClient(api_key=self.api_key, base_url=self.base_url)

    def say(self, text: str = "", end: str = "\n") -> None:
        print(text, end=end, file=self.out, flush=True)


# --- sections: each is one function; later issues add LangChain and LlamaIndex ones ----------


def core_section(demo: Demo) -> None:
    """The core client: list models, one chat reply, one streamed reply."""
    demo.say("== aimhub core client ==")
    with demo.client() as client:
        models = client.list_models()
        ids = [m.id for m in models.data]
        shown = ", ".join(ids[:8]) + (f" … (+{len(ids) - 8})" if len(ids) > 8 else "")
        demo.say(f"models ({len(ids)}): {shown}")

        reply = client.chat(
            model=demo.model,
            messages=[{"role": "user", "content": PROMPT}],
            max_tokens=MAX_TOKENS,
        )
        message = reply.choices[0].message if reply.choices else None
        demo.say(f"chat> {PROMPT}")
        demo.say(f"reply< {(message.content if message else '') or ''}".rstrip())

        demo.say(f"chat> {STREAM_PROMPT}")
        demo.say("stream< ", end="")
        finish: str | None = None
        with client.stream_chat(
            model=demo.model,
            messages=[{"role": "user", "content": STREAM_PROMPT}],
            max_tokens=MAX_TOKENS,
        ) as stream:
            for chunk in stream:
                for choice in chunk.choices:
                    if choice.delta is not None and isinstance(choice.delta.content, str):
                        demo.say(choice.delta.content, end="")
                    finish = choice.finish_reason or finish
        demo.say()
        demo.say(f"(finish_reason: {finish}, request id: {stream.request_id})")


#: (cassette name, section): the replay of a section reads `cassettes/demo/<name>.yaml`.
SECTIONS: list[tuple[str, Callable[[Demo], None]]] = [("core", core_section)]


# --- replay -----------------------------------------------------------------------------------


@contextmanager
def replaying(cassette: Path) -> Iterator[None]:
    """Answer every HTTP call from a cassette; an unrecorded call fails, it never goes out."""
    import vcr  # a test dependency: only needed to replay

    if not cassette.is_file():
        msg = f"missing cassette {cassette}; record it with `make record-local`"
        raise FileNotFoundError(msg)
    replayer = vcr.VCR(
        record_mode="none",
        match_on=["method", "scheme", "host", "port", "path", "query", "body"],
        decode_compressed_response=True,
    )
    with replayer.use_cassette(str(cassette)):
        yield


def main(out: TextIO = sys.stdout) -> int:
    """Run every section, live when `AIMHUB_API_KEY` is set, else from cassettes."""
    key = os.environ.get(API_KEY_ENV, "").strip()
    try:
        if key:
            base_url = normalize_base_url(os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL)
            model = os.environ.get("AIMHUB_MODEL") or DEFAULT_LIVE_MODEL
            demo = Demo(base_url, key, model, live=True, out=out)
            demo.say(f"Live: {base_url} with model {model} ({API_KEY_ENV} is set).")
        else:
            demo = Demo(REPLAY_BASE_URL, REPLAY_KEY, REPLAY_MODEL, live=False, out=out)
            demo.say(
                f"No {API_KEY_ENV} set: replaying recorded cassettes from cassettes/demo/ "
                f"(offline; llama.cpp server with {REPLAY_MODEL}). Set {API_KEY_ENV} to go live."
            )
    except AimhubError as exc:
        print(f"demo: {exc}", file=out)
        return 1
    for name, section in SECTIONS:
        try:
            if demo.live:
                section(demo)
            else:
                with replaying(DEMO_CASSETTES / f"{name}.yaml"):
                    section(demo)
        except AimhubError as exc:
            demo.say(f"\n{name} failed: {exc}")
            return 1
        demo.say()
    return 0


if __name__ == "__main__":
    sys.exit(main())
