"""`aimhub.adapter` is the one contract between the core and the adapters: pinned, and the only
way the adapters reach core internals."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import aimhub.adapter

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = {
    "API_KEY_ENV",
    "BASE_URL_ENV",
    "DEFAULT_EMBEDDING_CONCURRENCY",
    "DEFAULT_MAX_RETRIES",
    "SECRET_HEADERS",
    "SECRET_QUERY_PARAMS",
    "TOOL_WAIT_TIMEOUT",
    "AimhubClient",
    "AimhubParameterWarning",
    "AsyncAimhubClient",
    "ChatCompletion",
    "ChatDelta",
    "ChatStreamAccumulator",
    "ConfigurationError",
    "Embedder",
    "HoldsClients",
    "EmbeddingCountError",
    "MediaBlock",
    "MediaKind",
    "ModelCapabilities",
    "NormalizedChoice",
    "NormalizedUsage",
    "ParsedToolCall",
    "RankedDocument",
    "Reranker",
    "ShapedRequest",
    "StreamSummary",
    "asettle_task",
    "capabilities_for",
    "check_model",
    "client_pair",
    "check_parameters",
    "completion_usage",
    "describe_images",
    "describe_moderation",
    "describe_speech",
    "describe_task",
    "media_part",
    "check_known_options",
    "move_unknown_options",
    "normalize_completion",
    "pick_button",
    "resolve_audio_path",
    "settle_task",
    "shape_chat_request",
    "structured_method",
    "take_request_options",
    "warn_cache_control_dropped",
}


def test_the_contract_is_pinned_and_every_name_resolves() -> None:
    assert set(aimhub.adapter.__all__) == CONTRACT
    for name in CONTRACT:
        assert getattr(aimhub.adapter, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'Missing'"):
        aimhub.adapter.__getattr__("Missing")


@pytest.mark.parametrize(
    "path",
    sorted([*ROOT.glob("langchain_aimhub/*.py"), *ROOT.glob("llamaindex_aimhub/*.py")]),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_adapters_import_core_internals_only_through_the_contract(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    private = [
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and node.module
        and node.module.split(".")[0] == "aimhub"
        and any(part.startswith("_") for part in node.module.split("."))
    ]
    assert private == []
    used = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "aimhub.adapter"
        for alias in node.names
    }
    assert used <= CONTRACT


def test_every_contract_name_is_used_by_an_adapter() -> None:
    used: set[str] = set()
    for path in [*ROOT.glob("langchain_aimhub/*.py"), *ROOT.glob("llamaindex_aimhub/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "aimhub.adapter":
                used.update(alias.name for alias in node.names)
    assert used == CONTRACT


def test_the_contract_is_lazy() -> None:
    code = (
        "import sys; from aimhub.adapter import shape_chat_request; "
        "print('aimhub._rerank' in sys.modules, 'aimhub._embeddings' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, timeout=60)
    assert out.stdout.decode().split() == ["False", "False"]
