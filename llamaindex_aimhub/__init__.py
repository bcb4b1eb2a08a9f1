"""llamaindex_aimhub: every model on an aggregator gateway as a first-class LlamaIndex model."""

import importlib
from typing import TYPE_CHECKING, Any

from aimhub import __version__  # one version for the whole distribution

if TYPE_CHECKING:
    from llamaindex_aimhub.embeddings import AimhubEmbedding
    from llamaindex_aimhub.llms import Aimhub
    from llamaindex_aimhub.postprocessor import AimhubRerank
    from llamaindex_aimhub.readers import AimhubAudioReader
    from llamaindex_aimhub.tools import AimhubToolResult, AimhubToolSpec

# Each class is imported on first use: an LLM-only program never loads the embedding stack.
_EXPORTS = {
    "Aimhub": "llamaindex_aimhub.llms",
    "AimhubEmbedding": "llamaindex_aimhub.embeddings",
    "AimhubRerank": "llamaindex_aimhub.postprocessor",
    "AimhubAudioReader": "llamaindex_aimhub.readers",
    "AimhubToolResult": "llamaindex_aimhub.tools",
    "AimhubToolSpec": "llamaindex_aimhub.tools",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    msg = f"module 'llamaindex_aimhub' has no attribute {name!r}"
    raise AttributeError(msg)


__all__ = [
    "Aimhub",
    "AimhubAudioReader",
    "AimhubEmbedding",
    "AimhubRerank",
    "AimhubToolResult",
    "AimhubToolSpec",
    "__version__",
]
