"""`aimhub probe`: plan, confirm, run with a progress bar, print the table and the JSON."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from aimhub._shaping import AimhubParameterWarning
from aimhub.cli._checks import CHECKS, CheckName, CheckResult
from aimhub.cli._context import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    errors_as_exit,
    settings,
    stderr,
    stdout,
)
from aimhub.cli._probe import ProbeReport, Target, plan, run

#: A live probe of more models than this asks first (unless --yes): each costs real tokens.
CONFIRM_ABOVE = 5


def _parse_checks(text: str) -> tuple[CheckName, ...]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [n for n in names if n not in CHECKS]
    if unknown or not names:
        msg = f"unknown check(s) {unknown or [text]}; choose from: {','.join(CHECKS)}"
        raise typer.BadParameter(msg, param_hint="--checks")
    return tuple(c for c in CHECKS if c in names)


def probe(
    ctx: typer.Context,
    models: Annotated[
        list[str] | None, typer.Argument(help="Model ids to probe (or --all).", show_default=False)
    ] = None,
    all_models: Annotated[
        bool, typer.Option("--all", help="Every model the key's /v1/models lists.")
    ] = False,
    checks: Annotated[str, typer.Option(help="Comma-separated checks to run.")] = ",".join(CHECKS),
    concurrency: Annotated[int, typer.Option(min=1, help="Models probed at once.")] = 4,
    budget_tokens: Annotated[
        int | None,
        typer.Option(min=1, help="Refuse a plan estimated above N tokens; stop when N are used."),
    ] = None,
    json_path: Annotated[
        str | None,
        typer.Option("--json", help="Write the results as JSON to this file ('-': stdout)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the plan and a token estimate; send nothing.")
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Do not ask before a big probe.")
    ] = False,
) -> None:
    """Check which models answer, stream, call tools, read images, return JSON, embed, rerank."""
    wanted = _parse_checks(checks)
    if bool(models) == all_models:
        msg = "name the models to probe, or pass --all (not both)"
        raise typer.BadParameter(msg, param_hint="MODELS / --all")
    options = settings(ctx)
    with errors_as_exit(options.debug), options.client() as client:
        # --all reads /v1/models, which costs no tokens: even a dry run needs the list.
        entries: list[Any] = (
            [m.model_dump() for m in client.list_models().data]
            if all_models
            else list(models or [])
        )
        targets = plan(entries, wanted)
        estimate = sum(t.estimate for t in targets)
        if dry_run:
            _print_plan(targets, estimate)
            raise typer.Exit(EXIT_OK)
        if budget_tokens is not None and estimate > budget_tokens:
            stderr().print(
                f"The plan is estimated at {estimate:,} tokens, over --budget-tokens "
                f"{budget_tokens:,}: probe fewer models or checks, or raise the budget."
            )
            raise typer.Exit(EXIT_USAGE)
        live = [t for t in targets if t.checks]
        if len(live) > CONFIRM_ABOVE and not yes and not _confirm(len(live), estimate):
            stderr().print("Nothing sent.")
            raise typer.Exit(EXIT_USAGE)
        report = ProbeReport(targets, wanted)
        # The probe sends what the family rules allow on purpose (tools to a model whose channel
        # may drop them): the results report it, the rules' warnings would only repeat it.
        warnings.simplefilter("ignore", AimhubParameterWarning)
        _run_with_progress(client, report, concurrency, budget_tokens)
    _output(report, json_path, client.base_url)
    if report.interrupted:
        stderr().print("Interrupted: the table shows the checks that finished.")
        raise typer.Exit(EXIT_INTERRUPTED)
    raise typer.Exit(EXIT_OK if report.all_passed else EXIT_FAILED)


def _confirm(count: int, estimate: int) -> bool:
    try:
        return typer.confirm(
            f"Probe {count} models with real requests (about {estimate:,} tokens)?", err=True
        )
    except typer.Abort:  # no answer possible (stdin closed)
        return False


def _run_with_progress(
    client: Any, report: ProbeReport, concurrency: int, budget: int | None
) -> None:
    total = sum(len(t.checks) for t in report.targets)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=stderr(), transient=True) as progress:
        task = progress.add_task("probing", total=total)

        def advance(target: Target, check: CheckName, result: CheckResult) -> None:
            progress.update(task, advance=1, description=f"{target.model} {check}")

        run(client, report, concurrency=concurrency, budget_tokens=budget, on_result=advance)


def _print_plan(targets: list[Target], estimate: int) -> None:
    table = Table("model", "family", "kind", "checks", "≈ tokens", title="Probe plan (dry run)")
    for t in targets:
        checks = ", ".join(t.checks) or f"none (no check for kind {t.kind!r})"
        table.add_row(t.model, t.caps.family, t.kind, checks, f"{t.estimate:,}")
    out = stdout()
    out.print(table)
    requests = sum(len(t.checks) + (t.checks.count("tools")) for t in targets)
    out.print(f"{requests} requests, about {estimate:,} tokens. Nothing was sent.")


def _cell(result: CheckResult | None) -> Text:
    if result is None:
        return Text("· not run", style="dim")
    if result.status == "skip":
        return Text("– skipped", style="yellow")
    if result.status == "fail":
        return Text(f"✗ {result.reason}", style="red")
    timing = f"ttft {result.ttft_ms:.0f}ms" if result.ttft_ms is not None else None
    if timing is None and result.latency_ms is not None:
        timing = f"{result.latency_ms:.0f}ms"
    extra = f" {result.detail['dimensions']}d" if "dimensions" in result.detail else ""
    if result.detail.get("usage") == "missing":
        extra += " (no usage)"
    return Text(f"✓ {timing}{extra}", style="green")


def _output(report: ProbeReport, json_path: str | None, base_url: str) -> None:
    data = report.as_json(base_url)
    if json_path == "-":
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    table = Table("model", "family", *report.checks)
    for target in report.targets:
        cells = [
            _cell(report.result(target.model, c)) if c in target.checks else Text("")
            for c in report.checks
        ]
        table.add_row(target.model, target.caps.family, *cells)
    out = stdout()
    out.print(table)
    counts = data["summary"]
    out.print(
        f"{counts['pass']} passed, {counts['fail']} failed, {counts['skip']} skipped, "
        f"{counts['not_run']} not run; {report.tokens_used:,} tokens used"
    )
    for target in report.targets:
        for check in target.checks:
            found = report.result(target.model, check)
            if found is not None and found.status == "fail":
                out.print(Text(f"{target.model} {check}: {found.message}", style="dim"))
    if json_path:
        Path(json_path).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
        out.print(f"Results written to {json_path} (use with AIMHUB_CAPABILITIES={json_path})")
