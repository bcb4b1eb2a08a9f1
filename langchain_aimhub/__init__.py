"""LangChain integration for OpenAI-compatible aggregator gateways."""

from langchain_aimhub.chat_models import ChatAimhub

__all__ = ["ChatAimhub"]
