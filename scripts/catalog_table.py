"""Write the family × capability table into README.md from the model catalogue.

Run `python scripts/catalog_table.py` after changing `aimhub/_catalog_data.py`; a test fails
while the README is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

from aimhub._capabilities import ModelCapabilities
from aimhub._catalog_data import BUILTIN_ROWS

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- catalog:start -->", "<!-- catalog:end -->"


def _mark(flag: bool) -> str:
    return "✓" if flag else "–"


def _row(prefixes: tuple[str, ...], caps: ModelCapabilities) -> str:
    context = (
        f"{caps.context_window // 1000}k"
        if caps.context_window >= 1000
        else str(caps.context_window)
    )
    if caps.kind == "embedding":
        detail = f"batch ≤ {caps.embedding_batch_size}, dim {caps.embedding_dimensions or '?'}"
        cells = [caps.family, caps.kind, context, "–", "–", "–", "–", detail]
    else:
        media = (
            "".join(
                label
                for flag, label in (
                    (caps.vision, "img "),
                    (caps.audio_input, "audio "),
                    (caps.pdf_input, "pdf"),
                )
                if flag
            ).strip()
            or "–"
        )
        reasoning = f"✓ (echo: {caps.reasoning_echo})" if caps.reasoning else "–"
        cells = [
            caps.family,
            caps.kind,
            context,
            _mark(caps.tool_calling),
            media,
            caps.structured_output,
            reasoning,
            f"`{caps.token_param}`",
        ]
    models = ", ".join(f"`{p}*`" for p in prefixes)
    return "| " + " | ".join([models, *cells]) + " |"


#: Image, audio, moderation and task rows have none of the table's columns: docs/media.md and
#: docs/tasks.md list them.
_MEDIA_KINDS = frozenset({"image", "audio", "moderation", "task"})


def render() -> str:
    """The Markdown table, one row per chat, completion, embedding and rerank row."""
    header = (
        "| model ids | family | kind | context | tools | media in | structured output "
        "| reasoning | token limit / embedding |\n"
        "|---|---|---|---|---|---|---|---|---|"
    )
    rows = [r for r in BUILTIN_ROWS if r.capabilities.kind not in _MEDIA_KINDS]
    return "\n".join([header, *(_row(r.prefixes, r.capabilities) for r in rows)])


def updated_readme(text: str) -> str:
    """README text with the table between the markers replaced."""
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{render()}\n{END}{tail}"


if __name__ == "__main__":
    current = README.read_text(encoding="utf-8")
    if START not in current:
        sys.exit(f"{README} has no {START} marker")
    README.write_text(updated_readme(current), encoding="utf-8")
    print(f"updated the catalogue table in {README}")
