"""Typed wire models of every endpoint."""

from aimhub.types.chat import (
    ChatCompletion,
    ChatCompletionChunk,
    ChatMessage,
    Choice,
    ChunkChoice,
    FunctionCall,
    ToolCall,
)
from aimhub.types.completions import Completion, CompletionChoice
from aimhub.types.embeddings import Embedding, EmbeddingResponse
from aimhub.types.models import Model, ModelList
from aimhub.types.rerank import RerankResponse, RerankResult
from aimhub.types.usage import CompletionTokensDetails, PromptTokensDetails, Usage

__all__ = [
    "ChatCompletion",
    "ChatCompletionChunk",
    "ChatMessage",
    "Choice",
    "ChunkChoice",
    "Completion",
    "CompletionChoice",
    "CompletionTokensDetails",
    "Embedding",
    "EmbeddingResponse",
    "FunctionCall",
    "Model",
    "ModelList",
    "PromptTokensDetails",
    "RerankResponse",
    "RerankResult",
    "ToolCall",
    "Usage",
]
