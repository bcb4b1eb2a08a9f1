"""Pure pieces of the benchmark report: medians, ratios, target checks, Markdown tables.

No I/O and no third-party imports, so that `tests/test_bench_harness.py` can check the writer
without sockets or timing.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: Results: contender -> scenario -> one dict of metrics per round.
Rounds = Mapping[str, Mapping[str, Sequence[Mapping[str, float]]]]

#: The metric that ranks each scenario (lower is better for all of them).
MAIN_METRIC = {
    "invoke": "us_per_call",
    "tool": "us_per_call",
    "stream": "total_ms",
    "concurrent": "wall_ms",
    "embed": "seconds",
    "embed_b64": "seconds",
}

RAW_FLOOR = "httpx (raw)"
EMBED_FLOOR = "httpx (raw) embed"
LC_FLOOR = "LangChain floor"
LI_FLOOR = "LlamaIndex floor"
#: contender -> (its framework floor, the incumbent it replaces)
PEERS = {
    "ChatAimhub": (LC_FLOOR, "ChatOpenAI"),
    "ChatAimhub [httpx pool]": (LC_FLOOR, "ChatOpenAI"),
    "ChatOpenAI": (LC_FLOOR, None),
    LC_FLOOR: (RAW_FLOOR, None),
    "LangChain floor [aiohttp]": (RAW_FLOOR, None),
    "Aimhub": (LI_FLOOR, "OpenAILike"),
    "Aimhub [httpx pool]": (LI_FLOOR, "OpenAILike"),
    "LlamaIndex floor [aiohttp]": (RAW_FLOOR, None),
    "OpenAILike": (LI_FLOOR, None),
    LI_FLOOR: (RAW_FLOOR, None),
    "aimhub core": (RAW_FLOOR, "openai SDK"),
    "aimhub core [httpx pool]": (RAW_FLOOR, "openai SDK"),
    "AimhubEmbeddings": (EMBED_FLOOR, "OpenAIEmbeddings"),
    "AimhubEmbedding": (EMBED_FLOOR, "OpenAIEmbedding"),
    "aimhub core embed": (EMBED_FLOOR, "openai SDK embed"),
}
#: Async calls of our unconfigured classes go over aiohttp (`AiohttpTransport`), so in the
#: concurrency scenario their floor is the one on aiohttp (`httpx-aiohttp`), not on httpx's pool.
CONCURRENT_FLOORS = {
    "ChatAimhub": "LangChain floor [aiohttp]",
    "Aimhub": "LlamaIndex floor [aiohttp]",
    "aimhub core": "httpx-aiohttp (raw)",
}


def median(values: Iterable[float]) -> float | None:
    """The median, or None for no values."""
    data = [v for v in values if v is not None]
    return statistics.median(data) if data else None


def medians(rounds: Rounds) -> dict[str, dict[str, dict[str, float]]]:
    """contender -> scenario -> metric -> median over rounds."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for contender, scenarios in rounds.items():
        for scenario, runs in scenarios.items():
            metrics = sorted({k for run in runs for k in run})
            values = {m: median(run.get(m) for run in runs) for m in metrics}  # type: ignore[misc]
            out.setdefault(contender, {})[scenario] = {
                m: v for m, v in values.items() if v is not None
            }
    return out


def ratio(value: float | None, reference: float | None) -> float | None:
    """value / reference, or None when either is missing."""
    if value is None or not reference:
        return None
    return value / reference


def fmt_ratio(value: float | None) -> str:
    """`1.23×`, or an en dash when unknown."""
    return "–" if value is None else f"{value:.2f}×"


def fmt_num(value: float | None, digits: int = 0) -> str:
    """A number with thousands separators, or an en dash when unknown."""
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub Markdown table; numeric-looking columns are right-aligned."""

    def numeric(cell: str) -> bool:
        text = cell.replace(",", "").replace("×", "").replace("%", "").strip()
        text = text.removeprefix("+").removeprefix("-").removeprefix("≤ ").removeprefix("≥ ")
        try:
            float(text.split()[0])
        except (ValueError, IndexError):
            return cell.strip() == "–"
        return True

    cells = [[str(c) for c in row] for row in rows]
    right = [bool(cells) and all(numeric(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("---:" if r else "---" for r in right) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in cells]
    return "\n".join(lines)


@dataclass(frozen=True)
class Target:
    """One target of the issue, checked against this run."""

    what: str
    measured: float | None
    limit: float
    unit: str  # "×" for ratios, "ms" for import deltas
    ok: bool | None  # None: could not be measured

    def cells(self) -> list[str]:
        """Row cells: target, measured, limit, verdict."""
        if self.unit == "×":
            measured, limit = fmt_ratio(self.measured), f"≤ {self.limit:.2f}×"
        else:
            measured = "–" if self.measured is None else f"{self.measured:+.0f} ms"
            limit = f"≤ {self.limit:+.0f} ms"
        verdict = {True: "met", False: "**missed**", None: "not measured"}[self.ok]
        return [self.what, measured, limit, verdict]


def _check(what: str, measured: float | None, limit: float, unit: str = "×") -> Target:
    return Target(what, measured, limit, unit, None if measured is None else measured <= limit)


def _value(table: Mapping[str, Mapping[str, Mapping[str, float]]], who: str, scenario: str) -> Any:
    return table.get(who, {}).get(scenario, {}).get(MAIN_METRIC[scenario])


def chat_targets(
    table: Mapping[str, Mapping[str, Mapping[str, float]]], ours: str, floor: str, incumbent: str
) -> list[Target]:
    """The issue's targets for one of our chat models."""

    def r(scenario: str, other: str) -> float | None:
        return ratio(_value(table, ours, scenario), _value(table, other, scenario))

    return [
        _check(f"{ours} `invoke` vs {floor}", r("invoke", floor), 1.25),
        _check(f"{ours} `invoke` vs {incumbent}", r("invoke", incumbent), 0.75),
        _check(f"{ours} 5,000-chunk stream vs {floor}", r("stream", floor), 1.25),
        _check(f"{ours} 5,000-chunk stream vs {incumbent}", r("stream", incumbent), 0.40),
        _check(f"{ours} 256× `ainvoke` vs {incumbent}", r("concurrent", incumbent), 0.25),
    ]


