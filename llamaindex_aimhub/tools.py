"""`AimhubToolSpec`: images, speech, transcription, moderation and balance as LlamaIndex tools."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llama_index.core.tools import FunctionTool
from llama_index.core.tools.tool_spec.base import SPEC_FUNCTION_TYPE, BaseToolSpec
from llama_index.core.tools.types import ToolMetadata

from aimhub import SpeechAudio
from aimhub.adapter import (
    TOOL_WAIT_TIMEOUT,
    HoldsClients,
    describe_images,
    describe_moderation,
    describe_speech,
    resolve_audio_path,
)
from aimhub.types import Balance
from llamaindex_aimhub._clients import Connection
from llamaindex_aimhub._task_spec import TASK_FUNCTIONS, TaskFunctions

__all__ = ["AimhubToolResult", "AimhubToolSpec"]


@dataclass(frozen=True)
class AimhubToolResult:
    """What a tool returns: `str()` is the text the agent reads (`ToolOutput.content`); the
    media object stays in `ToolOutput.raw_output.artifact`, out of the prompt."""

    text: str
    artifact: Any = None

    def __str__(self) -> str:
        return self.text


def _describe_balance(balance: Balance) -> str:
    if balance.unlimited:
        return f"Unlimited key; ${balance.used:.2f} used so far."
    return (
        f"${balance.remaining:.2f} remaining of ${balance.total_granted:.2f} granted "
        f"(${balance.used:.2f} used)."
    )


class AimhubToolSpec(TaskFunctions, HoldsClients, BaseToolSpec):
    """The gateway's non-chat models as tools for `FunctionAgent` / `AgentWorkflow`.

    ```python
    tools = AimhubToolSpec(save_dir="out").to_tool_list()
    agent = FunctionAgent(tools=tools, llm=Aimhub(model="gpt-4o-mini"))
    ```

    Every tool has a sync and an async function. A refused option (e.g. `size="256x256"` for
    dall-e-3) raises `ConfigurationError` with the fix, which the agent reads as the tool's error.

    Args:
        image_model, speech_model, voice, transcription_model, moderation_model: the models
            (and default voice) the tools use.
        save_dir: where images and speech are written (the text names the files); without it
            images are named by URL and audio stays in the result's artifact.
        root_dir: the only folder `transcribe_audio` may read from (none: any path).
        tasks: also `midjourney`, `make_music`, `make_video` and `check_task` (each waits at
            most `task_wait_timeout` seconds, then answers with the task id to check later).
        midjourney_mode, music_model, video_model: the task functions' speed mode and models.
        **connection: the gateway connection, the same names as `Aimhub` takes (`api_key`,
            `api_base`/`base_url`, `timeout`, `max_retries`, `default_headers`,
            `default_query`, the call bounds, `http_client`, `async_http_client`, which are
            not closed by us); an unknown name is a `TypeError`.
    """

    spec_functions: list[SPEC_FUNCTION_TYPE] = [
        ("generate_image", "agenerate_image"),
        ("text_to_speech", "atext_to_speech"),
        ("transcribe_audio", "atranscribe_audio"),
        ("moderate_text", "amoderate_text"),
        ("get_balance", "aget_balance"),
    ]

    def __init__(
        self,
        *,
        image_model: str = "dall-e-3",
        speech_model: str = "tts-1",
        voice: str = "alloy",
        transcription_model: str = "whisper-1",
        moderation_model: str | None = None,
        save_dir: str | Path | None = None,
        root_dir: str | Path | None = None,
        tasks: bool = False,
        midjourney_mode: str | None = None,
        music_model: str | None = None,
        video_model: str = "kling-v1",
        task_wait_timeout: float = TOOL_WAIT_TIMEOUT,
        **connection: Any,
    ) -> None:
        self.image_model = image_model
        self.speech_model = speech_model
        self.voice = voice
        self.transcription_model = transcription_model
        self.moderation_model = moderation_model
        self.save_dir = Path(save_dir) if save_dir is not None else None
        self.root_dir = str(root_dir) if root_dir is not None else None
        self.midjourney_mode = midjourney_mode
        self.music_model = music_model
        self.video_model = video_model
        self.task_wait_timeout = task_wait_timeout
        if tasks:  # per instance: the class list stays the media tools
            self.spec_functions = [*type(self).spec_functions, *TASK_FUNCTIONS]
        self._client, self._async_client = Connection.clients(type(self).__name__, connection)
        self._spoken = 0

    def to_tool_list(
        self,
        spec_functions: list[SPEC_FUNCTION_TYPE] | None = None,
        func_to_metadata_mapping: dict[str, ToolMetadata] | None = None,
    ) -> list[FunctionTool]:
        """LlamaIndex's tools, with each docstring dedented in its description.

        LlamaIndex copies the raw docstring; Python 3.13 strips docstring indentation at compile
        time and older Pythons do not, so the model would read a different prompt per Python.
        """
        tools = super().to_tool_list(spec_functions, func_to_metadata_mapping)
        for tool in tools:
            function = getattr(self, tool.metadata.name or "", None)
            doc = (getattr(function, "__doc__", None) or "").strip()
            if doc and doc in tool.metadata.description:
                tool.metadata.description = tool.metadata.description.replace(
                    doc, inspect.cleandoc(doc)
                )
        return tools

    def __repr__(self) -> str:
        return f"AimhubToolSpec(base_url={self._client.base_url!r})"

    def _speech_path(self, audio: SpeechAudio) -> Path | None:
        if self.save_dir is None:
            return None
        self._spoken += 1
        return audio.write_to(self.save_dir / f"speech-{self._spoken}.mp3")

    def generate_image(self, prompt: str, size: str | None = None) -> AimhubToolResult:
        """Draw an image from a detailed text description; returns where the image is.

        Args:
            prompt: a detailed description of the image.
            size: an image size such as '1024x1024' (optional).
        """
        images = self._client.generate_image(self.image_model, prompt, size=size)
        paths = self._client.save_images(images, self.save_dir) if self.save_dir else []
        return AimhubToolResult(describe_images(images, paths), images)

    async def agenerate_image(self, prompt: str, size: str | None = None) -> AimhubToolResult:
        """Draw an image from a detailed text description; returns where the image is."""
        client = self._async_client
        images = await client.generate_image(self.image_model, prompt, size=size)
        paths = await client.save_images(images, self.save_dir) if self.save_dir else []
        return AimhubToolResult(describe_images(images, paths), images)

    def text_to_speech(self, text: str, voice: str | None = None) -> AimhubToolResult:
        """Read a text aloud as an audio file; returns where the audio is.

        Args:
            text: the text to read aloud.
            voice: a voice name such as 'alloy' (optional).
        """
        audio = self._client.speech(self.speech_model, text, voice or self.voice)
        return AimhubToolResult(describe_speech(text, audio, self._speech_path(audio)), audio)

    async def atext_to_speech(self, text: str, voice: str | None = None) -> AimhubToolResult:
        """Read a text aloud as an audio file; returns where the audio is."""
        audio = await self._async_client.speech(self.speech_model, text, voice or self.voice)
        return AimhubToolResult(describe_speech(text, audio, self._speech_path(audio)), audio)

    def transcribe_audio(self, file_path: str, language: str | None = None) -> str:
        """Transcribe an audio file (mp3, wav, m4a, ...) to text.

        Args:
            file_path: the path of the audio file.
            language: the spoken language as an ISO-639-1 code such as 'en' (optional).
        """
        path = resolve_audio_path(file_path, self.root_dir)
        return self._client.transcribe(self.transcription_model, path, language=language).text

    async def atranscribe_audio(self, file_path: str, language: str | None = None) -> str:
        """Transcribe an audio file (mp3, wav, m4a, ...) to text."""
        path = resolve_audio_path(file_path, self.root_dir)
        result = await self._async_client.transcribe(
            self.transcription_model, path, language=language
        )
        return result.text

    def moderate_text(self, text: str) -> AimhubToolResult:
        """Check whether a text is harmful (hate, violence, self-harm, sexual, ...).

        Args:
            text: the text to check.
        """
        result = self._client.moderate(text, model=self.moderation_model)
        return AimhubToolResult(describe_moderation(result), result)

    async def amoderate_text(self, text: str) -> AimhubToolResult:
        """Check whether a text is harmful (hate, violence, self-harm, sexual, ...)."""
        result = await self._async_client.moderate(text, model=self.moderation_model)
        return AimhubToolResult(describe_moderation(result), result)

    def get_balance(self) -> AimhubToolResult:
        """How many US dollars this gateway key may still spend."""
        balance = self._client.balance()
        return AimhubToolResult(_describe_balance(balance), balance)

    async def aget_balance(self) -> AimhubToolResult:
        """How many US dollars this gateway key may still spend."""
        balance = await self._async_client.balance()
        return AimhubToolResult(_describe_balance(balance), balance)
