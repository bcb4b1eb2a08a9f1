"""`make bench`: every contender against a local fake gateway; writes `benchmarks/RESULTS.md`.

Runs in `.venv-bench` (this repo plus the incumbents, created by `bootstrap.sh`); started from any
other interpreter it bootstraps that venv and re-executes itself there.

    python benchmarks/run.py            # full run, several minutes
    python benchmarks/run.py --quick    # smoke run, under a minute
    python benchmarks/run.py --only ChatAimhub,"LangChain floor" --scenarios invoke,stream
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.metadata
import json
import os
import platform
import select
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BENCH_VENV = ROOT / ".venv-bench"
WORK = HERE / ".work"
sys.path.insert(0, str(HERE))

import report  # noqa: E402

SCENARIOS = ("invoke", "stream", "concurrent", "tool", "embed", "embed_b64")
#: Workers that answer nothing within this many seconds are stopped and reported.
COMMAND_TIMEOUT = 300.0


@dataclass(frozen=True)
class Plan:
    """How big each scenario is and how often it is repeated."""

    rounds: int = 5
    embed_rounds: int = 3
    invoke_calls: int = 200
    tool_calls: int = 200
    chunks: int = 5000
    concurrency: int = 256
    texts: int = 20_000
    dims: int = 256
    import_rounds: int = 5
    memory: bool = True
    profile: bool = True
    warm: bool = True
    #: Only the imports the targets name (and their baselines), not the incumbents'.
    target_imports_only: bool = False
    skip: frozenset[str] = frozenset()

    def size(self, scenario: str) -> int:
        """`n` for one timed run of `scenario`."""
        return {
            "invoke": self.invoke_calls,
            "tool": self.tool_calls,
            "stream": self.chunks,
            "concurrent": self.concurrency,
            "embed": self.texts,
            "embed_b64": self.texts,
        }[scenario]


FULL = Plan()
QUICK = Plan(
    rounds=1,
    embed_rounds=1,
    invoke_calls=20,
    tool_calls=20,
    chunks=500,
    texts=1000,
    import_rounds=1,
    memory=False,
    profile=False,
    warm=False,
    target_imports_only=True,
    skip=frozenset(
        {
            "litellm",
            "aiohttp (raw)",
            "httpx-aiohttp (raw)",
            "aimhub core [httpx pool]",
            "LangChain floor [aiohttp]",
            "ChatAimhub [httpx pool]",
            "LlamaIndex floor [aiohttp]",
            "Aimhub [httpx pool]",
        }
    ),
)

#: Import statements timed in fresh interpreters: the targets' pairs first (see
#: `report.IMPORT_TARGETS`), then the incumbents'.
IMPORTS = (
    *dict.fromkeys(s for t in report.IMPORT_TARGETS for s in t[:2]),
    "import openai",
    "from langchain_openai import ChatOpenAI",
    "from langchain_openai import OpenAIEmbeddings",
    "from llama_index.llms.openai_like import OpenAILike",
    "from llama_index.embeddings.openai import OpenAIEmbedding",
    "import litellm",
)
#: Modules whose presence after an import means something heavy was pulled in.
HEAVY = ("numpy", "openai", "tiktoken", "aiohttp", "langchain_openai", "llama_index.llms.openai")
PACKAGES = (
    "aimhub-llm",
    "httpx",
    "httpcore",
    "pydantic",
    "pydantic-core",
    "langchain-core",
    "langchain-openai",
    "llama-index-core",
    "llama-index-llms-openai",
    "llama-index-llms-openai-like",
    "llama-index-embeddings-openai",
    "openai",
    "aiohttp",
    "httpx-aiohttp",
    "litellm",
    "numpy",
)


def child_env() -> dict[str, str]:
    """The environment of every child: no proxies for loopback, no network at import."""
    env = dict(os.environ)
    env.update(
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
        LITELLM_LOCAL_MODEL_COST_MAP="True",
        LITELLM_TELEMETRY="False",
        TOKENIZERS_PARALLELISM="false",
        PYTHONDONTWRITEBYTECODE="",
    )
    for name in ("AIMHUB_API_KEY", "AIMHUB_BASE_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        env.pop(name, None)
    return env


# --- processes -------------------------------------------------------------------------------


class FakeServer:
    """The fake gateway in its own process; it exits when we close its stdin."""

    def __init__(self, chunks: int, dims: int) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "fake_server.py"),
                "--chunks",
                str(chunks),
                "--dims",
                str(dims),
                "--max-seconds",
                "3600",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=child_env(),
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("READY "):
            self.stop()
            msg = f"fake server did not start: {line!r}"
            raise RuntimeError(msg)
        self.base_url = f"http://127.0.0.1:{line.split()[1]}/v1"

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            assert self.proc.stdin is not None
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@dataclass
class Worker:
    """A contender's process (see `worker.py`)."""

    name: str
    proc: subprocess.Popen[str]
    scenarios: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    batch_size: int | None = None

    @classmethod
    def start(
        cls,
        name: str,
        base_url: str,
        plan: Plan,
        *,
        extra_env: dict[str, str] | None = None,
        log_name: str | None = None,
    ) -> Worker:
        proc = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "worker.py"),
                name,
                base_url,
                str(plan.chunks),
                str(plan.dims),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=open(WORK / f"worker-{_slug(log_name or name)}.log", "w"),  # noqa: SIM115
            env={**child_env(), **(extra_env or {})},
            text=True,
        )
        return cls(name, proc)

    def read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], COMMAND_TIMEOUT)
        line = self.proc.stdout.readline() if ready else ""
        if not line:
            self.stop()
            return {"ok": False, "error": "worker died or timed out (see benchmarks/.work/)"}
        return json.loads(line)  # type: ignore[no-any-return]

    def ready(self) -> None:
        answer = self.read()
        if not answer.get("ok"):
            self.error = answer.get("error", "setup failed")
            return
        self.scenarios = answer["scenarios"]
        self.failed = answer["failed"]
        self.batch_size = answer.get("batch_size")

    def ask(self, **command: Any) -> dict[str, Any]:
        if self.proc.poll() is not None:
            return {"ok": False, "error": "worker is not running"}
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        return self.read()

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(OSError):
                assert self.proc.stdin is not None
                self.proc.stdin.write('{"op": "quit"}\n')
                self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name).strip("-").lower()


