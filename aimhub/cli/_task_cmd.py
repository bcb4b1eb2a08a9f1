"""`aimhub task`: submit a Midjourney, Suno or video task, wait for it with progress, fetch it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.table import Table

from aimhub.cli._context import EXIT_FAILED, errors_as_exit, settings, stdout
from aimhub.types import Task

task_app = typer.Typer(
    help="Long-running tasks: submit (Midjourney, Suno, video), wait with progress, fetch.",
    no_args_is_help=True,
)

Wait = Annotated[
    bool, typer.Option("--wait/--no-wait", help="Wait until done (default), or print the id.")
]
Timeout = Annotated[float, typer.Option(help="Seconds to wait in all; the task goes on after.")]
Poll = Annotated[float | None, typer.Option(help="First wait between polls (default 5 s).")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Kind = Annotated[str | None, typer.Option(help="midjourney, suno or video (default: guessed).")]


def _show(task: Task, as_json: bool) -> None:
    if as_json:
        data = task.model_dump(mode="json", exclude={"raw"})
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    table = Table("task", "kind", "status", "progress", "results")
    progress = "" if task.progress is None else f"{task.progress:g}%"
    table.add_row(task.id, task.kind.value, task.status.value, progress, "\n".join(task.urls))
    out = stdout()
    out.print(table)
    if task.buttons:
        out.print("buttons: " + ", ".join(b.label or b.custom_id for b in task.buttons))
    if task.fail_reason:
        out.print(f"failed: {task.fail_reason}", style="red")


def _run(
    ctx: typer.Context,
    submit: Callable[[Any], Task],
    *,
    wait: bool,
    timeout: float,
    poll_interval: float | None,
    as_json: bool,
) -> None:
    options = settings(ctx)
    out = stdout()
    with errors_as_exit(options.debug), options.client() as client:
        task = submit(client)
        if wait:
            if not as_json:
                out.print(f"submitted {task.kind.value} task {task.id}; waiting…", style="dim")
            task = client.wait_task(
                task,
                timeout=timeout,
                poll_interval=poll_interval,
                raise_on_failure=False,
                on_progress=None if as_json else _progress_line,
            )
    _show(task, as_json)
    if task.status.value == "failed":
        raise typer.Exit(EXIT_FAILED)


def _progress_line(task: Task) -> None:
    progress = "" if task.progress is None else f" {task.progress:g}%"
    stdout().print(f"  {task.status.value}{progress}", style="dim")


@task_app.command(no_args_is_help=True)
def imagine(
    ctx: typer.Context,
    prompt: Annotated[str, typer.Argument(help="The Midjourney prompt (flags such as --ar too).")],
    mode: Annotated[str | None, typer.Option(help="fast, relax or turbo.")] = None,
    wait: Wait = True,
    timeout: Timeout = 900,
    poll_interval: Poll = None,
    as_json: AsJson = False,
) -> None:
    """Midjourney imagine: a grid of four images, with U1-U4 / V1-V4 buttons."""
    _run(
        ctx,
        lambda client: client.midjourney_imagine(prompt, mode=mode),
        wait=wait, timeout=timeout, poll_interval=poll_interval, as_json=as_json,
    )  # fmt: skip


@task_app.command(no_args_is_help=True)
def action(
    ctx: typer.Context,
    task_id: Annotated[str, typer.Argument(help="The finished Midjourney task.")],
    button: Annotated[str, typer.Argument(help="A button's label (U2, V1...) or custom id.")],
    wait: Wait = True,
    timeout: Timeout = 900,
    poll_interval: Poll = None,
    as_json: AsJson = False,
) -> None:
    """Press a button of a finished Midjourney task (upscale, vary...)."""

    def submit(client: Any) -> Task:
        parent = client.fetch_task(task_id, kind="midjourney")
        custom_id = next(
            (b.custom_id for b in parent.buttons if button in (b.label, b.custom_id)), None
        )
        if custom_id is None:
            from aimhub import ConfigurationError

            labels = ", ".join(b.label or b.custom_id for b in parent.buttons) or "none"
            msg = f"task {task_id} has no button {button!r}; its buttons: {labels}"
            raise ConfigurationError(msg)
        return client.midjourney_action(parent, custom_id)  # type: ignore[no-any-return]

    _run(ctx, submit, wait=wait, timeout=timeout, poll_interval=poll_interval, as_json=as_json)


@task_app.command(no_args_is_help=True)
def music(
    ctx: typer.Context,
    description: Annotated[str, typer.Argument(help="What the song is about (Suno writes it).")],
    instrumental: Annotated[bool, typer.Option(help="No vocals.")] = False,
    wait: Wait = True,
    timeout: Timeout = 900,
    poll_interval: Poll = None,
    as_json: AsJson = False,
) -> None:
    """Suno: a song from a description (two clips)."""
    _run(
        ctx,
        lambda client: client.suno_music(
            gpt_description_prompt=description, make_instrumental=instrumental or None
        ),
        wait=wait, timeout=timeout, poll_interval=poll_interval, as_json=as_json,
    )  # fmt: skip


@task_app.command(no_args_is_help=True)
def video(
    ctx: typer.Context,
    model: Annotated[str, typer.Argument(help="The video model id (kling-v1, sora-2...).")],
    prompt: Annotated[str, typer.Argument(help="What the video shows.")],
    duration: Annotated[float | None, typer.Option(help="Seconds.")] = None,
    size: Annotated[str | None, typer.Option(help="e.g. 1280x720.")] = None,
    wait: Wait = True,
    timeout: Timeout = 1800,
    poll_interval: Poll = None,
    as_json: AsJson = False,
) -> None:
    """A video task, on the model's route family."""
    _run(
        ctx,
        lambda client: client.generate_video(model, prompt, duration=duration, size=size),
        wait=wait, timeout=timeout, poll_interval=poll_interval, as_json=as_json,
    )  # fmt: skip


@task_app.command(no_args_is_help=True)
def fetch(
    ctx: typer.Context,
    task_id: Annotated[str, typer.Argument(help="The task id a submit printed.")],
    kind: Kind = None,
    model: Annotated[str | None, typer.Option(help="Video tasks: the model.")] = None,
    wait: Annotated[bool, typer.Option("--wait/--no-wait", help="Wait until done.")] = False,
    timeout: Timeout = 900,
    poll_interval: Poll = None,
    as_json: AsJson = False,
) -> None:
    """A task as the gateway has it now (or, with --wait, once it is done); never resubmits."""

    def submit(client: Any) -> Task:
        return client.fetch_task(task_id, kind=kind, model=model)  # type: ignore[no-any-return]

    _run(ctx, submit, wait=wait, timeout=timeout, poll_interval=poll_interval, as_json=as_json)