def embedding_targets(
    table: Mapping[str, Mapping[str, Mapping[str, float]]],
    memory: Mapping[str, float],
    ours: str,
    incumbent: str,
) -> list[Target]:
    """≥ 1.5× faster than the incumbent (time ratio ≤ 0.67) and memory ≤ the floor's."""
    out = []
    for scenario, label in (("embed", "float"), ("embed_b64", "base64")):
        measured = ratio(_value(table, ours, scenario), _value(table, incumbent, scenario))
        out.append(_check(f"{ours} 20,000 texts ({label}) vs {incumbent}", measured, 1 / 1.5))
    out.append(
        _check(
            f"{ours} peak memory vs the raw floor",
            ratio(memory.get(ours), memory.get(EMBED_FLOOR)),
            1.0,
        )
    )
    return out


#: What a module that defines a pydantic model must load at least (`import pydantic` alone is
#: lazy and loads none of pydantic's model machinery).
PYDANTIC_MODEL = "import httpx; from pydantic import BaseModel\nclass M(BaseModel): x: int"
#: (ours, baseline, kind, limit): "ratio" limits the quotient, "delta" the difference in ms.
#: Each target appears twice: against the issue's literal baseline and against what is really
#: loaded: `aimhub` exports lazily (as pydantic does), so `import aimhub` alone is checked, and
#: so is importing the client; langchain-core 1.x `language_models` is a lazy package, so
#: `import langchain_core.language_models` loads no `BaseChatModel`.
IMPORT_TARGETS = (
    ("import aimhub", "import httpx, pydantic", "ratio", 1.5),
    ("from aimhub import AimhubClient", "import httpx, pydantic", "ratio", 1.5),
    ("from aimhub import AimhubClient", PYDANTIC_MODEL, "ratio", 1.5),
    (
        "from langchain_aimhub import ChatAimhub",
        "import langchain_core.language_models",
        "delta",
        100.0,
    ),
    (
        "from langchain_aimhub import ChatAimhub",
        "from langchain_core.language_models import BaseChatModel",
        "delta",
        100.0,
    ),
    (
        "from langchain_aimhub import AimhubEmbeddings",
        "import langchain_core.embeddings",
        "delta",
        100.0,
    ),
    (
        "from langchain_aimhub import AimhubEmbeddings",
        "from langchain_core.embeddings import Embeddings",
        "delta",
        100.0,
    ),
    ("from llamaindex_aimhub import Aimhub", "import llama_index.core.llms", "delta", 100.0),
    (
        "from llamaindex_aimhub import Aimhub",
        "from llama_index.core.llms.function_calling import FunctionCallingLLM",
        "delta",
        100.0,
    ),
    (
        "from llamaindex_aimhub import AimhubEmbedding",
        "import llama_index.core.base.embeddings.base",
        "delta",
        100.0,
    ),
)


def import_targets(imports_ms: Mapping[str, float]) -> list[Target]:
    """The import-time targets, from median milliseconds per import statement."""
    out = []
    for ours, base, kind, limit in IMPORT_TARGETS:
        a, b = imports_ms.get(ours), imports_ms.get(base)
        label = f"`{ours}` vs `{base.replace(chr(10), '; ')}`"
        if kind == "ratio":
            out.append(_check(label, ratio(a, b), limit))
        else:
            delta = None if a is None or b is None else a - b
            out.append(_check(label, delta, limit, unit="ms"))
    return out


def peer_ratios(
    table: Mapping[str, Mapping[str, Mapping[str, float]]], who: str, scenario: str, raw: str
) -> tuple[float | None, float | None, float | None]:
    """(× the raw floor, × the framework floor, × the incumbent) for one contender."""
    value = _value(table, who, scenario)
    floor, incumbent = PEERS.get(who, (None, None))
    if scenario == "concurrent":
        floor = CONCURRENT_FLOORS.get(who, floor)
    return (
        ratio(value, _value(table, raw, scenario)),
        ratio(value, _value(table, floor, scenario)) if floor and floor != raw else None,
        ratio(value, _value(table, incumbent, scenario)) if incumbent else None,
    )
