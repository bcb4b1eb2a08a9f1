"""LlamaIndex media agent: a `FunctionAgent` with `AimhubToolSpec` that draws and reads aloud.

Asked for a picture and a spoken line, the agent decides to call the spec's `generate_image` and
`text_to_speech` tools, which save the files under `media/` in the current folder. The model
reads back a short text (paths, revised prompt); the media stay in the tool outputs.

Live when `AIMHUB_API_KEY` is set (`AIMHUB_BASE_URL`, `AIMHUB_MODEL`, `AIMHUB_IMAGE_MODEL`,
`AIMHUB_SPEECH_MODEL` optional); otherwise it replays
`cassettes/llamaindex/demo/media_agent.yaml`, built by `scripts/build_media_agent_cassettes.py`
from a scripted gateway (see `cassettes/README.md`), offline, in a temporary folder.

Install: `pip install "aimhub-llm[examples]"` (what `make demo` runs it with).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import httpx
from llama_index.core.agent.workflow import FunctionAgent, ToolCallResult

from aimhub import API_KEY_ENV, AimhubError
from llamaindex_aimhub import Aimhub, AimhubToolSpec

ROOT = Path(__file__).resolve().parent.parent
CASSETTE = ROOT / "cassettes" / "llamaindex" / "demo" / "media_agent.yaml"

#: What the replay cassette was built against: the scripted gateway's fixed fake address.
REPLAY_BASE_URL = "https://gateway.aimhub.test/v1"
REPLAY_KEY = "sk-test"
DEFAULT_MODEL = "gpt-4o-mini"
IMAGE_MODEL = "dall-e-3"
SPEECH_MODEL = "tts-1"
#: Relative, so the paths the tools report back to the model are the same on every run.
SAVE_DIR = "media"

PROMPT = (
    'Draw a lighthouse on a cliff at dusk, and read this aloud: "The lighthouse keeps its watch."'
)


async def _run(llm: Aimhub, spec: AimhubToolSpec, say: Any) -> list[ToolCallResult]:
    agent = FunctionAgent(tools=spec.to_tool_list(), llm=llm)
    handler = agent.run(user_msg=PROMPT)
    results = []
    async for event in handler.stream_events():
        if isinstance(event, ToolCallResult):
            results.append(event)
            artifact = type(event.tool_output.raw_output.artifact).__name__
            say(
                f"  {event.tool_name}({event.tool_kwargs}) -> {event.tool_output.content} "
                f"[artifact: {artifact}]"
            )
    result = await handler
    say(f"agent< {result.response.content}")
    return results


def run(llm: Aimhub, spec: AimhubToolSpec, out: TextIO = sys.stdout) -> list[ToolCallResult]:
    """Ask the agent; print each tool call and the answer; return the tool results."""

    def say(text: str) -> None:
        print(text, file=out, flush=True)

    say("== LlamaIndex media agent: FunctionAgent + AimhubToolSpec ==")
    say(f"user> {PROMPT}")
    return asyncio.run(_run(llm, spec, say))


@contextmanager
def replaying(cassette: Path) -> Iterator[None]:
    """Answer every HTTP call from the cassette; an unrecorded call fails, it never goes out."""
    import vcr  # a test dependency: only needed to replay

    if not cassette.is_file():
        msg = f"missing cassette {cassette}; run scripts/build_media_agent_cassettes.py"
        raise FileNotFoundError(msg)
    replayer = vcr.VCR(
        record_mode="none",
        match_on=["method", "scheme", "host", "port", "path", "query", "body"],
        decode_compressed_response=True,
    )
    with replayer.use_cassette(str(cassette)):
        yield


@contextmanager
def in_folder(path: Path) -> Iterator[None]:
    """Run with `path` as the current folder (the tools save under `media/` there)."""
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def replay_setup(**clients: Any) -> tuple[Aimhub, AimhubToolSpec]:
    """The LLM and tool spec the replay cassette was built with (`clients`: for the builder)."""
    connection = {"base_url": REPLAY_BASE_URL, "api_key": REPLAY_KEY, **clients}
    llm = Aimhub(model=DEFAULT_MODEL, max_retries=0, **connection)
    spec = AimhubToolSpec(
        image_model=IMAGE_MODEL, speech_model=SPEECH_MODEL, save_dir=SAVE_DIR, **connection
    )
    return llm, spec


def main(out: TextIO = sys.stdout) -> int:
    """Run the agent: live when `AIMHUB_API_KEY` is set, else replayed from its cassette."""
    try:
        if os.environ.get(API_KEY_ENV, "").strip():
            llm = Aimhub(model=os.environ.get("AIMHUB_MODEL") or DEFAULT_MODEL)
            spec = AimhubToolSpec(
                image_model=os.environ.get("AIMHUB_IMAGE_MODEL") or IMAGE_MODEL,
                speech_model=os.environ.get("AIMHUB_SPEECH_MODEL") or SPEECH_MODEL,
                save_dir=SAVE_DIR,
            )
            print(f"Live: {llm.model}; files go to ./{SAVE_DIR}/.", file=out)
            run(llm, spec, out)
            return 0
        print(
            "No AIMHUB_API_KEY set: replaying cassettes/llamaindex/demo/media_agent.yaml "
            "(offline, built from a scripted gateway). Set AIMHUB_API_KEY to go live.",
            file=out,
        )
        with tempfile.TemporaryDirectory() as tmp, in_folder(Path(tmp)), replaying(CASSETTE):
            # httpx clients, as the cassette was recorded with: vcrpy's aiohttp stubs replay a
            # binary body without its content type and a GET with a different (empty) body.
            clients = {"http_client": httpx.Client(), "async_http_client": httpx.AsyncClient()}
            results = run(*replay_setup(**clients), out)
            saved = sorted(str(p.relative_to(tmp)) for p in Path(tmp, SAVE_DIR).iterdir())
            print(f"(files written: {', '.join(saved)}; {len(results)} tool results)", file=out)
    except AimhubError as exc:
        print(f"llamaindex media agent failed: {exc}", file=out)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
