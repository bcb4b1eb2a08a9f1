"""A/B one contender against a patched copy of the packages: `python benchmarks/ab.py --b PATH`.

PATH holds copies of `aimhub/`, `langchain_aimhub/`, `llamaindex_aimhub/` with a proposed change;
B's worker runs with `PYTHONPATH=PATH`, so the copies shadow the editable install. A and B run
in alternation against one fake gateway, and the medians and B/A ratio are printed.

    cp -r aimhub langchain_aimhub llamaindex_aimhub /tmp/exp/ && $EDITOR /tmp/exp/aimhub/...
    .venv-bench/bin/python benchmarks/ab.py --b /tmp/exp --contender ChatAimhub --scenario stream
"""

from __future__ import annotations

import argparse
import sys

import report
from run import FULL, WORK, FakeServer, Plan, Worker, ensure_bench_venv, log


def main() -> int:
    ensure_bench_venv(sys.argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--b", required=True, help="directory with the patched packages")
    parser.add_argument("--contender", default="ChatAimhub")
    parser.add_argument("--scenario", default="stream")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--n", type=int, default=None, help="size of one run (default: full)")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    plan: Plan = FULL
    n = args.n or plan.size(args.scenario)
    metric = report.MAIN_METRIC[args.scenario]
    server = FakeServer(plan.chunks, plan.dims)
    workers = {
        "A": Worker.start(args.contender, server.base_url, plan, log_name="ab-a"),
        "B": Worker.start(
            args.contender,
            server.base_url,
            plan,
            extra_env={"PYTHONPATH": args.b},
            log_name="ab-b",
        ),
    }
    values: dict[str, list[float]] = {"A": [], "B": []}
    try:
        for label, w in workers.items():
            w.ready()
            if w.error or args.scenario not in w.scenarios:
                log(f"{label}: cannot run {args.scenario}: {w.error or w.failed}")
                return 1
            w.ask(op="warm", scenario=args.scenario, n=max(1, n // 10))
        for number in range(args.rounds):
            order = ["A", "B"] if number % 2 == 0 else ["B", "A"]
            for label in order:
                answer = workers[label].ask(op="run", scenario=args.scenario, n=n)
                values[label].append(answer[metric])
    finally:
        for w in workers.values():
            w.stop()
        server.stop()
    a, b = report.median(values["A"]), report.median(values["B"])
    print(f"{args.contender} · {args.scenario} ({metric}, median of {args.rounds}):")
    change = report.fmt_ratio(report.ratio(b, a))
    print(f"  A (installed) {a:,.1f}   B ({args.b}) {b:,.1f}   B/A {change}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
