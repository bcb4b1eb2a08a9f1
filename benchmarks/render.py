"""RESULTS.md from the results of one run (pure: a dict in, Markdown out)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from report import (
    EMBED_FLOOR,
    RAW_FLOOR,
    chat_targets,
    embedding_targets,
    fmt_num,
    fmt_ratio,
    import_targets,
    markdown_table,
    medians,
    peer_ratios,
    ratio,
)

_HEADER = """# Benchmark results

Written by `make bench` (`benchmarks/run.py`{mode}) on {date}. Every number is the median of
interleaved rounds in this run; every ratio divides two medians of this run (lower is better,
`1.00×` = as fast as the reference). The fake gateway (`benchmarks/fake_server.py`) runs in its
own process on 127.0.0.1 and serves cached answers, so its cost is small and equal for everyone;
each contender runs in its own process (`benchmarks/worker.py`), one adapter each
(`benchmarks/contenders.py`).
"""


def render(data: Mapping[str, Any], analysis_path: Path | None = None) -> str:
    """The whole RESULTS.md."""
    table = medians(data["rounds"])
    plan = data["plan"]
    parts = [
        _HEADER.format(mode=" --quick" if plan.get("quick") else "", date=data["machine"]["date"]),
        _machine(data["machine"], plan),
        "## Targets (issue #7)\n\n" + _targets(table, data),
        _chat_sections(table, data),
        _embedding_section(table, data),
        _imports_section(data.get("imports", {})),
        _memory_section(data.get("memory", {})),
        _profiles_section(data.get("profiles", {})),
        _missing_section(data),
    ]
    if analysis_path is not None and analysis_path.exists():
        parts.append(analysis_path.read_text().strip())
    return "\n\n".join(p.strip() for p in parts if p.strip()) + "\n"


def _machine(info: Mapping[str, Any], plan: Mapping[str, Any]) -> str:
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    load = " → ".join(
        "/".join(f"{x:.2f}" for x in info[k]) for k in ("load_start", "load_end") if k in info
    )
    sizes = (
        f"{plan['rounds']} rounds ({plan['embed_rounds']} for embeddings); invoke and tool: "
        f"{plan['invoke_calls']} calls per round; stream: {plan['chunks']:,} chunks; "
        f"concurrency: {plan['concurrency']}; embeddings: {plan['texts']:,} texts of "
        f"{plan['dims']} dimensions; imports: {plan['import_rounds']} fresh interpreters each"
    )
    return "\n".join(
        [
            "## Machine and run",
            "",
            f"- Code measured: `{info.get('commit', '?')}` (`git describe --always --dirty` at "
            "the start; workers import it once, at their start)",
            f"- {info['nproc']} cores (`nproc`), {info['cpu']}; {info['platform']}",
            f"- Python {info['python']}; {versions}",
            f"- Load average (1/5/15 min) at start → end: {load}; the machine is shared, so "
            "compare ratios, not absolute times, between runs",
            f"- Sizes: {sizes}",
            f"- Wall time of the run: {info.get('seconds', 0):.0f} s",
        ]
    )


def _targets(table: Mapping[str, Any], data: Mapping[str, Any]) -> str:
    memory = {k: v.get("embed") for k, v in data.get("memory", {}).items() if "embed" in v}
    imports_ms = {k: v["ms"] for k, v in data.get("imports", {}).items() if "ms" in v}
    targets = [
        *chat_targets(table, "ChatAimhub", "LangChain floor", "ChatOpenAI"),
        *chat_targets(table, "Aimhub", "LlamaIndex floor", "OpenAILike"),
        *embedding_targets(table, memory, "AimhubEmbeddings", "OpenAIEmbeddings"),
        *embedding_targets(table, memory, "AimhubEmbedding", "OpenAIEmbedding"),
        *import_targets(imports_ms),
    ]
    met = sum(1 for t in targets if t.ok)
    measured = sum(1 for t in targets if t.ok is not None)
    return f"{met} of {measured} measured targets met.\n\n" + markdown_table(
        ["Target", "Measured", "Limit", "Verdict"], [t.cells() for t in targets]
    )


_CHAT_ORDER_GROUPS = ("floor", "incumbent", "ours", "reference")


def _chat_rows(
    table: Mapping[str, Any], data: Mapping[str, Any], scenario: str
) -> list[tuple[str, dict[str, float]]]:
    return [
        (name, table[name][scenario])
        for name in data["all_contenders"]
        if scenario in table.get(name, {})
    ]


def _ratios(table: Mapping[str, Any], name: str, scenario: str, raw: str) -> list[str]:
    return [fmt_ratio(r) for r in peer_ratios(table, name, scenario, raw)]


def _chat_sections(table: Mapping[str, Any], data: Mapping[str, Any]) -> str:
    ratio_heads = ["× raw httpx", "× framework floor", "× incumbent"]
    out = []
    invoke = [
        [name, fmt_num(m["us_per_call"]), *_ratios(table, name, "invoke", RAW_FLOOR)]
        for name, m in _chat_rows(table, data, "invoke")
    ]
    if invoke:
        out.append(
            "## Chat: sequential `invoke` (µs per call)\n\n"
            + markdown_table(["Contender", "µs/call", *ratio_heads], invoke)
        )
    stream = [
        [
            name,
            fmt_num(m["total_ms"], 1),
            fmt_num(m["us_per_chunk"], 1),
            fmt_num(m["ttfc_ms"], 2),
            *_ratios(table, name, "stream", RAW_FLOOR),
        ]
        for name, m in _chat_rows(table, data, "stream")
    ]
    if stream:
        chunks = data["plan"]["chunks"]
        out.append(
            f"## Chat: one {chunks:,}-chunk stream\n\n"
            "Total time to drain the stream, per chunk, and time to the first content chunk; "
            "ratios are on the total.\n\n"
            + markdown_table(
                ["Contender", "total ms", "µs/chunk", "first chunk ms", *ratio_heads], stream
            )
        )
    concurrent = [
        [name, fmt_num(m["wall_ms"], 1), *_ratios(table, name, "concurrent", RAW_FLOOR)]
        for name, m in _chat_rows(table, data, "concurrent")
    ]
    if concurrent:
        n = data["plan"]["concurrency"]
        warm = (
            "Warm pool: one unrecorded burst first. "
            if data["plan"].get("warm", True)
            else "No warm-up burst in this mode: a round may include opening connections. "
        )
        out.append(
            f"## Chat: {n} concurrent `ainvoke` (wall ms for the whole burst)\n\n"
            + warm
            + "Our classes (`aimhub core`, `ChatAimhub`, `Aimhub`) run unconfigured, so they "
            "send over aiohttp by default (`aimhub._aiohttp.AiohttpTransport`); their × "
            "framework floor here is the floor on aiohttp (`LangChain floor [aiohttp]`, "
            "`LlamaIndex floor [aiohttp]`, `httpx-aiohttp (raw)` for the core). `[httpx pool]` "
            "rows: the same class given a plain `httpx.AsyncClient` (httpx's own pool, the "
            "floors' limits), which shows what httpx's pool costs. The floors' `[aiohttp]` "
            "rows: the same floor given an `httpx-aiohttp` client; `aiohttp (raw)`: aiohttp "
            "without httpx.\n\n"
            + markdown_table(["Contender", "wall ms", *ratio_heads], concurrent)
        )
    tool = [
        [name, fmt_num(m["us_per_call"]), *_ratios(table, name, "tool", RAW_FLOOR)]
        for name, m in _chat_rows(table, data, "tool")
    ]
    if tool:
        out.append(
            "## Chat: tool-call `invoke` (µs per call)\n\n"
            "LangChain: `bind_tools([...])` once, then `invoke`; LlamaIndex: `chat_with_tools` "
            "plus `get_tool_calls_from_response` per call (its idiomatic path).\n\n"
            + markdown_table(["Contender", "µs/call", *ratio_heads], tool)
        )
    return "\n\n".join(out)


def _embedding_section(table: Mapping[str, Any], data: Mapping[str, Any]) -> str:
    names = [
        n
        for n in data["all_contenders"]
        if "embed" in table.get(n, {}) or "embed_b64" in table.get(n, {})
    ]
    if not names:
        return ""
    memory = data.get("memory", {})
    rows = []
    for name in names:
        cells = [name, str(data["contenders"].get(name, {}).get("batch_size") or "–")]
        for scenario in ("embed", "embed_b64"):
            seconds = table.get(name, {}).get(scenario, {}).get("seconds")
            _, _, incumbent = peer_ratios(table, name, scenario, EMBED_FLOOR)
            cells += [
                fmt_num(seconds, 2),
                fmt_ratio(
                    ratio(seconds, table.get(EMBED_FLOOR, {}).get(scenario, {}).get("seconds"))
                ),
                fmt_ratio(incumbent),
            ]
        cells.append(fmt_num(memory.get(name, {}).get("embed"), 1))
        rows.append(cells)
    texts = data["plan"]["texts"]
    return (
        f"## Embeddings: {texts:,} texts, `embed_documents` / `get_text_embedding_batch`\n\n"
        "Seconds for all texts, each contender with its own default batch size (and our "
        "default concurrency); float and base64 wire formats. The raw floor sends sequential "
        "batches of 1,000. Peak MB: traced allocations during one float run.\n\n"
        + markdown_table(
            [
                "Contender",
                "batch",
                "float s",
                "× raw floor",
                "× incumbent",
                "base64 s",
                "× raw floor",
                "× incumbent",
                "peak MB",
            ],
            rows,
        )
    )


def _imports_section(imports: Mapping[str, Any]) -> str:
    if not imports:
        return ""
    rows = []
    for statement, v in imports.items():
        stmt = statement.replace("\n", "; ")
        if "error" in v:
            rows.append([f"`{stmt}`", "–", "–", f"failed: {v['error']}"])
        else:
            heavy = ", ".join(v["heavy"]) or "none"
            rows.append([f"`{stmt}`", fmt_num(v["ms"]), fmt_num(v["modules"]), heavy])
    return "## Import time (fresh interpreter, ms for the statement alone)\n\n" + markdown_table(
        ["Statement", "ms", "modules loaded", "heavy modules loaded"], rows
    )


def _memory_section(memory: Mapping[str, Any]) -> str:
    rows = [[name, fmt_num(v["stream"], 2)] for name, v in memory.items() if "stream" in v]
    if not rows:
        return ""
    return (
        "## Peak memory of one stream (MB of traced allocations, tracemalloc)\n\n"
        + markdown_table(["Contender", "peak MB"], rows)
    )


def _profiles_section(profiles: Mapping[str, Any]) -> str:
    if not profiles:
        return ""
    rows = []
    details = []
    for name, scenarios in profiles.items():
        for scenario, p in scenarios.items():
            total = p["total_own_s"] or 1.0
            shares = ", ".join(
                f"{pkg} {own / total:.0%}" for pkg, own in list(p["by_package"].items())[:6]
            )
            rows.append([name, scenario, fmt_num(p["wall_s"] * 1e3), shares])
            top = [
                [
                    f["where"],
                    fmt_num(f["own_s"] * 1e3, 1),
                    fmt_num(f["cum_s"] * 1e3, 1),
                    fmt_num(f["calls"]),
                ]
                for f in p["top"][:10]
            ]
            details.append(
                f"<details><summary>{name} · {scenario}: costliest functions</summary>\n\n"
                + markdown_table(["function", "own ms", "cumulative ms", "calls"], top)
                + "\n\n</details>"
            )
    return (
        "## Where the time goes: profiles (cProfile, one run each)\n\n"
        "Own time per package (cProfile inflates call-heavy code, so compare shares, not "
        "milliseconds, with the tables above; it sees only the calling thread, so "
        "`AimhubEmbeddings`, which embeds in worker threads, shows lock waits).\n\n"
        + markdown_table(["Contender", "scenario", "profiled ms", "own time by package"], rows)
        + "\n\n"
        + "\n\n".join(details)
    )


def _missing_section(data: Mapping[str, Any]) -> str:
    lines = []
    contenders = data["contenders"]
    for name in data["all_contenders"]:
        info = contenders.get(name)
        if info is None:
            lines.append(f"- {name}: not run (skipped in this mode or by `--only`)")
        elif info["error"]:
            lines.append(f"- {name}: not available — {info['error']}")
        for scenario, error in (info or {}).get("failed", {}).items():
            lines.append(f"- {name} · {scenario}: failed — {error}")
    if not lines:
        return ""
    return "## Missing or failed\n\n" + "\n".join(lines)
