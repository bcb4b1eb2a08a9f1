"""Decoding cost: 10,000 x 1,024-dim embeddings with no latency, ours against OpenAIEmbeddings.

The fake gateway (`fake_server.py`, its own process, cached answers) answers at once, so the
wall time is request building plus decoding. OpenAIEmbeddings asks for base64 by default; the
issue's target is ours with floats on the wire at <= 0.67x its wall time. Rows for the
incumbents appear when they are importable (in `.venv-bench`). Median of `--rounds` runs.

    .venv-bench/bin/python benchmarks/decoding.py [--quick]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

KEY = "sk-bench"
MODEL = "text-embedding-3-small"
BATCH = 256  # ours by default; OpenAIEmbeddings' default is 1,000


def contenders(base: str) -> dict[str, Callable[[list[str]], list[Any]]]:
    from langchain_aimhub import AimhubEmbeddings

    found: dict[str, Callable[[list[str]], list[Any]]] = {}
    for encoding in ("float", "base64"):
        model = AimhubEmbeddings(
            model=MODEL,
            api_key=KEY,
            base_url=base,
            encoding_format=encoding,  # type: ignore[arg-type]
        )
        found[f"AimhubEmbeddings [{encoding}]"] = model.embed_documents
    try:
        from langchain_openai import OpenAIEmbeddings
    except ImportError:
        return found
    for encoding in ("base64", "float"):
        # check_embedding_ctx_length=False: otherwise it downloads tiktoken's tables and sends
        # token ids (docs/gateway-behaviour.md §10). base64 is openai-python's default.
        options: dict[str, Any] = {} if encoding == "base64" else {"encoding_format": "float"}
        incumbent = OpenAIEmbeddings(
            model=MODEL,
            api_key=KEY,  # type: ignore[arg-type]
            base_url=base,
            check_embedding_ctx_length=False,
            model_kwargs=options,
        )
        found[f"OpenAIEmbeddings [{encoding}]"] = incumbent.embed_documents
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    parser.add_argument("--rounds", type=int, default=5)
    args, _ = parser.parse_known_args()  # `make bench` passes run.py's arguments too
    rounds = 2 if args.quick else args.rounds
    texts_n, dims = 10_000, 1_024
    server = subprocess.Popen(
        [sys.executable, str(HERE / "fake_server.py"), "--dims", str(dims)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = server.stdout.readline() if server.stdout else ""
        if not line.startswith("READY "):
            raise SystemExit(f"fake gateway did not start: {line!r}")
        base = f"http://127.0.0.1:{line.split()[1]}/v1"
        texts = [f"text {i}" for i in range(texts_n)]
        runs = contenders(base)
        for run in runs.values():
            run(texts[:BATCH])  # warm the pools and the gateway's answer cache
        times: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(rounds):  # interleaved, so a noisy neighbour hurts every row alike
            for name, run in runs.items():
                # Each run starts from the same heap: the previous contender's 10 million floats
                # are freed and collected outside the timing, not traversed by this one's GC.
                vectors = None
                gc.collect()
                started = time.perf_counter()
                vectors = run(texts)
                times[name].append(time.perf_counter() - started)
                if len(vectors) != texts_n or len(vectors[0]) != dims:
                    raise SystemExit(f"{name}: wrong answer shape")
    finally:
        if server.stdin:
            server.stdin.close()
        server.wait(timeout=10)
    reference = statistics.median(times.get("OpenAIEmbeddings [base64]", [float("nan")]))
    print(
        f"## Decoding: {texts_n:,} texts x {dims:,} dims, no latency "
        f"(median of {rounds})\n\n| contender | wall | x OpenAIEmbeddings [base64] |\n"
        "| --- | --- | --- |"
    )
    for name, values in times.items():
        median = statistics.median(values)
        print(f"| {name} | {median:.2f} s | {median / reference:.2f}x |")
    print("\nTarget: AimhubEmbeddings [float] <= 0.67x OpenAIEmbeddings [base64].")


if __name__ == "__main__":
    main()