# --- the run ---------------------------------------------------------------------------------


def log(message: str) -> None:
    """Progress on stderr."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_scenarios(
    workers: list[Worker], plan: Plan, scenarios: list[str]
) -> dict[str, dict[str, list[dict[str, float]]]]:
    """Interleaved rounds: in each round every contender runs once, in a rotating order."""
    results: dict[str, dict[str, list[dict[str, float]]]] = {}
    for scenario in scenarios:
        group = [w for w in workers if scenario in w.scenarios]
        if not group:
            continue
        n = plan.size(scenario)
        rounds = plan.embed_rounds if scenario.startswith("embed") else plan.rounds
        log(f"{scenario}: {len(group)} contenders × {rounds} rounds (n={n})")
        warm = n if scenario == "concurrent" else max(1, n // 10)  # fills the pool once
        for w in group if plan.warm else ():  # warm-up, not recorded
            w.ask(op="warm", scenario=scenario, n=warm)
        for number in range(rounds):
            shift = number % len(group)
            order = group[shift:] + group[:shift]
            if number % 2:
                order.reverse()
            for w in order:
                answer = w.ask(op="run", scenario=scenario, n=n)
                if answer.pop("ok"):
                    results.setdefault(w.name, {}).setdefault(scenario, []).append(answer)
                else:
                    w.failed[scenario] = answer.get("error", "?")
    return results


def run_memory(workers: list[Worker], plan: Plan) -> dict[str, dict[str, float]]:
    """Peak traced memory of each contender's main scenario (stream for chat, embed for embed)."""
    out: dict[str, dict[str, float]] = {}
    for w in workers:
        for scenario in ("embed", "stream"):
            if scenario in w.scenarios:
                log(f"memory: {w.name} ({scenario})")
                answer = w.ask(op="memory", scenario=scenario, n=plan.size(scenario))
                if answer.pop("ok"):
                    out.setdefault(w.name, {})[scenario] = answer["peak_mb"]
                break
    return out


