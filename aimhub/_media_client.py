"""Images, audio, moderation and balance on both clients: thin shells over the shared `Call`s.

Each method builds its `Call` (all checks happen there, before anything is sent) and sends it
with the client's own `_send`, so retries, errors and logs are those of chat.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

import aimhub._audio as _audio
import aimhub._billing as _billing
import aimhub._images as _images
import aimhub._moderation as _moderation
from aimhub._byte_stream import AsyncByteStream, ByteStream
from aimhub._calls import Call, FileInput, missing_route_hint, unexpected_json
from aimhub._config import ClientConfig, TimeoutLike
from aimhub._response import is_json_response
from aimhub.types import Balance, ImagesResponse, ModerationResponse, Transcription

if TYPE_CHECKING:
    from aimhub._audio import SpeechAudio

__all__ = ["AsyncMediaMethods", "MediaMethods"]

T = TypeVar("T")
Headers = dict[str, str] | None


def _stream_response(call: Call[Any], response: httpx.Response) -> httpx.Response:
    if is_json_response(response):  # read already: a JSON answer here is not audio
        raise unexpected_json(call.route, response)
    return response


def _save_targets(images: ImagesResponse) -> list[tuple[int, bytes | None, str | None]]:
    return [(i, _images.image_bytes(item, i), item.url) for i, item in enumerate(images.data)]


def _write(
    directory: str | Path, prefix: str, i: int, data: bytes, kind: str | None, fmt: str | None
) -> Path:
    path = _images.target_path(directory, prefix, i, _images.extension_for(data, kind, fmt))
    path.write_bytes(data)
    return path


class MediaMethods:
    """The non-chat routes of `AimhubClient`."""

    if TYPE_CHECKING:
        config: ClientConfig

        def _send(self, request: httpx.Request, *, stream: bool) -> httpx.Response: ...

    def _call(self, call: Call[T], extra_headers: Headers, timeout: TimeoutLike) -> T:
        request = call.request(self.config, extra_headers=extra_headers, timeout=timeout)
        with missing_route_hint(call.route):
            return call.parse(self._send(request, stream=False))

    def generate_image(
        self,
        model: str,
        prompt: str,
        *,
        n: int | None = None,
        size: str | None = None,
        quality: str | None = None,
        style: str | None = None,
        response_format: str | None = None,
        extra_headers: Headers = None,
        timeout: TimeoutLike = None,
        **extra: Any,
    ) -> ImagesResponse:
        """`POST /images/generations`; unset options are left to the upstream's defaults.

        Raises:
            ConfigurationError: before sending, when the catalogue's rules for `model` refuse
                an option (e.g. `n=2` or `size="512x512"` for dall-e-3).
        """
        call = _images.generation_call(
            model, prompt, n=n, size=size, quality=quality, style=style,
            response_format=response_format, extra=extra,
        )  # fmt: skip
        return self._call(call, extra_headers, timeout)

    def edit_image(
        self,
        model: str,
        image: FileInput | Sequence[FileInput],
        prompt: str,
        *,
        mask: FileInput | None = None,
        n: int | None = None,
        size: str | None = None,
        quality: str | None = None,
        response_format: str | None = None,
        extra_headers: Headers = None,
        timeout: TimeoutLike = None,
        **extra: Any,
    ) -> ImagesResponse:
        """`POST /images/edits` (multipart); `image` is a path, bytes or a binary file (or a
        list of them, for models that take several)."""
        call = _images.edit_call(
            model, image, prompt, mask=mask, n=n, size=size, quality=quality,
            response_format=response_format, extra=extra,
        )  # fmt: skip
        return self._call(call, extra_headers, timeout)

    def create_image_variation(
        self,
        model: str,
        image: FileInput,
        *,
        n: int | None = None,
        size: str | None = None,
        response_format: str | None = None,
        extra_headers: Headers = None,
        timeout: TimeoutLike = None,
        **extra: Any,
    ) -> ImagesResponse:
        """`POST /images/variations` (multipart); one-api/new-api answer 501 for it, raised as
        `UnsupportedEndpointError` with the alternative."""
        call = _images.variation_call(
            model, image, n=n, size=size, response_format=response_format, extra=extra
        )
        return self._call(call, extra_headers, timeout)

    def save_images(
        self, images: ImagesResponse, directory: str | Path, *, prefix: str = "image"
    ) -> list[Path]:
        """Write every image to `<directory>/<prefix>-<i>.<ext>`: `b64_json` decoded, a `url`
        downloaded through this client's pool (without the gateway key). Returns the paths."""
        paths = []
        for i, data, url in _save_targets(images):
            kind = None
            if data is None:
                assert url is not None
                request = _images.download_request(url, httpx.Timeout(self.config.timeout))
                response = self._send(request, stream=False)
                data, kind = response.content, response.headers.get("content-type")
            paths.append(_write(directory, prefix, i, data, kind, images.output_format))
        return paths

    def speech(
        self,
        model: str,
        input: str,
        voice: str,
        *,
        response_format: str | None = None,
        speed: float | None = None,
        extra_headers: Headers = None,
        timeout: TimeoutLike = None,
        **extra: Any,
    ) -> SpeechAudio:
        """`POST /audio/speech`: the whole audio in memory (see `stream_speech` for large)."""
        call = _audio.speech_call(
            model, input, voice, response_format=response_format, speed=speed, extra=extra
        )
        return self._call(call, extra_headers, timeout)

    def stream_speech(
        self,
        model: str,
        input: str,
        voice: str,
        *,
        response_format: str | None = None,
        speed: float | None = None,
        extra_headers: Headers = None,
        timeout: TimeoutLike = None,
        **extra: Any,
    ) -> ByteStream:
        """`POST /audio/speech`, the audio handed out in chunks as it arrives."""
        call = _audio.speech_call(
            model, input, voice, response_format=response_format, speed=speed, extra=extra
        )
        request = call.request(self.config, extra_headers=extra_headers, timeout=timeout)
        return ByteStream(_stream_response(call, self._send(request, stream=True)))

    def transcribe(
        self,
        model: str,
        file: FileInput,
        *,
        language: str | None = None,
        prompt: str | None = None,
        response_format: str | None = None,
        temperature: float | None = None,
        timestamp_granularities: Sequence[str] | None = None,
        extra_headers: Headers = None,
        timeout: TimeoutLike = None,
        **extra: Any,
    ) -> Transcription:
        """`POST /audio/transcriptions` (multipart): the text, plus segments, words, language
        and duration when `response_format="verbose_json"`."""
        call = _audio.transcription_call(
            model, file, language=language, prompt=prompt, response_format=response_format,
            temperature=temperature, timestamp_granularities=timestamp_granularities, extra=extra,
        )  # fmt: skip
        return self._call(call, extra_headers, timeout)

    def translate_audio(
        self,
        model: str,
        file: FileInput,
        *,
        prompt: str | None = None,
        response_format: str | None = None,
        temperature: float | None = None,
        extra_headers: Headers = None,
        timeout: TimeoutLike = None,
        **extra: Any,
    ) -> Transcription:
        """`POST /audio/translations` (multipart): the speech as English text."""
        call = _audio.transcription_call(
            model, file, translate=True, prompt=prompt, response_format=response_format,
            temperature=temperature, extra=extra,
        )  # fmt: skip
        return self._call(call, extra_headers, timeout)

    def moderate(
        self,
        input: str | Sequence[str],
        *,
        model: str | None = None,
        extra_headers: Headers = None,
        timeout: TimeoutLike = None,
        **extra: Any,
    ) -> ModerationResponse:
        """`POST /moderations`: one result per input, in input order."""
        call = _moderation.moderation_call(input, model=model, extra=extra)
        return self._call(call, extra_headers, timeout)

    def balance(self, *, extra_headers: Headers = None, timeout: TimeoutLike = None) -> Balance:
        """What the key may still spend, in USD (docs/gateway-behaviour.md §13)."""
        subscription = self._call(_billing.subscription_call(), extra_headers, timeout)
        usage = self._call(_billing.usage_call(), extra_headers, timeout)
        return _billing.make_balance(subscription, usage)


