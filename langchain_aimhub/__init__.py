"""LangChain integration for OpenAI-compatible aggregator gateways."""

from langchain_aimhub.chat_models import ChatAimhub
from langchain_aimhub.embeddings import AimhubEmbeddings
from langchain_aimhub.rerank import AimhubRerank

__all__ = ["AimhubEmbeddings", "AimhubRerank", "ChatAimhub"]
