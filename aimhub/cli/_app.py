"""The typer application: global options and the `models`, `chat` and `embed` commands."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from aimhub._capabilities import ModelCapabilities
from aimhub._catalog import capabilities_for
from aimhub._embeddings import Embedder
from aimhub._normalize import ChatStreamAccumulator
from aimhub._shaping import shape_chat_request
from aimhub._version import __version__
from aimhub.cli._context import Settings, errors_as_exit, settings, stdout
from aimhub.cli._media_cmd import balance, image, speak
from aimhub.cli._probe import kind_of
from aimhub.cli._probe_cmd import probe
from aimhub.cli._task_cmd import task_app

app = typer.Typer(
    name="aimhub",
    help="Which of your gateway's models work, and for what.",
    no_args_is_help=True,
    add_completion=False,
    # Errors are printed as the typed error's message; --debug re-raises for a traceback.
    pretty_exceptions_enable=False,
)
app.command(no_args_is_help=True)(probe)
app.command()(balance)
app.command(no_args_is_help=True)(image)
app.command(no_args_is_help=True)(speak)
app.add_typer(task_app, name="task")

#: `--capability` names and the catalogue record each one reads.
CAPABILITY_NAMES: dict[str, Any] = {
    "chat": lambda c: c.kind == "chat",
    "tools": lambda c: c.kind == "chat" and c.tool_calling,
    "vision": lambda c: c.vision,
    "reasoning": lambda c: c.reasoning,
    "json": lambda c: c.kind == "chat" and c.json_mode,
    "json_schema": lambda c: c.json_schema,
    "audio": lambda c: c.audio_input,
    "pdf": lambda c: c.pdf_input,
    "video": lambda c: c.video_input,
    "embeddings": lambda c: c.kind == "embedding",
    "rerank": lambda c: c.kind == "rerank",
}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"aimhub {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    ctx: typer.Context,
    base_url: Annotated[
        str | None,
        typer.Option(
            help="Gateway address (default: AIMHUB_BASE_URL, else Aimhub's).", show_default=False
        ),
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option(
            help="Gateway key; prefer AIMHUB_API_KEY (a key on the command line "
            "lands in shell history).",
            show_default=False,
        ),
    ] = None,
    timeout: Annotated[float | None, typer.Option(help="Seconds per request.")] = None,
    max_retries: Annotated[int | None, typer.Option(min=0, help="Retries per request.")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    ctx.obj = Settings(api_key, base_url, timeout, max_retries, debug)


def capability_names(caps: ModelCapabilities) -> list[str]:
    return [name for name, test in CAPABILITY_NAMES.items() if test(caps)]


@app.command()
def models(
    ctx: typer.Context,
    family: Annotated[str | None, typer.Option(help="Only this catalogue family.")] = None,
    capability: Annotated[
        str | None,
        typer.Option(help=f"Only models with this ability: {', '.join(CAPABILITY_NAMES)}."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """The gateway's /v1/models joined with the catalogue."""
    if capability is not None and capability not in CAPABILITY_NAMES:
        msg = f"unknown capability {capability!r}; choose one of: {', '.join(CAPABILITY_NAMES)}"
        raise typer.BadParameter(msg, param_hint="--capability")
    options = settings(ctx)
    with errors_as_exit(options.debug), options.client() as client:
        listing = client.list_models()
    rows: list[dict[str, Any]] = []
    for entry in listing.data:
        caps = capabilities_for(entry.id)
        kind = kind_of(caps, entry.supported_endpoint_types)
        if kind != caps.kind:
            caps = caps.replace(kind=kind)
        if family is not None and caps.family != family.lower():
            continue
        if capability is not None and not CAPABILITY_NAMES[capability](caps):
            continue
        rows.append(
            {
                "id": entry.id,
                "owned_by": entry.owned_by,
                "family": caps.family,
                "kind": caps.kind,
                "context_window": caps.context_window,
                # Vector size of an embedding model (catalogue, or what `probe` measured).
                "dimensions": caps.embedding_dimensions if caps.kind == "embedding" else None,
                "capabilities": capability_names(caps),
                "endpoint_types": list(entry.supported_endpoint_types),
            }
        )
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = Table("model", "family", "kind", "context", "capabilities", "endpoints", "owned by")
    for row in rows:
        dims = f" · {row['dimensions']:,}-d" if row["dimensions"] else ""
        table.add_row(
            row["id"],
            row["family"],
            row["kind"],
            f"{row['context_window']:,}{dims}",
            ", ".join(row["capabilities"]),
            ", ".join(row["endpoint_types"]),
            row["owned_by"] or "",
        )
    out = stdout()
    out.print(table)
    out.print(f"{len(rows)} of {len(listing.data)} models")