class AsyncMediaMethods:
    """The non-chat routes of `AsyncAimhubClient`: the same calls, awaited."""

    if TYPE_CHECKING:
        config: ClientConfig

        async def _send(self, request: httpx.Request, *, stream: bool) -> httpx.Response: ...

    async def _call(self, call: Call[T], extra_headers: Headers, timeout: TimeoutLike) -> T:
        request = call.request(self.config, extra_headers=extra_headers, timeout=timeout)
        with missing_route_hint(call.route):
            return call.parse(await self._send(request, stream=False))

    async def generate_image(
        self,
        model: str,
        prompt: str,
        *,
        n: int | None = None,
        size: str | None = None,
        quality: str | None = None,
        style: str | None = None,
        response_format: str | None = None,
        extra_headers: Headers = None,
        timeout: TimeoutLike = None,
        **extra: Any,
    ) -> ImagesResponse:
        """The async twin of `AimhubClient.generate_image`."""
        call = _images.generation_call(
            model, prompt, n=n, size=size, quality=quality, style=style,
            response_format=response_format, extra=extra,
        )  # fmt: skip
        return await self._call(call, extra_headers, timeout)

    async def edit_image(
        self,
        model: str,
        image: FileInput | Sequence[FileInput],
        prompt: str,
        *,
        mask: FileInput | None = None,
        n: int | None = None,
        size: str | None = None,
        quality: str | None = None,
        response_format: str | None = None,
        extra_headers: Headers = None,
        timeout: TimeoutLike = None,
        **extra: Any,
    ) -> ImagesResponse:
        """The async twin of `AimhubClient.edit_image`."""
        call = _images.edit_call(
            model, image, prompt, mask=mask, n=n, size=size, quality=quality,
            response_format=response_format, extra=extra,
        )  # fmt: skip
        return await self._call(call, extra_headers, timeout)

    async def create_image_variation(
        self,
        model: str,
        image: FileInput,
        *,
        n: int | None = None,
        size: str | None = None,
        response_format: str | None = None,
        extra_headers: Headers = None,
        timeout: TimeoutLike = None,
        **extra: Any,
    ) -> ImagesResponse:
        """The async twin of `AimhubClient.create_image_variation`."""
        call = _images.variation_call(
            model, image, n=n, size=size, response_format=response_format, extra=extra
        )
        return await self._call(call, extra_headers, timeout)

    async def save_images(
        self, images: ImagesResponse, directory: str | Path, *, prefix: str = "image"
    ) -> list[Path]:
        """The async twin of `AimhubClient.save_images`."""
        paths = []
        for i, data, url in _save_targets(images):
            kind = None
            if data is None:
                assert url is not None
                request = _images.download_request(url, httpx.Timeout(self.config.timeout))
                response = await self._send(request, stream=False)
                data, kind = response.content, response.headers.get("content-type")
            paths.append(_write(directory, prefix, i, data, kind, images.output_format))
        return paths

    async def speech(
        self,
        model: str,
        input: str,
        voice: str,
        *,
        response_format: str | None = None,
        speed: float | None = None,
        extra_headers: Headers = None,
        timeout: TimeoutLike = None,
        **extra: Any,
    ) -> SpeechAudio:
        """The async twin of `AimhubClient.speech`."""
        call = _audio.speech_call(
            model, input, voice, response_format=response_format, speed=speed, extra=extra
        )
        return await self._call(call, extra_headers, timeout)

    async def stream_speech(
        self,
        model: str,
        input: str,
        voice: str,
        *,
        response_format: str | None = None,
        speed: float | None = None,
        extra_headers: Headers = None,
        timeout: TimeoutLike = None,
        **extra: Any,
    ) -> AsyncByteStream:
        """The async twin of `AimhubClient.stream_speech`."""
        call = _audio.speech_call(
            model, input, voice, response_format=response_format, speed=speed, extra=extra
        )
        request = call.request(self.config, extra_headers=extra_headers, timeout=timeout)
        return AsyncByteStream(_stream_response(call, await self._send(request, stream=True)))

    async def transcribe(
        self,
        model: str,
        file: FileInput,
        *,
        language: str | None = None,
        prompt: str | None = None,
        response_format: str | None = None,
        temperature: float | None = None,
        timestamp_granularities: Sequence[str] | None = None,
        extra_headers: Headers = None,
        timeout: TimeoutLike = None,
        **extra: Any,
    ) -> Transcription:
        """The async twin of `AimhubClient.transcribe`."""
        call = _audio.transcription_call(
            model, file, language=language, prompt=prompt, response_format=response_format,
            temperature=temperature, timestamp_granularities=timestamp_granularities, extra=extra,
        )  # fmt: skip
        return await self._call(call, extra_headers, timeout)

    async def translate_audio(
        self,
        model: str,
        file: FileInput,
        *,
        prompt: str | None = None,
        response_format: str | None = None,
        temperature: float | None = None,
        extra_headers: Headers = None,
        timeout: TimeoutLike = None,
        **extra: Any,
    ) -> Transcription:
        """The async twin of `AimhubClient.translate_audio`."""
        call = _audio.transcription_call(
            model, file, translate=True, prompt=prompt, response_format=response_format,
            temperature=temperature, extra=extra,
        )  # fmt: skip
        return await self._call(call, extra_headers, timeout)

    async def moderate(
        self,
        input: str | Sequence[str],
        *,
        model: str | None = None,
        extra_headers: Headers = None,
        timeout: TimeoutLike = None,
        **extra: Any,
    ) -> ModerationResponse:
        """The async twin of `AimhubClient.moderate`."""
        call = _moderation.moderation_call(input, model=model, extra=extra)
        return await self._call(call, extra_headers, timeout)

    async def balance(
        self, *, extra_headers: Headers = None, timeout: TimeoutLike = None
    ) -> Balance:
        """The async twin of `AimhubClient.balance`."""
        subscription = await self._call(_billing.subscription_call(), extra_headers, timeout)
        usage = await self._call(_billing.usage_call(), extra_headers, timeout)
        return _billing.make_balance(subscription, usage)
