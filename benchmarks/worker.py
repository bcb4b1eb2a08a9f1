"""One contender in its own process: JSON commands on stdin, one JSON answer per line on stdout.

`python worker.py NAME BASE_URL` then commands such as `{"op": "run", "scenario": "invoke",
"n": 200}`. Keeping one process per contender means each pays only for its own imports and
garbage, and the runner can interleave contenders round by round.
"""

from __future__ import annotations

import asyncio
import cProfile
import gc
import io
import json
import os
import pstats
import sys
import time
import traceback
import tracemalloc
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from contenders import ANSWER_CHECKS, BY_NAME, Contender


def texts_for(count: int) -> list[str]:
    """`count` distinct, document-like texts of about 200 characters."""
    words = [
        "the",
        "gateway",
        "relays",
        "every",
        "request",
        "to",
        "an",
        "upstream",
        "model",
        "and",
        "bills",
        "tokens",
    ]
    return [
        f"Document {i}: " + " ".join(words[(i + j) % len(words)] for j in range(30))
        for i in range(count)
    ]


class Worker:
    """Runs scenarios for one contender, on one event loop kept for the whole process."""

    def __init__(self, contender: Contender, base_url: str, chunks: int, dims: int) -> None:
        self.contender = contender
        self.base_url = base_url
        self.chunks = chunks
        self.dims = dims
        self.loop = asyncio.new_event_loop()
        self.texts: dict[int, list[str]] = {}

    # --- one call of each scenario, checked --------------------------------------------------

    def check(self, scenario: str) -> None:
        """Run `scenario` once and verify the answer, so that timing measures working code."""
        c = self.contender
        if scenario == "invoke":
            _expect(c.invoke(), ANSWER_CHECKS["invoke"], "invoke")
        elif scenario == "stream":
            count = sum(1 for _ in c.stream())
            _expect(count, self.chunks, "stream chunks")
        elif scenario == "concurrent":
            answers = self.loop.run_until_complete(self._burst(4))
            _expect(answers[0], ANSWER_CHECKS["invoke"], "ainvoke")
        elif scenario == "tool":
            _expect(c.tool(), ANSWER_CHECKS["tool"], "tool name")
        elif scenario in ("embed", "embed_b64"):
            vectors = c.embed(self.texts_of(3), _encoding(scenario))
            _expect(len(vectors), 3, "vector count")
            _expect(len(vectors[0]), self.dims, "dimensions")

    def texts_of(self, count: int) -> list[str]:
        if count not in self.texts:
            self.texts[count] = texts_for(count)
        return self.texts[count]

    async def _burst(self, k: int) -> list[str]:
        return list(await asyncio.gather(*(self.contender.ainvoke() for _ in range(k))))

    # --- timed runs --------------------------------------------------------------------------

    def run(self, scenario: str, n: int) -> dict[str, float]:
        """Time one round of `scenario`; `n` is calls, texts or concurrent requests."""
        c = self.contender
        gc.collect()
        if scenario in ("invoke", "tool"):
            call = c.invoke if scenario == "invoke" else c.tool
            started = time.perf_counter()
            for _ in range(n):
                call()
            elapsed = time.perf_counter() - started
            return {"us_per_call": elapsed / n * 1e6}
        if scenario == "stream":
            started = time.perf_counter()
            pieces = c.stream()
            next(pieces)
            first = time.perf_counter() - started
            count = 1 + sum(1 for _ in pieces)
            elapsed = time.perf_counter() - started
            return {
                "total_ms": elapsed * 1e3,
                "us_per_chunk": elapsed / count * 1e6,
                "ttfc_ms": first * 1e3,
            }
        if scenario == "concurrent":
            started = time.perf_counter()
            self.loop.run_until_complete(self._burst(n))
            return {"wall_ms": (time.perf_counter() - started) * 1e3}
        if scenario in ("embed", "embed_b64"):
            texts = self.texts_of(n)
            started = time.perf_counter()
            vectors = c.embed(texts, _encoding(scenario))
            elapsed = time.perf_counter() - started
            _expect(len(vectors), n, "vector count")
            return {"seconds": elapsed, "texts_per_s": n / elapsed}
        msg = f"unknown scenario {scenario!r}"
        raise ValueError(msg)

    def memory(self, scenario: str, n: int) -> dict[str, float]:
        """Peak traced allocation (MB) during one run of `scenario`, after a warm-up."""
        gc.collect()
        tracemalloc.start()
        try:
            self._once(scenario, n)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        return {"peak_mb": peak / 2**20}

    def _once(self, scenario: str, n: int) -> None:
        if scenario == "stream":
            for _ in self.contender.stream():
                pass
        else:
            self.run(scenario, n)

    def profile(self, scenario: str, n: int, out: str) -> dict[str, Any]:
        """cProfile one run; write the stats file; return own time per package and top functions."""
        gc.collect()
        profiler = cProfile.Profile()
        profiler.enable()
        started = time.perf_counter()
        self._once(scenario, n)
        wall = time.perf_counter() - started
        profiler.disable()
        profiler.dump_stats(out)
        return {"wall_s": wall, **summarize_profile(pstats.Stats(profiler, stream=io.StringIO()))}


