"""`aimhub balance`, `aimhub image` and `aimhub speak`: the non-chat routes of the core."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from aimhub.cli._context import errors_as_exit, settings, stdout


def _usd(value: float | None) -> str:
    return "unlimited" if value is None else f"${value:,.2f}"


def balance(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """What the key may still spend, in USD (the gateway's billing routes)."""
    options = settings(ctx)
    with errors_as_exit(options.debug), options.client() as client:
        found = client.balance()
    if as_json:
        data = {
            "total_granted": found.total_granted,
            "used": found.used,
            "remaining": found.remaining,
            "unlimited": found.unlimited,
            "currency": "USD",
        }
        typer.echo(json.dumps(data, indent=2))
        return
    table = Table("granted", "used", "remaining")
    table.add_row(_usd(found.total_granted), _usd(found.used), _usd(found.remaining))
    out = stdout()
    out.print(table)
    # The gateway reports quota units unless it displays them in currency (§13): say so.
    out.print("USD as the gateway reports it (docs/gateway-behaviour.md §13)", style="dim")


def image(
    ctx: typer.Context,
    prompt: Annotated[str, typer.Argument(help="What to draw.")],
    model: Annotated[str, typer.Option(help="The gateway's image model id.")] = "dall-e-3",
    size: Annotated[str | None, typer.Option(help="e.g. 1024x1024.")] = None,
    quality: Annotated[str | None, typer.Option(help="e.g. standard, hd.")] = None,
    style: Annotated[str | None, typer.Option(help="e.g. vivid, natural.")] = None,
    n: Annotated[int | None, typer.Option(min=1, help="How many images.")] = None,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Directory the images are saved to.")
    ] = Path("."),
    prefix: Annotated[str, typer.Option(help="File name prefix.")] = "image",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Generate images and save them (a URL is downloaded, b64_json decoded)."""
    options = settings(ctx)
    with errors_as_exit(options.debug), options.client() as client:
        result = client.generate_image(model, prompt, n=n, size=size, quality=quality, style=style)
        paths = client.save_images(result, out_dir, prefix=prefix)
    rows: list[dict[str, Any]] = [
        {"path": str(path), "url": item.url, "revised_prompt": item.revised_prompt}
        for path, item in zip(paths, result.data, strict=True)
    ]
    if as_json:
        typer.echo(json.dumps({"model": model, "images": rows}, indent=2, ensure_ascii=False))
        return
    table = Table("file", "revised prompt")
    for row in rows:
        table.add_row(row["path"], row["revised_prompt"] or "")
    stdout().print(table)


def speak(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="The text to read aloud.")],
    model: Annotated[str, typer.Option(help="The gateway's speech model id.")] = "tts-1",
    voice: Annotated[str, typer.Option(help="e.g. alloy, onyx, nova.")] = "alloy",
    response_format: Annotated[
        str | None, typer.Option("--format", help="mp3, opus, aac, flac, wav or pcm.")
    ] = None,
    speed: Annotated[float | None, typer.Option(help="0.25 to 4.0.")] = None,
    out: Annotated[Path, typer.Option("--out", help="The audio file to write.")] = Path(
        "speech.mp3"
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a line.")] = False,
) -> None:
    """Read a text aloud into an audio file (streamed to disk, never held in memory)."""
    options = settings(ctx)
    with errors_as_exit(options.debug), options.client() as client:
        stream = client.stream_speech(
            model, text, voice, response_format=response_format, speed=speed
        )
        with stream:
            content_type = stream.content_type
            path = stream.write_to(out)
    size = path.stat().st_size
    if as_json:
        data = {
            "model": model,
            "voice": voice,
            "path": str(path),
            "bytes": size,
            "content_type": content_type,
        }
        typer.echo(json.dumps(data, indent=2))
        return
    stdout().print(f"Wrote {size:,} bytes ({content_type}) to {path}")
