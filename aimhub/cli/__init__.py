"""The `aimhub` command line: `models`, `probe`, `chat`, `embed`, `balance`, `image`, `speak`,
`task` (needs the `cli` extra).

Importing this package costs nothing: typer and rich load only when `main()` runs, so a missing
extra is a one-line message naming the install that fixes it, not an ImportError.
"""

from __future__ import annotations

import sys

__all__ = ["INSTALL_HINT", "main"]

INSTALL_HINT = (
    'The aimhub command line needs the "cli" extra (typer and rich): pip install "aimhub-llm[cli]"'
)


def main(argv: list[str] | None = None) -> None:
    """Run the command line; exits 0 (all passed), 1 (something failed) or 2 (usage/config)."""
    try:
        from aimhub.cli._app import app
    except ImportError as exc:
        if exc.name not in ("typer", "rich", "click"):
            raise
        print(f"{INSTALL_HINT} ({exc.name} is not installed)", file=sys.stderr)
        raise SystemExit(2) from None
    app(args=argv, prog_name="aimhub")