def summarize_profile(stats: pstats.Stats, top: int = 14) -> dict[str, Any]:
    """Own (exclusive) time grouped by top-level package, and the costliest functions."""
    by_package: dict[str, float] = {}
    functions = []
    total = 0.0
    for (filename, line, name), (_cc, calls, own, cumulative, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        package = package_of(filename)
        by_package[package] = by_package.get(package, 0.0) + own
        total += own
        functions.append(
            (own, cumulative, calls, f"{package}:{os.path.basename(filename)}:{line}({name})")
        )
    functions.sort(reverse=True)
    return {
        "total_own_s": total,
        "by_package": dict(sorted(by_package.items(), key=lambda kv: -kv[1])),
        "top": [
            {"own_s": own, "cum_s": cum, "calls": calls, "where": where}
            for own, cum, calls, where in functions[:top]
        ],
    }


def package_of(filename: str) -> str:
    """`aimhub`, `langchain_core`, `httpx`, ... for a code file; `builtins` for C functions."""
    if filename == "~" or filename.startswith("<"):
        return "builtins"
    parts = filename.replace("\\", "/").split("/")
    for marker in ("site-packages", "dist-packages"):
        if marker in parts:
            after = parts[parts.index(marker) + 1 :]
            return after[0].removesuffix(".py") if after else "?"
    for ours in ("aimhub", "langchain_aimhub", "llamaindex_aimhub", "benchmarks"):
        if ours in parts[:-1]:
            return ours
    if "python3" in filename or "lib/python" in filename:
        return "stdlib:" + parts[-1].removesuffix(".py")
    return parts[-1]


def _encoding(scenario: str) -> str:
    return "base64" if scenario == "embed_b64" else "float"


def _expect(got: object, want: object, what: str) -> None:
    if got != want:
        msg = f"{what}: expected {want!r}, got {got!r}"
        raise AssertionError(msg)


def main() -> None:
    """The command loop."""
    name, base_url, chunks, dims = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    out = sys.stdout
    sys.stdout = sys.stderr  # libraries that print must not corrupt the protocol

    def answer(payload: dict[str, Any]) -> None:
        out.write(json.dumps(payload) + "\n")
        out.flush()

    started = time.perf_counter()
    try:
        contender = BY_NAME[name]()
        contender.setup(base_url)
        worker = Worker(contender, base_url, chunks, dims)
        worker.loop.run_until_complete(contender.aopen())
    except Exception as exc:  # reported, not raised: a contender that cannot start is skipped
        answer({"ok": False, "error": f"{type(exc).__name__}: {exc}"[:500]})
        return
    supported = sorted(contender.scenarios())
    failed: dict[str, str] = {}
    for scenario in supported:
        try:
            worker.check(scenario)
        except Exception as exc:
            failed[scenario] = f"{type(exc).__name__}: {exc}"[:300]
            traceback.print_exc()
    answer(
        {
            "ok": True,
            "setup_s": time.perf_counter() - started,
            "scenarios": [s for s in supported if s not in failed],
            "failed": failed,
            "batch_size": contender.batch_size,
        }
    )
    handlers: dict[str, Callable[[dict[str, Any]], Any]] = {
        "run": lambda cmd: worker.run(cmd["scenario"], cmd["n"]),
        "warm": lambda cmd: worker.run(cmd["scenario"], cmd["n"]),
        "memory": lambda cmd: worker.memory(cmd["scenario"], cmd["n"]),
        "profile": lambda cmd: worker.profile(cmd["scenario"], cmd["n"], cmd["out"]),
    }
    for line in sys.stdin:
        command = json.loads(line)
        if command["op"] == "quit":
            break
        try:
            answer({"ok": True, **handlers[command["op"]](command)})
        except Exception as exc:
            traceback.print_exc()
            answer({"ok": False, "error": f"{type(exc).__name__}: {exc}"[:500]})
    worker.loop.run_until_complete(contender.aclose())
    # As `asyncio.run` does: aimhub's default aiohttp transport closes its session here.
    worker.loop.run_until_complete(worker.loop.shutdown_asyncgens())
    worker.loop.close()


if __name__ == "__main__":
    main()
