"""`make demo`: a Midjourney imagine -> upscale flow and a Suno song, printing progress.

Live when `AIMHUB_API_KEY` is set (it submits real, paid tasks: Midjourney and Suno on your
gateway); otherwise replayed offline from `cassettes/demo/tasks.yaml`, built from the documented
wire formats (docs/gateway-behaviour.md §14-§15; see cassettes/README.md).

Install: `pip install "aimhub-llm[examples]"`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TextIO

from aimhub import API_KEY_ENV, AimhubClient, AimhubError, TaskTimeoutError
from aimhub.types import Task

ROOT = Path(__file__).resolve().parent.parent
CASSETTE = ROOT / "cassettes" / "demo" / "tasks.yaml"
#: What the replay cassette was built for (scripts/build_task_cassettes.py).
REPLAY_BASE_URL = "https://gateway.example/v1"
REPLAY_KEY = "sk-replay"

PROMPT = "a lighthouse at dusk --ar 3:2"
SONG = "a lofi song about rain"


def run(client: AimhubClient, out: TextIO, *, poll_interval: float | None) -> None:
    """Imagine, upscale the second image, then a song; progress printed as it comes."""

    def show(task: Task) -> None:
        progress = f" {task.progress:g}%" if task.progress is not None else ""
        print(f"  {task.kind.value} {task.id}: {task.status.value}{progress}", file=out, flush=True)

    print(f"midjourney> {PROMPT}", file=out)
    grid = client.wait_task(client.midjourney_imagine(PROMPT), on_progress=show,
                            poll_interval=poll_interval)  # fmt: skip
    print(f"grid< {', '.join(grid.image_urls)}", file=out)
    print(f"buttons< {', '.join(b.label or b.emoji for b in grid.buttons)}", file=out)
    button = next(b for b in grid.buttons if b.label == "U2")
    print(f"midjourney> press {button.label}", file=out)
    upscale = client.wait_task(client.midjourney_action(grid, button.custom_id), on_progress=show,
                               poll_interval=poll_interval)  # fmt: skip
    print(f"upscaled< {', '.join(upscale.image_urls)}", file=out)

    print(f"suno> {SONG}", file=out)
    song = client.wait_task(client.suno_music(gpt_description_prompt=SONG), on_progress=show,
                            poll_interval=poll_interval)  # fmt: skip
    print(f"song< {', '.join(song.audio_urls)}", file=out)


@contextmanager
def replaying(cassette: Path) -> Iterator[None]:
    """Answer every HTTP call from the cassette; an unrecorded call fails, it never goes out."""
    import vcr

    if not cassette.is_file():
        msg = f"missing cassette {cassette}; build it with scripts/build_task_cassettes.py"
        raise FileNotFoundError(msg)
    match_on = ["method", "scheme", "host", "port", "path", "query", "body"]
    replayer = vcr.VCR(record_mode="none", decode_compressed_response=True, match_on=match_on)
    with replayer.use_cassette(str(cassette)):
        yield


def main(out: TextIO = sys.stdout) -> int:
    live = bool(os.environ.get(API_KEY_ENV, "").strip())
    if live:
        print(f"Live ({API_KEY_ENV} is set): these tasks are submitted and charged.", file=out)
        client = AimhubClient()
    else:
        print(f"No {API_KEY_ENV} set: replaying cassettes/demo/tasks.yaml (offline).", file=out)
        client = AimhubClient(api_key=REPLAY_KEY, base_url=REPLAY_BASE_URL, max_retries=0)
    try:
        with client, nullcontext() if live else replaying(CASSETTE):
            # Replayed answers need no waiting between polls; live ones keep the default cadence.
            run(client, out, poll_interval=None if live else 0.01)
    except TaskTimeoutError as exc:
        print(f"still running: resume with fetch_task({exc.task_id!r}, ...) later", file=out)
        return 1
    except AimhubError as exc:
        print(f"tasks demo failed: {exc}", file=out)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
