"""Build the task cassettes from documented behaviour (not recorded from a live gateway).

Runs each scenario of `tests/integration/tasks/scenarios.py` with our real clients (sync and
async) over an `httpx.MockTransport` serving, in order, the answers the scenario lists: the
wire shapes of docs/gateway-behaviour.md §14 (Midjourney), §15 (Suno) and §16 (video). Polling
waits are skipped. vcrpy writes each exchange.

```sh
.venv/bin/python scripts/build_task_cassettes.py
```

Output: `cassettes/tasks/test_task_cassettes/test_replay[<scenario>-<sync|async>].yaml`, and
`cassettes/demo/tasks.yaml` (what `examples/tasks_demo.py` replays: the Midjourney imagine ->
upscale scenario's answers, then the Suno song's).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import httpx
import vcr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aimhub._task_client  # noqa: E402
from aimhub import AimhubClient, AsyncAimhubClient  # noqa: E402
from tests.integration.tasks.scenarios import ANSWERS, GATEWAY, KEY, SCENARIOS  # noqa: E402

OUT = ROOT / "cassettes" / "tasks" / "test_task_cassettes"
HEADERS = {"content-type": "application/json", "x-oneapi-request-id": "20261203130000000000001"}


class Scripted:
    """Serves the scenario's answers in order."""

    def __init__(self, answers: list[tuple[int, object]]) -> None:
        self.answers = list(answers)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        status, body = self.answers.pop(0)
        return httpx.Response(status, json=body, headers=HEADERS)


def _strip_request(request: Any) -> Any:
    request.headers = {}
    return request


def _keep_headers(response: dict[str, Any]) -> dict[str, Any]:
    keep = {"content-type", "x-oneapi-request-id"}
    response["headers"] = {k: v for k, v in response["headers"].items() if k.lower() in keep}
    return response


RECORDER = vcr.VCR(
    record_mode="all",
    before_record_request=_strip_request,
    before_record_response=_keep_headers,
    decode_compressed_response=True,
)


async def _no_wait(delay: float) -> None:
    return None


def build() -> None:
    """Every scenario, once per client kind."""
    aimhub._task_client._sleep = lambda delay: None
    aimhub._task_client._asleep = _no_wait
    OUT.mkdir(parents=True, exist_ok=True)
    for stale in OUT.glob("*.yaml"):
        stale.unlink()
    for name, scenario in SCENARIOS.items():
        for kind in ("sync", "async"):
            transport = httpx.MockTransport(Scripted(ANSWERS[name]))
            path = OUT / f"test_replay[{name}-{kind}].yaml"
            client: Any
            options: dict[str, Any] = {"api_key": KEY, "base_url": GATEWAY, "max_retries": 0}
            if kind == "sync":
                client = AimhubClient(**options, http_client=httpx.Client(transport=transport))
            else:
                http = httpx.AsyncClient(transport=transport)
                client = AsyncAimhubClient(**options, http_client=http)
            with RECORDER.use_cassette(str(path), match_on=["method", "scheme", "host", "port",
                                                             "path", "query", "body"]):  # fmt: skip
                asyncio.run(scenario(client))
            print(f"wrote {path.relative_to(ROOT)}")
    _build_demo()


def _build_demo() -> None:
    import importlib.util
    import io

    spec = importlib.util.spec_from_file_location("tasks_demo", ROOT / "examples" / "tasks_demo.py")
    assert spec is not None
    assert spec.loader is not None
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    answers = [*ANSWERS["midjourney_imagine_upscale"], *ANSWERS["suno_song"]]
    transport = httpx.MockTransport(Scripted(answers))
    client = AimhubClient(api_key=KEY, base_url=GATEWAY, max_retries=0,
                          http_client=httpx.Client(transport=transport))  # fmt: skip
    path = demo.CASSETTE
    path.unlink(missing_ok=True)
    with RECORDER.use_cassette(str(path), match_on=["method", "scheme", "host", "port", "path",
                                                     "query", "body"]):  # fmt: skip
        demo.run(client, io.StringIO(), poll_interval=0.01)
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    build()
