"""Build the media-agent examples' cassettes from the scripted gateway (no live gateway involved).

    .venv/bin/python scripts/build_media_agent_cassettes.py          # rewrite both
    .venv/bin/python scripts/build_media_agent_cassettes.py --check  # fail if one would change

Runs `examples/langchain_media_agent.py` and `examples/llamaindex_media_agent.py` (their `run`
with their replay setup) against `MediaAgentGateway` while vcrpy records over an
`httpx.MockTransport`:

* chat turns come from `scripted_gateway.ScriptedGateway` (docs/gateway-behaviour.md §3/§4/§6;
  the agent's decision to call the image and speech tools is the `_media_calls` rule of
  `scripted_answers.py`);
* `POST /v1/images/generations` answers in the OpenAI API reference's Images shape (DALL·E 3:
  a hosted `url` and a `revised_prompt`, the default `response_format`), and the hosted URL serves
  a small generated PNG, as the image host would (downloaded without the gateway key);
* `POST /v1/audio/speech` answers raw `audio/mpeg` bytes (OpenAI API reference, Audio →
  Create speech), a fixed stand-in MP3 frame sequence.

So the requests in the cassettes are exactly what the examples send; the responses are what the
documentation says a gateway relays. Deterministic: two runs give byte-identical files.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import vcr
import yaml
from vcr.serializers import yamlserializer

SCRIPTS = Path(__file__).resolve().parent
ROOT = SCRIPTS.parent
sys.path.insert(0, str(SCRIPTS))
sys.path.insert(0, str(ROOT))

from scripted_gateway import API_KEY, CREATED, GATEWAY_HOST, ScriptedGateway  # noqa: E402
from standin_media import IMAGE  # noqa: E402

from aimhub._constants import SECRET_QUERY_PARAMS  # noqa: E402
from tests.conftest import FILTERED_HEADERS  # noqa: E402

#: Where the stand-in image is "hosted" (OpenAI returns a blob-storage URL valid for an hour).
IMAGE_HOST = "images.aimhub.test"
#: ID3 header plus MPEG-1 Layer III frame headers: enough for a player to call it an mp3.
MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 64


class MediaAgentGateway:
    """The scripted chat gateway plus the two media routes and the image host."""

    def __init__(self) -> None:
        self.chat = ScriptedGateway()
        self.images = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == IMAGE_HOST:
            return httpx.Response(200, content=IMAGE.content, headers={"content-type": "image/png"})
        if request.url.host == GATEWAY_HOST and request.url.path in (
            "/v1/images/generations",
            "/v1/audio/speech",
        ):
            if request.headers.get("authorization") != f"Bearer {API_KEY}":
                error = {"message": "无效的令牌", "type": "new_api_error"}
                return httpx.Response(401, json={"error": error})
            body = json.loads(request.content)
            if request.url.path == "/v1/audio/speech":
                return httpx.Response(200, content=MP3, headers={"content-type": "audio/mpeg"})
            return self._image(body)
        return self.chat(request)

    def _image(self, body: dict[str, Any]) -> httpx.Response:
        self.images += 1
        item = {
            "url": f"https://{IMAGE_HOST}/generated/img-{self.images}.png",
            # DALL·E 3 rewrites the prompt and says so (OpenAI API reference, the image object).
            "revised_prompt": f"{body['prompt'][0].upper()}{body['prompt'][1:]}, painted in "
            "warm evening light with the beam sweeping over the sea.",
        }
        return httpx.Response(200, json={"created": CREATED + self.images, "data": [item]})


def recorder() -> vcr.VCR:
    """vcrpy set up as `tests/conftest.py`'s `vcr_config` (same filters, same matching)."""
    return vcr.VCR(
        record_mode="all",
        filter_headers=[(name, None) for name in FILTERED_HEADERS],
        filter_query_parameters=[(name, None) for name in sorted(SECRET_QUERY_PARAMS)],
        decode_compressed_response=True,
        match_on=["method", "scheme", "host", "port", "path", "query", "body"],
    )


def load(name: str) -> ModuleType:
    """An example script, loaded by path."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@contextmanager
def in_folder(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


#: example → (the keyword names its replay_setup takes for the sync and async httpx clients).
EXAMPLES: dict[str, tuple[str, str]] = {
    "langchain_media_agent": ("http_client", "http_async_client"),
    "llamaindex_media_agent": ("http_client", "async_http_client"),
}


def build_one(name: str, target: Path) -> Path:
    example = load(name)
    sync_name, async_name = EXAMPLES[name]
    transport = httpx.MockTransport(MediaAgentGateway())
    clients = {
        sync_name: httpx.Client(transport=transport),
        async_name: httpx.AsyncClient(transport=transport),
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    run: Callable[..., Any] = example.run
    with (
        tempfile.TemporaryDirectory() as tmp,
        in_folder(Path(tmp)),
        recorder().use_cassette(str(target)),
    ):
        run(*example.replay_setup(**clients), io.StringIO())
    canonical_order(target)
    return target


def canonical_order(path: Path) -> None:
    """Sort the media calls between two chat turns by URL.

    The agents run the image and speech tools concurrently, so their requests arrive in either
    order; replay matches each request wherever it is, so only the file's order is fixed here
    (a generation URL sorts before its image host's download).
    """
    data = yaml.safe_load(path.read_text("utf-8"))
    ordered: list[Any] = []
    segment: list[Any] = []
    for interaction in data["interactions"]:
        if interaction["request"]["uri"].endswith("/chat/completions"):
            ordered += sorted(segment, key=lambda i: i["request"]["uri"])
            segment = []
            ordered.append(interaction)
        else:
            segment.append(interaction)
    data["interactions"] = ordered + sorted(segment, key=lambda i: i["request"]["uri"])
    path.write_text(yamlserializer.serialize(data), "utf-8")


def build(root: Path) -> list[Path]:
    """Write both cassettes below `root` (laid out as `cassettes/`); return their paths."""
    out = []
    for name in EXAMPLES:
        relative = load(name).CASSETTE.relative_to(ROOT / "cassettes")
        out.append(build_one(name, root / relative))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a cassette would change")
    args = parser.parse_args()
    committed = ROOT / "cassettes"
    if not args.check:
        for path in build(committed):
            print(f"wrote {path.relative_to(ROOT)}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        stale = [
            p
            for p in build(Path(tmp))
            if (committed / p.relative_to(tmp)).read_bytes() != p.read_bytes()
        ]
    for path in stale:
        print(f"out of date: {path.name}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
