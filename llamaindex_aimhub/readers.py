"""`AimhubAudioReader`: audio files to `Document`s through the gateway's transcription models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from llama_index.core.readers.base import BaseReader
from llama_index.core.schema import Document

from aimhub import AimhubClient, AsyncAimhubClient
from aimhub.adapter import HoldsClients
from aimhub.types import Transcription
from llamaindex_aimhub._clients import Connection

__all__ = ["AimhubAudioReader"]


class AimhubAudioReader(HoldsClients, BaseReader):
    """Transcribes each audio file into one `Document` (for `SimpleDirectoryReader` or alone).

    ```python
    reader = AimhubAudioReader(model="whisper-1", response_format="verbose_json")
    docs = reader.load_data("talk.mp3")
    # or: SimpleDirectoryReader("talks", file_extractor={".mp3": reader}).load_data()
    ```

    Args:
        model: the transcription model id.
        language: the spoken language (ISO-639-1), when known.
        prompt: spelling hints (names, terms).
        response_format: `verbose_json` adds language and duration to the metadata.
        **connection: the gateway connection, the same names as `Aimhub` takes (`api_key`,
            `api_base`/`base_url`, `timeout`, `max_retries`, `default_headers`,
            `default_query`, the call bounds, `http_client`, `async_http_client`); an unknown
            name is a `TypeError`.
    """

    _client: AimhubClient
    _async_client: AsyncAimhubClient

    def __init__(
        self,
        *,
        model: str = "whisper-1",
        language: str | None = None,
        prompt: str | None = None,
        response_format: str | None = None,
        **connection: Any,
    ) -> None:
        self.model = model
        self.language = language
        self.prompt = prompt
        self.response_format = response_format
        self._client, self._async_client = Connection.clients(type(self).__name__, connection)

    def _options(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "prompt": self.prompt,
            "response_format": self.response_format,
        }

    def _document(
        self, file: Path, result: Transcription, extra_info: dict[str, Any] | None
    ) -> list[Document]:
        metadata: dict[str, Any] = {**(extra_info or {}), "file_path": str(file)}
        metadata["model"] = self.model
        if result.language is not None:
            metadata["language"] = result.language
        if result.duration is not None:
            metadata["duration"] = result.duration
        return [Document(text=result.text, metadata=metadata)]

    def load_data(
        self, file: str | Path, extra_info: dict[str, Any] | None = None, **_: Any
    ) -> list[Document]:
        """One `Document` with the file's text (`SimpleDirectoryReader` passes `extra_info`)."""
        path = Path(file)
        result = self._client.transcribe(self.model, path, **self._options())
        return self._document(path, result, extra_info)

    async def aload_data(
        self, file: str | Path, extra_info: dict[str, Any] | None = None, **_: Any
    ) -> list[Document]:
        """The async twin of `load_data`."""
        path = Path(file)
        result = await self._async_client.transcribe(self.model, path, **self._options())
        return self._document(path, result, extra_info)
