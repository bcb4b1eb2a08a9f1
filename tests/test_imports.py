"""Import boundaries and public names."""

from __future__ import annotations

import subprocess
import sys

import pytest

import aimhub


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_core_imports_neither_framework() -> None:
    loaded = _modules_after("import aimhub")
    assert not {m for m in loaded if m.startswith(("langchain", "llama_index"))}


@pytest.mark.parametrize(
    ("statement", "forbidden"),
    [
        ("import langchain_aimhub", "llama_index"),
        ("import llamaindex_aimhub", "langchain"),
    ],
)
def test_adapter_does_not_import_the_other_framework(statement: str, forbidden: str) -> None:
    loaded = _modules_after(statement)
    assert not {m for m in loaded if m.split(".")[0] == forbidden or m.startswith(forbidden + "_")}


def test_core_public_names_are_pinned() -> None:
    assert "AimhubClient" in aimhub.__all__
    assert "AsyncAimhubClient" in aimhub.__all__
    for name in aimhub.__all__:
        assert hasattr(aimhub, name), name


def test_core_task_names_are_pinned() -> None:
    errors = {"BannedPromptError", "TaskFailedError", "TaskNotFoundError", "TaskSubmitError",
              "TaskTimeoutError"}  # fmt: skip
    assert errors <= set(aimhub.__all__)
    assert {"Task", "TaskButton", "TaskKind", "TaskStatus"} <= set(aimhub.types.__all__)
    for method in ("midjourney_imagine", "midjourney_action", "midjourney_blend",
                   "midjourney_describe", "midjourney_modal", "suno_music", "suno_lyrics",
                   "generate_video", "fetch_task", "fetch_tasks", "wait_task"):  # fmt: skip
        assert callable(getattr(aimhub.AimhubClient, method))
        assert callable(getattr(aimhub.AsyncAimhubClient, method))


def test_core_media_names_are_pinned() -> None:
    media = {"AsyncByteStream", "ByteStream", "MediaRules", "SpeechAudio"}
    assert media <= set(aimhub.__all__)
    types = {"Balance", "Image", "ImagesResponse", "ModerationResponse", "Transcription"}
    assert types <= set(aimhub.types.__all__)


@pytest.mark.parametrize(
    ("package", "names"),
    [
        (
            "langchain_aimhub",
            [
                "AimhubAudioParser",
                "AimhubCheckTaskTool",
                "AimhubEmbeddings",
                "AimhubImageTool",
                "AimhubMidjourneyTool",
                "AimhubModerationTool",
                "AimhubMusicTool",
                "AimhubRerank",
                "AimhubSpeechTool",
                "AimhubToolkit",
                "AimhubTranscriptionTool",
                "AimhubVideoTool",
                "ChatAimhub",
            ],
        ),
        (
            "llamaindex_aimhub",
            [
                "Aimhub",
                "AimhubAudioReader",
                "AimhubEmbedding",
                "AimhubRerank",
                "AimhubToolResult",
                "AimhubToolSpec",
            ],
        ),
    ],
)
def test_adapter_public_names_are_pinned_and_resolve(package: str, names: list[str]) -> None:
    import importlib

    module = importlib.import_module(package)
    assert sorted(module.__all__) == sorted([*names, "__version__"])
    for name in names:
        assert getattr(module, name).__name__ == name
    with pytest.raises(AttributeError, match="no attribute 'Missing'"):
        module.__getattr__("Missing")


def test_chat_only_import_does_not_load_the_retrieval_stack() -> None:
    loaded = _modules_after("from langchain_aimhub import ChatAimhub")
    assert "langchain_aimhub.embeddings" not in loaded
    assert "aimhub._embeddings" not in loaded
    assert "asyncio" not in _modules_after("import aimhub")


def test_import_aimhub_is_lazy_and_every_public_name_resolves_on_use() -> None:
    loaded = _modules_after("import aimhub")
    assert "aimhub._client" not in loaded
    assert "pydantic.main" not in loaded  # no model machinery until a name needs it
    loaded = _modules_after("from aimhub import AimhubClient")
    assert "aimhub._client" in loaded
    assert "aimhub._embeddings" not in loaded
    assert set(aimhub.__all__) <= set(dir(aimhub))
    out = subprocess.run(
        [sys.executable, "-c", "import aimhub; print(aimhub.types.ChatCompletion.__name__)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "ChatCompletion"  # subpackages too, after a bare import
    with pytest.raises(AttributeError, match="no attribute 'Missing'"):
        aimhub.__getattr__("Missing")


def test_every_import_package_has_the_distribution_version() -> None:
    import importlib
    from importlib.metadata import version

    import langchain_aimhub
    import llamaindex_aimhub

    assert aimhub.__version__ == version("aimhub-llm")
    assert langchain_aimhub.__version__ == llamaindex_aimhub.__version__ == aimhub.__version__
    assert importlib.import_module("aimhub._version").__version__ == aimhub.__version__


def test_catalogue_modules_import_without_a_circle() -> None:
    # The record types and the built-in rows never import the lookup: `_catalog` imports them.
    for module in ("aimhub._capabilities", "aimhub._catalog_data", "aimhub._measured"):
        loaded = _modules_after(f"import {module}")
        assert "aimhub._catalog" not in loaded, module
    import aimhub._catalog
    from aimhub._capabilities import ModelCapabilities

    assert aimhub._catalog.ModelCapabilities is ModelCapabilities
    assert aimhub.ModelCapabilities is ModelCapabilities


def test_catalogue_forgets_lookups_after_load_capabilities() -> None:
    code = (
        "import aimhub; before = aimhub.capabilities_for('gpt-4o').vision; "
        "aimhub.load_capabilities({'gpt-4o': {'vision': False}}); "
        "print(before, aimhub.capabilities_for('gpt-4o').vision)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]
