"""`AimhubAudioParser`: audio blobs to `Document`s through the gateway's transcription models."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.document_loaders import BaseBlobParser, Blob
from langchain_core.documents import Document

from aimhub import AimhubClient
from langchain_aimhub._clients import Connection
from langchain_aimhub._errors import as_langchain_errors

__all__ = ["AimhubAudioParser"]


class AimhubAudioParser(BaseBlobParser):
    """Transcribes each audio blob into one `Document` (for loaders and RAG).

    In the spirit of the community `OpenAIWhisperParser`, on this package's core: the gateway
    connection, retries and errors of `ChatAimhub`; a file over the model's limit (25 MB for
    whisper-1) is refused with the fix instead of being cut silently.

    ```python
    from langchain_core.document_loaders.blob_loaders import FileSystemBlobLoader
    from langchain_core.document_loaders.base import BaseLoader  # or GenericLoader

    parser = AimhubAudioParser(model="whisper-1", response_format="verbose_json")
    docs = [doc for blob in FileSystemBlobLoader("talks", glob="*.mp3").yield_blobs()
            for doc in parser.lazy_parse(blob)]
    ```

    Args:
        model: the transcription model id.
        language: the spoken language (ISO-639-1), when known.
        prompt: spelling hints (names, terms).
        response_format: `verbose_json` adds language and duration to the metadata; `srt`/`vtt`
            keep the subtitles as the page content.
        translate: English text whatever the spoken language (`/audio/translations`).
        client: an `AimhubClient` to share; otherwise one is made from `**connection`, the
            connection fields of `ChatAimhub` (`api_key`, `base_url`, `timeout`,
            `max_retries`, `default_query`, `total_timeout`, `http_client`, ...); an unknown
            name is a `TypeError`.
    """

    def __init__(
        self,
        *,
        model: str = "whisper-1",
        language: str | None = None,
        prompt: str | None = None,
        response_format: str | None = None,
        translate: bool = False,
        client: AimhubClient | None = None,
        **connection: Any,
    ) -> None:
        self.model = model
        self.language = language
        self.prompt = prompt
        self.response_format = response_format
        self.translate = translate
        self.client = client or Connection.clients(type(self).__name__, connection)[0]

    def lazy_parse(self, blob: Blob) -> Iterator[Document]:
        """One `Document` per blob: the text, with `source`, and language/duration if sent."""
        audio = io.BytesIO(blob.as_bytes())
        # The upstream detects the audio format from the file name's extension.
        audio.name = Path(str(blob.source or blob.path or "audio.mp3")).name
        options: dict[str, Any] = {"prompt": self.prompt, "response_format": self.response_format}
        with as_langchain_errors():
            if self.translate:
                result = self.client.translate_audio(self.model, audio, **options)
            else:
                result = self.client.transcribe(
                    self.model, audio, language=self.language, **options
                )
        metadata: dict[str, Any] = {"source": blob.source, "model": self.model}
        if result.language is not None:
            metadata["language"] = result.language
        if result.duration is not None:
            metadata["duration"] = result.duration
        yield Document(page_content=result.text, metadata=metadata)
