"""`aimhub probe`: checks, classification, JSON schema, exit codes, dry run, Ctrl-C."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aimhub import capabilities_for, load_capabilities
from aimhub.cli._app import app
from aimhub.cli._checks import CheckResult
from aimhub.cli._probe import ProbeReport, plan
from tests.unit.cli.conftest import Install

FAMILIES = {
    "gpt-4o-mini": "ok",
    "claude-3-5-sonnet": "no_vision",
    "gemini-1.5-flash": "stream_drops_tools",
    "qwen-plus": "stream_no_usage",
    "deepseek-chat": "no_json_mode",
    "glm-4": "no_channel",
    "text-embedding-3-small": "embed",
    "bge-reranker-v2-m3": "rerank",
}


def _probe_json(runner: CliRunner, *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = runner.invoke(app, ["probe", *args, "--json", "-", "--yes"])
    return result.exit_code, json.loads(result.stdout)


def test_all_checks_pass_exit_0(runner: CliRunner, gateway: Install) -> None:
    fake = gateway({"gpt-4o-mini": "ok"})
    code, data = _probe_json(runner, "gpt-4o-mini")
    assert code == 0
    checks = data["models"]["gpt-4o-mini"]["checks"]
    assert {name: c["status"] for name, c in checks.items()} == {
        "chat": "pass",
        "stream": "pass",
        "tools": "pass",
        "vision": "pass",
        "json": "pass",
    }
    assert checks["stream"]["ttft_ms"] is not None
    assert checks["stream"]["latency_ms"] >= checks["stream"]["ttft_ms"]
    assert checks["tools"]["detail"] == {"arguments": {"city": "Paris"}}
    # chat, stream, tools (call + result), vision, json
    assert len(fake.requests) == 6
    assert data["summary"] == {"pass": 5, "fail": 0, "skip": 0, "not_run": 0}


def test_json_schema(runner: CliRunner, gateway: Install) -> None:
    gateway(FAMILIES)
    code, data = _probe_json(runner, "--all", "--concurrency", "3")
    assert code == 1
    assert set(data) == {
        "schema",
        "base_url",
        "checks",
        "interrupted",
        "tokens_used",
        "summary",
        "models",
    }
    assert data["schema"] == "aimhub-probe/1"
    assert data["base_url"] == "https://gateway.test/v1"
    assert data["interrupted"] is False
    assert data["tokens_used"] > 0
    for model, entry in data["models"].items():
        assert set(entry) == {"family", "kind", "checks", "capabilities"}, model
        for check in entry["checks"].values():
            assert set(check) == {
                "status",
                "reason",
                "message",
                "error",
                "latency_ms",
                "ttft_ms",
                "tokens",
                "detail",
            }
    assert data["models"]["text-embedding-3-small"]["checks"]["embed"]["detail"] == {
        "dimensions": 4
    }
    assert list(data["models"]["bge-reranker-v2-m3"]["checks"]) == ["rerank"]


def test_failures_are_classified_by_typed_errors(runner: CliRunner, gateway: Install) -> None:
    gateway(FAMILIES)
    _, data = _probe_json(runner, *FAMILIES)
    models = data["models"]
    glm = models["glm-4"]["checks"]
    assert glm["chat"]["error"] == "ModelNotAvailableError"
    assert glm["chat"]["reason"] == "Model not available"
    assert "无可用渠道" in glm["chat"]["message"]
    # Nothing else can work without a channel: the other checks are not sent.
    assert {glm[c]["status"] for c in ("stream", "tools", "vision", "json")} == {"skip"}
    vision = models["claude-3-5-sonnet"]["checks"]["vision"]
    assert (vision["status"], vision["error"]) == ("fail", "BadRequestError")
    tools = models["gemini-1.5-flash"]["checks"]["tools"]
    assert (tools["status"], tools["error"], tools["reason"]) == (
        "fail",
        "ProbeFailedError",
        "No tool call",
    )
    assert models["gemini-1.5-flash"]["checks"]["stream"]["status"] == "pass"
    assert models["deepseek-chat"]["checks"]["json"]["error"] == "BadRequestError"
    assert models["qwen-plus"]["checks"]["stream"]["detail"]["usage"] == "missing"


def test_quota_error_is_classified(runner: CliRunner, gateway: Install) -> None:
    gateway({"gpt-4o": "quota"})
    code, data = _probe_json(runner, "gpt-4o", "--checks", "chat,stream")
    assert code == 1
    chat = data["models"]["gpt-4o"]["checks"]["chat"]
    assert chat["error"] == "InsufficientQuotaError"
    assert (
        data["models"]["gpt-4o"]["checks"]["stream"]["reason"] == "after chat: Insufficient quota"
    )


def test_measured_capabilities(runner: CliRunner, gateway: Install) -> None:
    gateway(FAMILIES)
    _, data = _probe_json(runner, *FAMILIES)
    caps = {m: e["capabilities"] for m, e in data["models"].items()}
    assert caps["gpt-4o-mini"] == {"tool_calling": True, "vision": True, "json_mode": True}
    assert caps["claude-3-5-sonnet"]["vision"] is False
    assert caps["gemini-1.5-flash"]["tool_calling"] is False
    assert caps["deepseek-chat"]["json_mode"] is False
    assert caps["glm-4"] == {}  # no channel says nothing about what glm-4 can do
    assert caps["text-embedding-3-small"] == {"embedding_dimensions": 4}


def test_table_output(runner: CliRunner, gateway: Install, tmp_path: Path) -> None:
    gateway(FAMILIES)
    out = tmp_path / "caps.json"
    result = runner.invoke(app, ["probe", *FAMILIES, "--yes", "--json", str(out)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    row = next(line for line in lines if "gemini-1.5-flash" in line and "│" in line)
    assert "✗ No tool call" in row
    assert "✓ ttft" in row
    assert any("glm-4" in line and "✗ Model not available" in line for line in lines)
    assert "Results written to" in result.stdout
    assert json.loads(out.read_text())["schema"] == "aimhub-probe/1"


def test_dry_run_sends_nothing(runner: CliRunner, gateway: Install) -> None:
    fake = gateway(FAMILIES)
    result = runner.invoke(app, ["probe", *FAMILIES, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert fake.requests == []
    assert "Nothing was sent" in result.stdout
    assert "gpt-4o-mini" in result.stdout
    assert "tokens" in result.stdout


def test_dry_run_all_only_lists_models(runner: CliRunner, gateway: Install) -> None:
    fake = gateway(FAMILIES)
    result = runner.invoke(app, ["probe", "--all", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert fake.paths() == ["/v1/models"]


def test_many_models_ask_first(runner: CliRunner, gateway: Install) -> None:
    fake = gateway(FAMILIES)
    declined = runner.invoke(app, ["probe", *FAMILIES], input="n\n")
    assert declined.exit_code == 2
    assert "Nothing sent" in declined.output
    assert fake.requests == []
    accepted = runner.invoke(app, ["probe", *FAMILIES, "--json", "-"], input="y\n")
    assert accepted.exit_code == 1
    assert fake.requests


def test_few_models_do_not_ask(runner: CliRunner, gateway: Install) -> None:
    gateway({"gpt-4o-mini": "ok"})
    result = runner.invoke(app, ["probe", "gpt-4o-mini", "--checks", "chat"])
    assert result.exit_code == 0, result.output
    assert "?" not in result.output


def test_ctrl_c_prints_the_partial_table(runner: CliRunner, gateway: Install) -> None:
    gateway({"gpt-4o-mini": "ok", "gpt-4o": "interrupt"})
    result = runner.invoke(
        app, ["probe", "gpt-4o-mini", "gpt-4o", "--concurrency", "1", "--checks", "chat,stream"]
    )
    assert result.exit_code == 130
    assert "Interrupted" in result.output
    row = next(line for line in result.stdout.splitlines() if "gpt-4o-mini" in line)
    assert row.count("✓") == 2
    assert "not run" in next(line for line in result.stdout.splitlines() if "gpt-4o " in line)


def test_ctrl_c_json_marks_interrupted(runner: CliRunner, gateway: Install) -> None:
    gateway({"gpt-4o-mini": "ok", "gpt-4o": "interrupt"})
    result = runner.invoke(
        app, ["probe", "gpt-4o-mini", "gpt-4o", "--concurrency", "1", "--json", "-"]
    )
    assert result.exit_code == 130
    data = json.loads(result.stdout)
    assert data["interrupted"] is True
    assert data["models"]["gpt-4o"]["checks"]["stream"] == {"status": "not_run"}
    assert data["models"]["gpt-4o-mini"]["checks"]["chat"]["status"] == "pass"


def test_budget_refuses_a_plan_over_it(runner: CliRunner, gateway: Install) -> None:
    fake = gateway({"gpt-4o-mini": "ok"})
    result = runner.invoke(app, ["probe", "gpt-4o-mini", "--budget-tokens", "10"])
    assert result.exit_code == 2
    assert "--budget-tokens" in result.output
    assert fake.requests == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["probe"], "name the models"),
        (["probe", "m", "--all"], "not both"),
        (["probe", "m", "--checks", "chat,teleport"], "teleport"),
    ],
)
def test_usage_errors_exit_2(
    runner: CliRunner, gateway: Install, args: list[str], message: str
) -> None:
    fake = gateway({})
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    if args != ["probe"]:
        assert message in result.output
    assert fake.requests == []


def test_probe_output_round_trips(tmp_path: Path) -> None:
    """What `aimhub probe --json` writes is what the feed reads."""
    targets = plan(["gpt-4o"], ("chat", "tools"))
    report = ProbeReport(targets, ("chat", "tools"))
    report.results[("gpt-4o", "chat")] = CheckResult("pass")
    report.results[("gpt-4o", "tools")] = CheckResult(
        "fail", reason="No tool call", capability_failure=True
    )
    path = tmp_path / "caps.json"
    path.write_text(json.dumps(report.as_json("https://gateway.test/v1")))
    load_capabilities(path)
    assert capabilities_for("gpt-4o").tool_calling is False


def test_probe_json_feeds_adapters_through_the_env_var(
    runner: CliRunner, gateway: Install, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gateway(FAMILIES)
    out = tmp_path / "caps.json"
    runner.invoke(app, ["probe", *FAMILIES, "--yes", "--json", str(out)])
    assert capabilities_for("gemini-1.5-flash").tool_calling is True
    monkeypatch.setenv("AIMHUB_CAPABILITIES", str(out))
    assert capabilities_for("gemini-1.5-flash").tool_calling is False
    assert capabilities_for("claude-3-5-sonnet").vision is False
    from langchain_aimhub import ChatAimhub

    profile = ChatAimhub(model="claude-3-5-sonnet", api_key="sk-test").profile
    assert profile is not None
    assert profile["image_inputs"] is False


#: One chat model of every chat family in the catalogue, and the embedding/rerank kinds.
ONE_PER_FAMILY = {
    "gpt-4o-mini": "openai",
    "o3-mini": "openai-reasoning",
    "claude-3-5-sonnet": "claude",
    "gemini-2.5-flash": "gemini",
    "qwen-plus": "qwen",
    "ernie-4.0-8k": "ernie",
    "glm-4-plus": "glm",
    "hunyuan-lite": "hunyuan",
    "sparkdesk-v3.5": "spark",
    "moonshot-v1-8k": "moonshot",
    "step-1-8k": "stepfun",
    "deepseek-chat": "deepseek",
}


@pytest.mark.parametrize(("model", "family"), ONE_PER_FAMILY.items())
def test_every_family_probes_through_its_request_rules(
    runner: CliRunner, gateway: Install, model: str, family: str
) -> None:
    """The checks' requests go through each family's shaping and still parse (ERNIE's odd
    message count, Claude's string tool content, o-series max_completion_tokens...)."""
    fake = gateway({model: "ok"})
    code, data = _probe_json(runner, model)
    entry = data["models"][model]
    assert entry["family"] == family
    assert {c["status"] for c in entry["checks"].values()} == {"pass"}, entry["checks"]
    assert code == 0
    bodies = [json.loads(r.content) for r in fake.requests]
    assert all(b["model"] == model for b in bodies)
