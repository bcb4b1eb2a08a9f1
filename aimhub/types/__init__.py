"""Typed wire models of every endpoint."""

from aimhub.types.audio import Transcription, TranscriptionSegment, TranscriptionWord
from aimhub.types.billing import Balance, BillingSubscription, BillingUsage
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
from aimhub.types.images import Image, ImagesResponse
from aimhub.types.models import Model, ModelList
from aimhub.types.moderation import ModerationResponse, ModerationResult
from aimhub.types.rerank import RerankResponse, RerankResult
from aimhub.types.tasks import Task, TaskButton, TaskKind, TaskStatus
from aimhub.types.usage import CompletionTokensDetails, PromptTokensDetails, Usage

__all__ = [
    "Balance",
    "BillingSubscription",
    "BillingUsage",
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
    "Image",
    "ImagesResponse",
    "Model",
    "ModelList",
    "ModerationResponse",
    "ModerationResult",
    "PromptTokensDetails",
    "RerankResponse",
    "RerankResult",
    "Task",
    "TaskButton",
    "TaskKind",
    "TaskStatus",
    "ToolCall",
    "Transcription",
    "TranscriptionSegment",
    "TranscriptionWord",
    "Usage",
]
