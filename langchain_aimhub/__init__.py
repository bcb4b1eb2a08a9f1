"""LangChain integration for OpenAI-compatible aggregator gateways."""

import importlib
from typing import TYPE_CHECKING, Any

from aimhub import __version__  # one version for the whole distribution

if TYPE_CHECKING:
    from langchain_aimhub.chat_models import ChatAimhub
    from langchain_aimhub.embeddings import AimhubEmbeddings
    from langchain_aimhub.parsers import AimhubAudioParser
    from langchain_aimhub.rerank import AimhubRerank
    from langchain_aimhub.task_tools import (
        AimhubCheckTaskTool,
        AimhubMidjourneyTool,
        AimhubMusicTool,
        AimhubVideoTool,
    )
    from langchain_aimhub.tools import (
        AimhubImageTool,
        AimhubModerationTool,
        AimhubSpeechTool,
        AimhubToolkit,
        AimhubTranscriptionTool,
    )

# Each class is imported on first use, so a chat-only program never loads the retrieval stack.
_EXPORTS = {
    "ChatAimhub": "langchain_aimhub.chat_models",
    "AimhubEmbeddings": "langchain_aimhub.embeddings",
    "AimhubRerank": "langchain_aimhub.rerank",
    "AimhubAudioParser": "langchain_aimhub.parsers",
    **dict.fromkeys(
        (
            "AimhubImageTool",
            "AimhubModerationTool",
            "AimhubSpeechTool",
            "AimhubToolkit",
            "AimhubTranscriptionTool",
        ),
        "langchain_aimhub.tools",
    ),
    **dict.fromkeys(
        ("AimhubCheckTaskTool", "AimhubMidjourneyTool", "AimhubMusicTool", "AimhubVideoTool"),
        "langchain_aimhub.task_tools",
    ),
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    msg = f"module 'langchain_aimhub' has no attribute {name!r}"
    raise AttributeError(msg)


__all__ = [
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
    "__version__",
]
