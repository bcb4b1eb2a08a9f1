"""Probe planning, running and reporting: models x checks, concurrently, interruptible."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

from aimhub._capabilities import ModelCapabilities
from aimhub._catalog import capabilities_for
from aimhub._client import AimhubClient
from aimhub.cli._checks import (
    CHAT_CHECKS,
    TOKEN_ESTIMATE,
    CheckName,
    CheckResult,
    run_check,
)

SCHEMA = "aimhub-probe/1"

#: Failures that say nothing can work for this model and key: its other checks are not sent.
_MODEL_LEVEL = frozenset(
    {
        "AuthenticationError",
        "InsufficientQuotaError",
        "ModelNotAvailableError",
        "ModelNotFoundError",
        "PermissionDeniedError",
    }
)
#: /v1/models fields some gateways use for the context window (docs/gateway-behaviour.md §12).
_CONTEXT_FIELDS = ("context_length", "context_window", "max_context_length")


@dataclass(frozen=True)
class Target:
    """One model to probe and the checks that apply to it."""

    model: str
    caps: ModelCapabilities
    kind: str
    checks: tuple[CheckName, ...]
    listed: Mapping[str, Any] = field(default_factory=dict)

    @property
    def estimate(self) -> int:
        return sum(TOKEN_ESTIMATE[c] for c in self.checks)


def kind_of(caps: ModelCapabilities, endpoint_types: Sequence[str] = ()) -> str:
    """The model's kind: the catalogue's, unless the gateway says it serves only another route."""
    if caps.kind != "chat" or not endpoint_types:
        return caps.kind
    types = set(endpoint_types)
    for endpoint, kind in (("embeddings", "embedding"), ("jina-rerank", "rerank")):
        if types == {endpoint}:
            return kind
    if types == {"image-generation"}:
        return "image"
    return "chat"


def checks_for(kind: str, wanted: Sequence[CheckName]) -> tuple[CheckName, ...]:
    if kind in ("chat", "completion"):
        return tuple(c for c in wanted if c in CHAT_CHECKS)
    if kind == "embedding":
        return tuple(c for c in wanted if c == "embed")
    if kind == "rerank":
        return tuple(c for c in wanted if c == "rerank")
    return ()


def plan(models: Iterable[str | Mapping[str, Any]], wanted: Sequence[CheckName]) -> list[Target]:
    """A target per model: a bare id, or a /v1/models entry (its endpoint types refine the kind)."""
    targets = []
    for entry in models:
        listed = {"id": entry} if isinstance(entry, str) else dict(entry)
        model = str(listed["id"])
        caps = capabilities_for(model)
        kind = kind_of(caps, listed.get("supported_endpoint_types") or ())
        targets.append(Target(model, caps, kind, checks_for(kind, wanted), listed))
    return targets


@dataclass
class ProbeReport:
    """Results so far; complete unless `interrupted`."""

    targets: list[Target]
    checks: tuple[CheckName, ...]
    results: dict[tuple[str, CheckName], CheckResult] = field(default_factory=dict)
    interrupted: bool = False
    tokens_used: int = 0

    def result(self, model: str, check: CheckName) -> CheckResult | None:
        return self.results.get((model, check))

    def counts(self) -> dict[str, int]:
        out = {"pass": 0, "fail": 0, "skip": 0, "not_run": 0}
        for target in self.targets:
            for check in target.checks:
                found = self.result(target.model, check)
                out[found.status if found else "not_run"] += 1
        return out

    @property
    def all_passed(self) -> bool:
        counts = self.counts()
        return not self.interrupted and counts["fail"] == 0 and counts["not_run"] == 0

    def measured(self, target: Target) -> dict[str, Any]:
        """Capability fields the results prove, for `AIMHUB_CAPABILITIES`."""
        out: dict[str, Any] = {}
        for name in _CONTEXT_FIELDS:
            value = target.listed.get(name)
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                out["context_window"] = value
                break
        chat = self.result(target.model, "chat")
        if chat is not None and chat.status == "fail":
            return out  # nothing below is about an ability when the model cannot even answer
        for check, name in (("tools", "tool_calling"), ("vision", "vision"), ("json", "json_mode")):
            found = self.result(target.model, check)  # type: ignore[arg-type]
            if found is None:
                continue
            if found.status == "pass":
                out[name] = True
            elif found.status == "fail" and found.capability_failure:
                out[name] = False
        embed = self.result(target.model, "embed")
        if embed is not None and embed.status == "pass":
            out["embedding_dimensions"] = embed.detail["dimensions"]
        return out

    def as_json(self, base_url: str) -> dict[str, Any]:
        models = {}
        for target in self.targets:
            checks = {}
            for check in target.checks:
                found = self.result(target.model, check)
                checks[check] = found.as_json() if found else {"status": "not_run"}
            models[target.model] = {
                "family": target.caps.family,
                "kind": target.kind,
                "checks": checks,
                "capabilities": self.measured(target),
            }
        return {
            "schema": SCHEMA,
            "base_url": base_url,
            "checks": list(self.checks),
            "interrupted": self.interrupted,
            "tokens_used": self.tokens_used,
            "summary": self.counts(),
            "models": models,
        }


OnResult = Callable[[Target, CheckName, CheckResult], None]


def run(
    client: AimhubClient,
    report: ProbeReport,
    *,
    concurrency: int,
    budget_tokens: int | None = None,
    on_result: OnResult | None = None,
) -> ProbeReport:
    """Run every target's checks, `concurrency` models at a time.

    Ctrl-C (or any KeyboardInterrupt) stops it: the report keeps what finished and is marked
    `interrupted`; the client is closed so in-flight requests end instead of delaying exit.
    """
    stop = threading.Event()
    lock = threading.Lock()

    def probe(target: Target) -> None:
        blocked: CheckResult | None = None
        for check in target.checks:
            if stop.is_set():
                return
            if (
                blocked is None
                and budget_tokens is not None
                and report.tokens_used >= budget_tokens
            ):
                blocked = CheckResult("skip", reason="Budget spent", message="--budget-tokens")
            result = blocked or run_check(client, target.model, target.caps, check)
            if blocked is None and result.status == "fail" and result.error in _MODEL_LEVEL:
                blocked = CheckResult("skip", reason=f"after {check}: {result.reason}")
            with lock:
                report.results[(target.model, check)] = result
                report.tokens_used += result.tokens
            if on_result is not None:
                on_result(target, check, result)

    pool = ThreadPoolExecutor(max(1, concurrency), thread_name_prefix="aimhub-probe")
    try:
        for future in as_completed([pool.submit(probe, t) for t in report.targets]):
            future.result()
    except KeyboardInterrupt:
        stop.set()
        report.interrupted = True
        pool.shutdown(wait=False, cancel_futures=True)
        client.close()
        return report
    pool.shutdown()
    return report
