"""llamaindex_aimhub: every model on an aggregator gateway as a first-class LlamaIndex model."""

from llamaindex_aimhub.embeddings import AimhubEmbedding
from llamaindex_aimhub.llms import Aimhub
from llamaindex_aimhub.postprocessor import AimhubRerank

__all__ = ["Aimhub", "AimhubEmbedding", "AimhubRerank"]