def _read_prompt(prompt: str | None) -> str | None:
    if prompt is not None:
        return prompt
    if not sys.stdin.isatty():
        text = sys.stdin.read().strip()
        return text or None
    return None


@app.command()
def chat(
    ctx: typer.Context,
    model: Annotated[str, typer.Argument(help="The gateway's model id.")],
    prompt: Annotated[
        str | None, typer.Argument(help="One-shot prompt; without it, an interactive session.")
    ] = None,
    system: Annotated[str | None, typer.Option(help="A system message.")] = None,
    max_tokens: Annotated[int | None, typer.Option(min=1, help="Answer length cap.")] = None,
) -> None:
    """Chat with a model, streamed; reasoning is shown dimmed."""
    options = settings(ctx)
    messages: list[dict[str, Any]] = [{"role": "system", "content": system}] if system else []
    one_shot = _read_prompt(prompt)
    with errors_as_exit(options.debug), options.client() as client:
        caps = capabilities_for(model)
        if one_shot is not None:
            messages.append({"role": "user", "content": one_shot})
            _stream_answer(client, model, caps, messages, max_tokens)
            return
        out = stdout()
        out.print(Text(f"{model} — empty line or Ctrl-D to quit", style="dim"))
        while True:
            try:
                line = input("> ")
            except (EOFError, KeyboardInterrupt):
                break
            if not line.strip():
                break
            messages.append({"role": "user", "content": line})
            messages.append(_stream_answer(client, model, caps, messages, max_tokens))


def _stream_answer(
    client: Any,
    model: str,
    caps: ModelCapabilities,
    messages: list[dict[str, Any]],
    max_tokens: int | None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"model": model, "messages": messages}
    if max_tokens is not None:
        body["max_tokens"] = max_tokens
    out = stdout()
    acc = ChatStreamAccumulator()
    text = []
    for payload in client.stream_chat_dicts(shape_chat_request(body, caps, stream=True).body):
        delta = acc.add_json(payload)
        if delta.reasoning:
            out.print(Text(delta.reasoning, style="dim"), end="")
        if delta.text:
            text.append(delta.text)
            out.print(Text(delta.text), end="")
    tail = acc.flush()
    if tail.reasoning:
        out.print(Text(tail.reasoning, style="dim"), end="")
    text.append(tail.text)
    out.print(Text(tail.text))
    return {"role": "assistant", "content": "".join(text)}


@app.command()
def embed(
    ctx: typer.Context,
    model: Annotated[str, typer.Argument(help="The gateway's embedding model id.")],
    texts: Annotated[list[str], typer.Argument(help="Texts to embed.")],
    dimensions: Annotated[
        int | None, typer.Option(min=1, help="Shorter vectors, where the model supports it.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the vectors as JSON.")] = False,
) -> None:
    """Embed texts; prints dimensions and the first values (all of them with --json)."""
    options = settings(ctx)
    with errors_as_exit(options.debug), options.client() as client:
        vectors = Embedder.create(model, dimensions=dimensions).embed(client, texts)
    if as_json:
        rows = [
            {"text": t, "dimensions": len(v), "embedding": v}
            for t, v in zip(texts, vectors, strict=True)
        ]
        typer.echo(json.dumps({"model": model, "data": rows}, ensure_ascii=False))
        return
    table = Table("text", "dimensions", "first values")
    for text, vector in zip(texts, vectors, strict=True):
        head = ", ".join(f"{x:.4f}" for x in vector[:4])
        table.add_row(text, str(len(vector)), f"[{head}, …]")
    stdout().print(table)
