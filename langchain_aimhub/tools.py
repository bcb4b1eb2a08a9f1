"""Images, speech, transcription and moderation as LangChain tools an agent can call."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from langchain_core.tools import BaseTool, BaseToolkit, ToolException
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

import aimhub
from aimhub import AimhubClient, AsyncAimhubClient, SpeechAudio
from aimhub.adapter import (
    TOOL_WAIT_TIMEOUT,
    HoldsClients,
    describe_images,
    describe_moderation,
    describe_speech,
    resolve_audio_path,
)
from aimhub.types import ImagesResponse, ModerationResponse, Transcription
from langchain_aimhub._clients import Connection, gateway_clients
from langchain_aimhub._errors import as_langchain_errors

__all__ = [
    "AimhubImageTool",
    "AimhubModerationTool",
    "AimhubSpeechTool",
    "AimhubToolkit",
    "AimhubTranscriptionTool",
]


class _AimhubTool(HoldsClients, Connection, BaseTool):
    model_config = ConfigDict(populate_by_name=True, arbitrary_types_allowed=True)

    handle_tool_error: bool | str | None = True
    """Input the model's rules refuse goes back to the agent as the tool's answer, with the fix,
    so that it can call again; gateway errors are raised."""

    _client: AimhubClient = PrivateAttr()
    _async_client: AsyncAimhubClient = PrivateAttr()

    def __init__(self, **data: Any) -> None:
        super().__init__(**data)
        # Not a validator: an error raised in one carries the whole input, key included.
        self._client, self._async_client = gateway_clients(self)


@contextmanager
def _tool_errors() -> Iterator[None]:
    # A refused option is the agent's to fix; a failed call is the application's to handle.
    try:
        with as_langchain_errors():
            yield
    except (aimhub.ConfigurationError, TypeError) as exc:
        raise ToolException(str(exc)) from exc


class ImageInput(BaseModel):
    """Arguments of `AimhubImageTool`."""

    prompt: str = Field(description="A detailed description of the image to draw.")
    size: str | None = Field(default=None, description="Image size such as '1024x1024'.")


class AimhubImageTool(_AimhubTool):
    """Draws images with the gateway's image models (DALL·E, gpt-image-1, CogView, flux).

    The model gets a short text (URLs, saved paths, revised prompts); the `ImagesResponse` is the
    artifact (`ToolMessage.artifact`), so base64 images never go back into the prompt.

    ```python
    tool = AimhubImageTool(model="dall-e-3", save_dir="images")
    message = tool.invoke({"type": "tool_call", "id": "1", "name": tool.name,
                           "args": {"prompt": "a fox"}})
    ```
    """

    name: str = "aimhub_generate_image"
    description: str = (
        "Draw an image from a text description. Input: a detailed prompt. Returns where the "
        "image is (a URL or a file path)."
    )
    args_schema: type[BaseModel] = ImageInput
    response_format: Literal["content", "content_and_artifact"] = "content_and_artifact"

    model_name: str = Field(default="dall-e-3", alias="model")
    """Image model id as the gateway lists it."""
    n: int | None = None
    quality: str | None = None
    style: str | None = None
    image_response_format: str | None = None
    """`url` or `b64_json`: the wire's `response_format` (LangChain's own field has that name)."""
    save_dir: str | None = None
    """When set, every image is written there and the text names the files."""
    model_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Extra request fields."""

    def _options(self, size: str | None) -> dict[str, Any]:
        return {
            **self.model_kwargs,
            "n": self.n,
            "size": size,
            "quality": self.quality,
            "style": self.style,
            "response_format": self.image_response_format,
        }

    def _run(self, prompt: str, size: str | None = None, **_: Any) -> tuple[str, ImagesResponse]:
        with _tool_errors():
            images = self._client.generate_image(self.model_name, prompt, **self._options(size))
            paths = self._client.save_images(images, self.save_dir) if self.save_dir else []
        return describe_images(images, paths), images

    async def _arun(
        self, prompt: str, size: str | None = None, **_: Any
    ) -> tuple[str, ImagesResponse]:
        client = self._async_client
        with _tool_errors():
            images = await client.generate_image(self.model_name, prompt, **self._options(size))
            paths = await client.save_images(images, self.save_dir) if self.save_dir else []
        return describe_images(images, paths), images


class SpeechInput(BaseModel):
    """Arguments of `AimhubSpeechTool`."""

    text: str = Field(description="The text to read aloud.")
    voice: str | None = Field(default=None, description="A voice name such as 'alloy'.")


class AimhubSpeechTool(_AimhubTool):
    """Reads text aloud with the gateway's TTS models (`tts-1`, `tts-1-hd`, ...).

    The model gets a short text; the `SpeechAudio` (bytes and content type) is the artifact.
    With `save_dir`, the audio is also written to a file that the text names.
    """

    name: str = "aimhub_text_to_speech"
    description: str = "Read a text aloud: turns it into an audio file. Input: the text."
    args_schema: type[BaseModel] = SpeechInput
    response_format: Literal["content", "content_and_artifact"] = "content_and_artifact"

    model_name: str = Field(default="tts-1", alias="model")
    """TTS model id."""
    voice: str = "alloy"
    """The default voice, when the agent names none."""
    audio_format: str | None = None
    """`mp3` (the upstream default), `opus`, `aac`, `flac`, `wav` or `pcm`."""
    speed: float | None = None
    save_dir: str | None = None
    """When set, the audio is written there as `speech-<n>.<format>`."""

    _saved: int = PrivateAttr(default=0)

    def _save(self, audio: SpeechAudio) -> Path | None:
        if not self.save_dir:
            return None
        self._saved += 1
        return audio.write_to(
            Path(self.save_dir) / f"speech-{self._saved}.{self.audio_format or 'mp3'}"
        )

    def _run(self, text: str, voice: str | None = None, **_: Any) -> tuple[str, SpeechAudio]:
        with _tool_errors():
            audio = self._client.speech(
                self.model_name, text, voice or self.voice,
                response_format=self.audio_format, speed=self.speed,
            )  # fmt: skip
        return describe_speech(text, audio, self._save(audio)), audio

    async def _arun(self, text: str, voice: str | None = None, **_: Any) -> tuple[str, SpeechAudio]:
        with _tool_errors():
            audio = await self._async_client.speech(
                self.model_name, text, voice or self.voice,
                response_format=self.audio_format, speed=self.speed,
            )  # fmt: skip
        return describe_speech(text, audio, self._save(audio)), audio


