"""LangChain media agent: a `create_agent` (LangGraph) agent that draws and reads aloud.

The agent gets `AimhubToolkit`'s tools; asked for a picture and a spoken line, it decides to
call the image tool and the speech tool, which save the files under `media/` in the current
folder. The model reads back a short text (paths, revised prompt); the media stay in the tool
messages' artifacts, never in the prompt.

Live when `AIMHUB_API_KEY` is set (`AIMHUB_BASE_URL`, `AIMHUB_MODEL`, `AIMHUB_IMAGE_MODEL`,
`AIMHUB_SPEECH_MODEL` optional); otherwise it replays `cassettes/demo/langchain_media_agent.yaml`,
built by `scripts/build_media_agent_cassettes.py` from a scripted gateway (see
`cassettes/README.md`), with no network, in a temporary folder.

Install: `pip install "aimhub-llm[examples]"` (what `make demo` runs it with).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from langchain.agents import create_agent
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from langchain_aimhub import AimhubToolkit, ChatAimhub

ROOT = Path(__file__).resolve().parent.parent
CASSETTE = ROOT / "cassettes" / "demo" / "langchain_media_agent.yaml"

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


def run(llm: ChatAimhub, toolkit: AimhubToolkit, out: TextIO = sys.stdout) -> list[ToolMessage]:
    """Ask the agent; print each step; return the tool messages (their artifacts hold media)."""

    def say(text: str) -> None:
        print(text, file=out, flush=True)

    say("== LangChain media agent: create_agent + AimhubToolkit ==")
    say(f"user> {PROMPT}")
    agent = create_agent(llm, toolkit.get_tools())
    messages = agent.invoke({"messages": [HumanMessage(PROMPT)]})["messages"][1:]
    for message in messages:
        say(_describe(message))
    return [m for m in messages if isinstance(m, ToolMessage)]


def _describe(message: Any) -> str:
    if isinstance(message, AIMessage) and message.tool_calls:
        calls = ", ".join(f"{c['name']}({c['args']})" for c in message.tool_calls)
        return f"  model calls: {calls}"
    if isinstance(message, ToolMessage):
        artifact = type(message.artifact).__name__
        return f"  {message.name} -> {message.content} [artifact: {artifact}]"
    return f"agent< {message.text}"


@contextmanager
def replaying(cassette: Path) -> Iterator[None]:
    """Answer every HTTP call from the cassette; an unrecorded call fails, it never goes out."""
    import vcr  # a test dependency: only needed to replay

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


def replay_setup(**clients: Any) -> tuple[ChatAimhub, AimhubToolkit]:
    """The model and toolkit the replay cassette was built with (`clients`: for the builder)."""
    connection = {"base_url": REPLAY_BASE_URL, "api_key": REPLAY_KEY, **clients}
    llm = ChatAimhub(model=DEFAULT_MODEL, **connection)
    toolkit = AimhubToolkit(
        image_model=IMAGE_MODEL, speech_model=SPEECH_MODEL, save_dir=SAVE_DIR, **connection
    )
    return llm, toolkit


def main(out: TextIO = sys.stdout) -> int:
    """Run the agent: live when `AIMHUB_API_KEY` is set, else replayed from its cassette."""
    if os.environ.get("AIMHUB_API_KEY", "").strip():
        llm = ChatAimhub(model=os.environ.get("AIMHUB_MODEL") or DEFAULT_MODEL)
        toolkit = AimhubToolkit(
            image_model=os.environ.get("AIMHUB_IMAGE_MODEL") or IMAGE_MODEL,
            speech_model=os.environ.get("AIMHUB_SPEECH_MODEL") or SPEECH_MODEL,
            save_dir=SAVE_DIR,
        )
        print(f"Live: {llm.model_name}; files go to ./{SAVE_DIR}/.", file=out)
        run(llm, toolkit, out)
        return 0
    print(
        "No AIMHUB_API_KEY set: replaying cassettes/demo/langchain_media_agent.yaml (offline, "
        "built from a scripted gateway). Set AIMHUB_API_KEY to go live.",
        file=out,
    )
    with tempfile.TemporaryDirectory() as tmp, in_folder(Path(tmp)), replaying(CASSETTE):
        results = run(*replay_setup(), out)
        saved = sorted(str(p.relative_to(tmp)) for p in Path(tmp, SAVE_DIR).iterdir())
        print(f"(files written: {', '.join(saved)}; {len(results)} tool results)", file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