PROFILED = {
    "ChatAimhub": ("invoke", "stream", "concurrent", "tool"),
    "LangChain floor": ("invoke", "stream", "tool"),
    "Aimhub": ("invoke", "stream", "concurrent", "tool"),
    "LlamaIndex floor": ("invoke", "stream", "tool"),
    "aimhub core": ("invoke", "stream", "concurrent"),
    "httpx (raw)": ("invoke", "stream", "concurrent"),
    "AimhubEmbeddings": ("embed",),
    "AimhubEmbedding": ("embed",),
    "httpx (raw) embed": ("embed",),
}


def run_profiles(workers: list[Worker], plan: Plan) -> dict[str, dict[str, Any]]:
    """cProfile of our classes and the floors: own time per package, top functions."""
    out: dict[str, dict[str, Any]] = {}
    for w in workers:
        for scenario in PROFILED.get(w.name, ()):
            if scenario not in w.scenarios:
                continue
            log(f"profile: {w.name} ({scenario})")
            path = WORK / f"profile-{_slug(w.name)}-{scenario}.prof"
            answer = w.ask(op="profile", scenario=scenario, n=plan.size(scenario), out=str(path))
            if answer.pop("ok"):
                out.setdefault(w.name, {})[scenario] = answer
    return out


_IMPORT_SNIPPET = """
import json, sys, time
before = set(sys.modules)
started = time.perf_counter()
{stmt}
elapsed = time.perf_counter() - started
new = set(sys.modules) - before
heavy = sorted(h for h in {heavy!r} if h in sys.modules)
print(json.dumps({{"ms": elapsed * 1e3, "modules": len(new), "heavy": heavy}}))
"""


def run_imports(plan: Plan, statements: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """Each import in a fresh interpreter, interleaved rounds; median milliseconds."""
    runs: dict[str, list[dict[str, Any]]] = {}
    errors: dict[str, str] = {}
    for number in range(plan.import_rounds):
        order = list(statements) if number % 2 == 0 else list(reversed(statements))
        for stmt in order:
            if stmt in errors:
                continue
            code = _IMPORT_SNIPPET.format(stmt=stmt, heavy=HEAVY)
            done = subprocess.run(
                [sys.executable, "-c", code],
                capture_output=True,
                text=True,
                env=child_env(),
                timeout=120,
                check=False,
            )
            if done.returncode:
                errors[stmt] = done.stderr.strip().splitlines()[-1][:200]
                continue
            runs.setdefault(stmt, []).append(json.loads(done.stdout.strip().splitlines()[-1]))
    out: dict[str, dict[str, Any]] = {}
    for stmt, values in runs.items():
        out[stmt] = {
            "ms": report.median(v["ms"] for v in values),
            "modules": values[0]["modules"],
            "heavy": values[0]["heavy"],
            "runs": len(values),
        }
    for stmt, error in errors.items():
        out[stmt] = {"error": error}
    return out


def machine() -> dict[str, Any]:
    """What this ran on."""
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "commit": commit or "?",
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_start": os.getloadavg(),
        "versions": versions,
    }


