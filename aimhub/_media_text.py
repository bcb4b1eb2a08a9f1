"""What an agent reads back from the media tools: short text, never the media themselves.

Shared by the LangChain tools and the LlamaIndex tool spec, so both say the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aimhub._audio import SpeechAudio
from aimhub._exceptions import ConfigurationError
from aimhub.types import ImagesResponse, ModerationResponse

__all__ = ["describe_images", "describe_moderation", "describe_speech", "resolve_audio_path"]


def describe_images(images: ImagesResponse, paths: Sequence[Path] = ()) -> str:
    """One line per image: its file or URL, and the prompt the model actually drew."""
    lines = [f"Generated {len(images.data)} image(s)."]
    for i, item in enumerate(images.data):
        where = str(paths[i]) if i < len(paths) else item.url or "inline (base64, in the artifact)"
        line = f"Image {i + 1}: {where}"
        if item.revised_prompt:
            line += f" (revised prompt: {item.revised_prompt})"
        lines.append(line)
    return "\n".join(lines)


def describe_speech(text: str, audio: SpeechAudio, path: Path | None = None) -> str:
    """What was read aloud, and where the audio is."""
    where = f"saved to {path}" if path else "in the artifact"
    return (
        f"Read {len(text)} characters aloud: {len(audio.content)} bytes of "
        f"{audio.content_type}, {where}."
    )


def describe_moderation(result: ModerationResponse) -> str:
    """Flagged or not, per input, with the flagged categories and their scores."""
    lines = []
    for i, verdict in enumerate(result.results):
        prefix = f"Input {i + 1}: " if len(result.results) > 1 else ""
        if not verdict.flagged:
            lines.append(f"{prefix}not flagged.")
            continue
        hits = [
            f"{name} ({verdict.category_scores.get(name) or 0:.2f})"
            for name in verdict.flagged_categories
        ]
        lines.append(f"{prefix}flagged for " + (", ".join(hits) or "unnamed categories") + ".")
    return "\n".join(lines)


def resolve_audio_path(file_path: str, root_dir: str | None) -> Path:
    """The file an agent named; inside `root_dir` when one is set.

    Raises:
        ConfigurationError: the path leaves `root_dir` (`..`, an absolute path, a symlink).
    """
    if root_dir is None:
        return Path(file_path)
    root = Path(root_dir).resolve()
    path = (root / file_path).resolve()
    if not path.is_relative_to(root):
        msg = f"{file_path!r} is outside the folder this tool may read ({root}); name a file in it"
        raise ConfigurationError(msg)
    return path