class TranscriptionInput(BaseModel):
    """Arguments of `AimhubTranscriptionTool`."""

    file_path: str = Field(description="Path of the audio file to transcribe.")
    language: str | None = Field(default=None, description="ISO-639-1 code such as 'en'.")


class AimhubTranscriptionTool(_AimhubTool):
    """Turns an audio file into text with the gateway's Whisper models.

    An agent chooses the path: set `root_dir` to keep it to one folder (paths outside it, `..`
    included, are refused).
    """

    name: str = "aimhub_transcribe_audio"
    description: str = "Transcribe an audio file (mp3, wav, m4a, ...) to text. Input: its path."
    args_schema: type[BaseModel] = TranscriptionInput

    model_name: str = Field(default="whisper-1", alias="model")
    """Transcription model id."""
    root_dir: str | None = None
    """When set, only files inside this folder may be read."""
    prompt: str | None = None
    """Spelling hints for the model (names, terms)."""

    def _run(self, file_path: str, language: str | None = None, **_: Any) -> str:
        with _tool_errors():
            path = resolve_audio_path(file_path, self.root_dir)
            result = self._client.transcribe(
                self.model_name, path, language=language, prompt=self.prompt
            )
        return result.text

    async def _arun(self, file_path: str, language: str | None = None, **_: Any) -> str:
        with _tool_errors():
            path = resolve_audio_path(file_path, self.root_dir)
            result: Transcription = await self._async_client.transcribe(
                self.model_name, path, language=language, prompt=self.prompt
            )
        return result.text


class ModerationInput(BaseModel):
    """Arguments of `AimhubModerationTool`."""

    text: str = Field(description="The text to check.")


class AimhubModerationTool(_AimhubTool):
    """Checks a text against the moderation categories; the `ModerationResponse` is the
    artifact."""

    name: str = "aimhub_moderate_text"
    description: str = (
        "Check whether a text is harmful (hate, violence, self-harm, sexual, ...). Input: the "
        "text. Returns whether it is flagged and for which categories."
    )
    args_schema: type[BaseModel] = ModerationInput
    response_format: Literal["content", "content_and_artifact"] = "content_and_artifact"

    model_name: str | None = Field(default=None, alias="model")
    """Moderation model id; unset leaves the choice to the gateway."""

    def _run(self, text: str, **_: Any) -> tuple[str, ModerationResponse]:
        with _tool_errors():
            result = self._client.moderate(text, model=self.model_name)
        return describe_moderation(result), result

    async def _arun(self, text: str, **_: Any) -> tuple[str, ModerationResponse]:
        with _tool_errors():
            result = await self._async_client.moderate(text, model=self.model_name)
        return describe_moderation(result), result


class AimhubToolkit(Connection, BaseToolkit):
    """The four tools on one gateway connection.

    ```python
    tools = AimhubToolkit(image_model="dall-e-3", save_dir="out").get_tools()
    agent = create_agent(ChatAimhub(model="gpt-4o-mini"), tools)
    ```
    """

    model_config = ConfigDict(populate_by_name=True, arbitrary_types_allowed=True)

    image_model: str = "dall-e-3"
    speech_model: str = "tts-1"
    voice: str = "alloy"
    transcription_model: str = "whisper-1"
    moderation_model: str | None = None
    save_dir: str | None = None
    """Where the image and speech tools write their files (none: artifacts only)."""
    root_dir: str | None = None
    """The only folder the transcription tool may read from (none: any path)."""
    tasks: bool = False
    """Also the task tools: Midjourney, music (Suno), video and check-task."""
    midjourney_mode: str | None = None
    music_model: str | None = None
    video_model: str = "kling-v1"
    task_wait_timeout: float = TOOL_WAIT_TIMEOUT
    """The longest a task tool waits before answering with the task id to check later."""

    def get_tools(self) -> list[BaseTool]:
        """`AimhubImageTool`, `AimhubSpeechTool`, `AimhubTranscriptionTool`,
        `AimhubModerationTool`; with `tasks=True` also `AimhubMidjourneyTool`,
        `AimhubMusicTool`, `AimhubVideoTool` and `AimhubCheckTaskTool`."""
        connection = {name: getattr(self, name) for name in Connection.model_fields}
        extra: list[BaseTool] = []
        if self.tasks:
            from langchain_aimhub.task_tools import task_tools

            extra = task_tools(
                connection, midjourney_mode=self.midjourney_mode, music_model=self.music_model,
                video_model=self.video_model, wait_timeout=self.task_wait_timeout,
            )  # fmt: skip
        return [
            AimhubImageTool(**connection, model=self.image_model, save_dir=self.save_dir),
            AimhubSpeechTool(
                **connection, model=self.speech_model, voice=self.voice, save_dir=self.save_dir
            ),
            AimhubTranscriptionTool(
                **connection, model=self.transcription_model, root_dir=self.root_dir
            ),
            AimhubModerationTool(**connection, model=self.moderation_model),
            *extra,
        ]