def ensure_bench_venv(argv: list[str]) -> None:
    """Re-execute inside `.venv-bench`, creating it first if needed."""
    if Path(sys.prefix).resolve() == BENCH_VENV.resolve() or os.environ.get("AIMHUB_BENCH_HERE"):
        return
    log("bootstrapping .venv-bench (benchmarks/bootstrap.sh)")
    subprocess.run(["bash", str(HERE / "bootstrap.sh")], check=True)
    python = BENCH_VENV / "bin" / "python"
    os.execv(str(python), [str(python), str(Path(__file__).resolve()), *argv])


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="aimhub benchmarks (see benchmarks/README.md)")
    parser.add_argument("--quick", action="store_true", help="smoke run, under a minute")
    parser.add_argument(
        "--only", default="", help="comma-separated contender names (run even if --quick skips)"
    )
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--rounds", type=int, default=None)
    parser.add_argument("--no-imports", action="store_true")
    parser.add_argument(
        "--out",
        default=None,
        help="default: benchmarks/RESULTS.md (--quick: benchmarks/.work/RESULTS-quick.md)",
    )
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="rewrite the report from benchmarks/.work/results.json (after editing analysis.md)",
    )
    args = parser.parse_args(argv)
    if args.out is None:
        args.out = str(WORK / "RESULTS-quick.md" if args.quick else HERE / "RESULTS.md")
    return args


def write_report(data: dict[str, Any], out: str) -> None:
    """RESULTS.md from one run's data, with the hand-written analysis appended."""
    from render import render

    Path(out).write_text(render(data, analysis_path=HERE / "analysis.md"))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ensure_bench_venv(argv)
    args = parse_args(argv)
    if args.render_only:
        write_report(json.loads((WORK / "results.json").read_text()), args.out)
        log(f"wrote {args.out} from {WORK / 'results.json'}")
        return 0
    from contenders import ALL  # after the venv switch: imports nothing heavy

    plan = QUICK if args.quick else FULL
    if args.rounds:
        plan = Plan(**{**plan.__dict__, "rounds": args.rounds, "embed_rounds": args.rounds})
    WORK.mkdir(exist_ok=True)
    started = time.perf_counter()
    info = machine()
    names = [c.name for c in ALL if c.name not in plan.skip]
    if args.only:  # named contenders run even if this mode skips them
        wanted = {n.strip() for n in args.only.split(",")}
        unknown = wanted - {c.name for c in ALL}
        if unknown:
            log(f"--only: unknown contenders {sorted(unknown)}")
            return 2
        names = [c.name for c in ALL if c.name in wanted]
    scenarios = [s for s in args.scenarios.split(",") if s]
    server = FakeServer(plan.chunks, plan.dims)
    workers: list[Worker] = []
    try:
        log(f"fake gateway at {server.base_url}; starting {len(names)} contenders")
        workers = [Worker.start(n, server.base_url, plan) for n in names]
        for w in workers:
            w.ready()
            if w.error:
                log(f"{w.name}: not available ({w.error})")
        live = [w for w in workers if not w.error]
        rounds = run_scenarios(live, plan, scenarios)
        memory = run_memory(live, plan) if plan.memory else {}
        profiles = run_profiles(live, plan) if plan.profile else {}
    finally:
        for w in workers:
            w.stop()
        server.stop()
    statements = IMPORTS
    if plan.target_imports_only:
        statements = tuple(dict.fromkeys(s for t in report.IMPORT_TARGETS for s in t[:2]))
    imports = {} if args.no_imports else run_imports(plan, statements)
    info["load_end"] = os.getloadavg()
    info["seconds"] = time.perf_counter() - started
    data = {
        "plan": {**plan.__dict__, "skip": sorted(plan.skip), "quick": args.quick},
        "machine": info,
        "rounds": rounds,
        "memory": memory,
        "profiles": profiles,
        "imports": imports,
        "contenders": {
            w.name: {
                "error": w.error,
                "failed": w.failed,
                "scenarios": w.scenarios,
                "batch_size": w.batch_size,
            }
            for w in workers
        },
        "all_contenders": [c.name for c in ALL],
    }
    if not args.quick:
        (WORK / "results.json").write_text(json.dumps(data, indent=1))
    write_report(data, args.out)
    log(f"wrote {args.out} in {info['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
