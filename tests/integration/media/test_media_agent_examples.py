"""The media-agent examples replay offline: the agent draws, reads aloud, saves both files.

Their cassettes are built by `scripts/build_media_agent_cassettes.py`; `--check` here proves the
committed files are what the builder (and so the examples' current requests) produce.
"""

from __future__ import annotations

import importlib.util
import io
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[3]

#: The LlamaIndex replay was recorded with this llama-index-core (the locked one). 0.14.5, the
#: lowest allowed, runs FunctionAgent's turn with two parallel tool calls differently, so its
#: requests are not in the cassette; the example itself works there (live).
RECORDED_WITH = (0, 14, 25)


def _replayable(name: str) -> None:
    if not name.startswith("llamaindex"):
        return
    from llama_index.core import __version__

    found = tuple(int(part) for part in __version__.split(".")[:3])
    if found < RECORDED_WITH:
        pytest.skip(f"replay recorded on llama-index-core 0.14.25; this is {__version__}")


def _load(name: str) -> ModuleType:
    module_name = f"aimhub_examples_{name}"
    if module_name not in sys.modules:
        spec = importlib.util.spec_from_file_location(module_name, ROOT / "examples" / f"{name}.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    return sys.modules[module_name]


@pytest.mark.parametrize(
    ("name", "image_tool", "speech_tool"),
    [
        ("langchain_media_agent", "aimhub_generate_image", "aimhub_text_to_speech"),
        ("llamaindex_media_agent", "generate_image", "text_to_speech"),
    ],
)
def test_main_replays_offline(
    name: str, image_tool: str, speech_tool: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _replayable(name)
    monkeypatch.delenv("AIMHUB_API_KEY", raising=False)
    out = io.StringIO()
    assert _load(name).main(out) == 0
    text = out.getvalue()
    assert text.startswith("No AIMHUB_API_KEY set: replaying")
    assert f"{image_tool}({{'prompt': 'a lighthouse on a cliff at dusk'}})" in text
    assert f"{speech_tool}({{'text': 'The lighthouse keeps its watch.'}})" in text
    assert "[artifact: ImagesResponse]" in text
    assert "266 bytes of audio/mpeg, saved to media/speech-1.mp3. [artifact: SpeechAudio]" in text
    assert (
        "agent< I drew it: media/image-0.png. Your line is read aloud in media/speech-1.mp3."
        in text
    )
    assert "(files written: media/image-0.png, media/speech-1.mp3; 2 tool results)" in text


@pytest.mark.parametrize("name", ["langchain_media_agent", "llamaindex_media_agent"])
def test_replay_saves_the_media(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _replayable(name)
    example = _load(name)
    monkeypatch.chdir(tmp_path)
    with example.replaying(example.CASSETTE):
        if name.startswith("llamaindex"):
            import httpx

            setup = example.replay_setup(
                http_client=httpx.Client(), async_http_client=httpx.AsyncClient()
            )
        else:
            setup = example.replay_setup()
        example.run(*setup, io.StringIO())
    assert (tmp_path / "media" / "image-0.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "media" / "speech-1.mp3").read_bytes().startswith(b"ID3")


def test_the_cassettes_are_what_the_builder_makes() -> None:
    _replayable("llamaindex_media_agent")
    builder = ROOT / "scripts" / "build_media_agent_cassettes.py"
    done = subprocess.run(
        [sys.executable, str(builder), "--check"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
