"""What every command shares: global options, the client factory, consoles and error exits."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx
import typer
from rich.console import Console
from rich.text import Text

from aimhub._client import AimhubClient
from aimhub._exceptions import AimhubError, APIError, ConfigurationError

#: Tests replace this with an `httpx.MockTransport`; real runs use the client's own transport.
transport: httpx.BaseTransport | None = None

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
#: What a shell reports for a command stopped by Ctrl-C (128 + SIGINT).
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class Settings:
    """The global options, given before the command (`aimhub --base-url URL probe ...`)."""

    api_key: str | None = field(default=None, repr=False)  # never in a repr or a log
    base_url: str | None = None
    timeout: float | None = None
    max_retries: int | None = None
    debug: bool = False

    def client(self) -> AimhubClient:
        """A client for these settings (missing key or bad URL: `ConfigurationError`)."""
        http = None
        if transport is not None:
            http = httpx.Client(transport=transport, follow_redirects=True)
        return AimhubClient(
            api_key=self.api_key,
            base_url=self.base_url,
            timeout=self.timeout,
            max_retries=self.max_retries,
            http_client=http,
        )


def settings(ctx: typer.Context) -> Settings:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Settings) else Settings()


def stdout() -> Console:
    # Off a terminal (pipes, CI, tests) rich would assume 80 columns and cut table cells.
    return Console(width=None if sys.stdout.isatty() else 200, highlight=False)


def stderr() -> Console:
    return Console(stderr=True, width=None if sys.stderr.isatty() else 200, highlight=False)


@contextmanager
def errors_as_exit(debug: bool) -> Iterator[None]:
    """Print a typed error's message (its traceback only with --debug) and exit 1 or 2."""
    try:
        yield
    except AimhubError as exc:
        if debug:
            raise
        code = EXIT_USAGE if isinstance(exc, ConfigurationError) else EXIT_FAILED
        label = type(exc).__name__
        # Text, not markup: gateway messages contain brackets rich would read as styles.
        stderr().print(Text.assemble(("error", "bold red"), f" ({label}): {exc}"))
        raise typer.Exit(code) from None


def describe(exc: BaseException) -> tuple[str, str]:
    """A short reason and the full message of a failure, for tables and JSON."""
    if isinstance(exc, APIError):
        return exc.label, str(exc)
    return type(exc).__name__, str(exc)
