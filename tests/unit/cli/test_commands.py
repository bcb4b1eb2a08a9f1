"""`aimhub models`, `chat`, `embed`, global options, error exits and the missing-extra message."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from aimhub.cli._app import app
from tests.fakes import TEST_KEY
from tests.unit.cli.conftest import Install

MODELS = {
    "gpt-4o-mini": "ok",
    "claude-3-5-sonnet": "ok",
    "deepseek-reasoner": "ok",
    "text-embedding-3-small": "embed",
}


def test_models_json(runner: CliRunner, gateway: Install) -> None:
    fake = gateway(MODELS)
    result = runner.invoke(app, ["models", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == list(MODELS)
    assert set(rows[0]) == {
        "id",
        "owned_by",
        "family",
        "kind",
        "context_window",
        "dimensions",
        "capabilities",
        "endpoint_types",
    }
    gpt = rows[0]
    assert (gpt["family"], gpt["kind"], gpt["context_window"]) == ("openai", "chat", 128_000)
    assert {"tools", "vision"} <= set(gpt["capabilities"])
    assert rows[3]["kind"] == "embedding"
    assert rows[3]["endpoint_types"] == ["embeddings"]
    assert (gpt["dimensions"], rows[3]["dimensions"]) == (None, 1_536)
    assert fake.paths() == ["/v1/models"]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--family", "claude"], ["claude-3-5-sonnet"]),
        (["--capability", "reasoning"], ["deepseek-reasoner"]),
        (["--capability", "embeddings"], ["text-embedding-3-small"]),
        (["--capability", "vision", "--family", "openai"], ["gpt-4o-mini"]),
    ],
)
def test_models_filters(
    runner: CliRunner, gateway: Install, options: list[str], expected: list[str]
) -> None:
    gateway(MODELS)
    result = runner.invoke(app, ["models", *options, "--json"])
    assert [r["id"] for r in json.loads(result.stdout)] == expected


def test_models_table(runner: CliRunner, gateway: Install) -> None:
    gateway(MODELS)
    result = runner.invoke(app, ["models"])
    assert result.exit_code == 0
    assert "claude-3-5-sonnet" in result.stdout
    assert "200,000" in result.stdout
    assert "4 of 4 models" in result.stdout


def test_unknown_capability_is_a_usage_error(runner: CliRunner, gateway: Install) -> None:
    fake = gateway(MODELS)
    result = runner.invoke(app, ["models", "--capability", "telepathy"])
    assert result.exit_code == 2
    assert "telepathy" in result.output
    assert fake.requests == []


def test_chat_one_shot_streams(runner: CliRunner, gateway: Install) -> None:
    fake = gateway({"gpt-4o-mini": "ok"})
    result = runner.invoke(app, ["chat", "gpt-4o-mini", "Count to five"])
    assert result.exit_code == 0, result.output
    assert "1, 2, 3, 4, 5" in result.stdout
    body = json.loads(fake.requests[0].content)
    assert body["stream"] is True
    assert body["messages"] == [{"role": "user", "content": "Count to five"}]


def test_chat_reads_stdin_when_piped(runner: CliRunner, gateway: Install) -> None:
    fake = gateway({"gpt-4o-mini": "ok"})
    result = runner.invoke(app, ["chat", "gpt-4o-mini", "--system", "Be brief"], input="hi\n")
    assert result.exit_code == 0, result.output
    body = json.loads(fake.requests[0].content)
    assert body["messages"] == [
        {"role": "system", "content": "Be brief"},
        {"role": "user", "content": "hi"},
    ]


def test_chat_shows_reasoning(runner: CliRunner, gateway: Install) -> None:
    gateway({"deepseek-reasoner": "reasoning"})
    result = runner.invoke(app, ["chat", "deepseek-reasoner", "Why?"])
    assert result.exit_code == 0, result.output
    assert "Thinking it over. Done." in result.stdout


def test_chat_interactive_keeps_the_conversation(
    runner: CliRunner, gateway: Install, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aimhub.cli import _app

    fake = gateway({"gpt-4o-mini": "ok"})
    monkeypatch.setattr(_app, "_read_prompt", lambda prompt: None)  # as on a terminal
    result = runner.invoke(app, ["chat", "gpt-4o-mini"], input="first\nsecond\n\n")
    assert result.exit_code == 0, result.output
    assert len(fake.requests) == 2
    second = json.loads(fake.requests[1].content)["messages"]
    assert [m["role"] for m in second] == ["user", "assistant", "user"]
    assert second[1]["content"] == "1, 2, 3, 4, 5"
    assert second[2]["content"] == "second"


def test_chat_api_error_exits_1_without_traceback(runner: CliRunner, gateway: Install) -> None:
    gateway({"glm-4": "no_channel"})
    result = runner.invoke(app, ["chat", "glm-4", "hello"])
    assert result.exit_code == 1
    assert "ModelNotAvailableError" in result.output
    assert "无可用渠道" in result.output
    assert "Traceback" not in result.output
    assert TEST_KEY not in result.output


def test_debug_reraises(runner: CliRunner, gateway: Install) -> None:
    gateway({"glm-4": "no_channel"})
    result = runner.invoke(app, ["--debug", "chat", "glm-4", "hello"])
    from aimhub import ModelNotAvailableError

    assert isinstance(result.exception, ModelNotAvailableError)


def test_missing_key_is_a_configuration_error(
    runner: CliRunner, gateway: Install, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = gateway({"gpt-4o-mini": "ok"})
    monkeypatch.delenv("AIMHUB_API_KEY")
    result = runner.invoke(app, ["models"])
    assert result.exit_code == 2
    assert "AIMHUB_API_KEY" in result.output
    assert fake.requests == []


def test_embed(runner: CliRunner, gateway: Install) -> None:
    fake = gateway({"text-embedding-3-small": "embed"})
    result = runner.invoke(app, ["embed", "text-embedding-3-small", "one", "two", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["model"] == "text-embedding-3-small"
    assert [(r["text"], r["dimensions"]) for r in data["data"]] == [("one", 4), ("two", 4)]
    assert data["data"][0]["embedding"] == [0.1, 0.2, 0.3, 0.4]
    assert json.loads(fake.requests[0].content)["input"] == ["one", "two"]
    table = runner.invoke(app, ["embed", "text-embedding-3-small", "one"])
    assert "0.1000" in table.stdout


def test_embed_empty_text_is_a_usage_error(runner: CliRunner, gateway: Install) -> None:
    fake = gateway({"text-embedding-3-small": "embed"})
    result = runner.invoke(app, ["embed", "text-embedding-3-small", ""])
    assert result.exit_code == 2, result.output
    assert fake.requests == []


def test_global_base_url_option(runner: CliRunner, gateway: Install) -> None:
    fake = gateway(MODELS)
    result = runner.invoke(app, ["--base-url", "https://other.test", "models", "--json"])
    assert result.exit_code == 0, result.output
    assert str(fake.requests[0].url) == "https://other.test/v1/models"


def test_version(runner: CliRunner) -> None:
    from aimhub import __version__

    result = runner.invoke(app, ["--version"])
    assert result.stdout.strip() == f"aimhub {__version__}"


def test_python_dash_m_runs_the_cli() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "aimhub", "--help"], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    assert "probe" in out.stdout


def test_missing_extra_names_the_install() -> None:
    # Simulate an install without the extra: typer cannot be imported.
    code = "import sys; sys.modules['typer'] = None; from aimhub.cli import main; main(['models'])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 2
    assert 'pip install "aimhub-llm[cli]"' in out.stderr
    assert "Traceback" not in out.stderr


def test_importing_aimhub_loads_no_cli_library() -> None:
    code = "import sys, aimhub, aimhub.cli; print(sorted(m for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(eval(out.stdout))
    assert not {m for m in loaded if m.split(".")[0] in ("typer", "rich", "click")}


def test_settings_repr_hides_the_key() -> None:
    from aimhub.cli._context import Settings

    assert TEST_KEY not in repr(Settings(api_key=TEST_KEY))
