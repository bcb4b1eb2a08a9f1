"""The version matrix: the suite and mypy on the locked, the newest and the lowest dependencies.

Run through make (`make test-matrix`, `make test-latest`, `make test-lowest`): nox creates each
environment with uv. `make test` is the locked run on the default Python; these sessions prove
that the ranges declared in pyproject.toml are true at both ends and on every Python we list.
"""

from __future__ import annotations

import glob
import os
import re
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
NEWEST, OLDEST = PYTHONS[-1], PYTHONS[0]
#: The runtime dependencies whose lowest allowed versions `lowest` installs.
LOWEST_OF = [
    "httpx",
    "pydantic",
    "aiohttp",
    "jiter",
    "langchain-core",
    "llama-index-core",
    "typer",
    "rich",
]
PACKAGES = ["aimhub", "langchain_aimhub", "llamaindex_aimhub"]

nox.options.default_venv_backend = "uv"
nox.options.error_on_missing_interpreters = True
nox.options.sessions = ["locked"]


def _pyenv_pythons_on_path() -> None:
    # pyenv's shims answer `python3.12` only for the versions pyenv has selected; the machines
    # keep every 3.10-3.13 under ~/.pyenv/versions, so put their bin folders on PATH.
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    found = []
    for version in PYTHONS:
        bins = sorted(glob.glob(os.path.join(root, "versions", f"{version}.*", "bin")))
        found.extend(bins[-1:])
    os.environ["PATH"] = os.pathsep.join([*found, os.environ.get("PATH", "")])


_pyenv_pythons_on_path()


def _suite(session: nox.Session) -> None:
    session.run("python", "-m", "pytest", "-q", "-p", "no:randomly", *session.posargs)
    session.run("mypy", *PACKAGES)


@nox.session(python=PYTHONS)
def locked(session: nox.Session) -> None:
    """The suite on the locked versions (uv.lock), on each Python.

    Without the `ray` extra: Ray Data is heavy and its tests run once, in `make test`.
    """
    session.run_install(
        "uv",
        "sync",
        "--locked",
        "--all-extras",
        "--no-extra",
        "ray",
        "--group",
        "dev",
        env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location},
    )
    _suite(session)


@nox.session(python=NEWEST)
def latest(session: nox.Session) -> None:
    """A fresh resolution, ignoring the lock: the newest versions pyproject.toml allows."""
    session.install(
        "--refresh", "--resolution", "highest", "-e", ".[all]", "--group", "test", "--group", "lint"
    )
    session.run("uv", "pip", "list", silent=False)
    _suite(session)


@nox.session(python=OLDEST)
def lowest(session: nox.Session) -> None:
    """The lowest versions pyproject.toml allows of the runtime dependencies, on the oldest Python.

    Only those are held at their floor; the test tools resolve as usual (their own lowest
    versions would test pytest, not us).
    """
    constraints = Path(session.create_tmp()) / "lowest.txt"
    constraints.write_text("\n".join(_lower_bounds()) + "\n")
    session.install(
        "-e", ".[all]", "--group", "test", "--group", "lint", "--constraint", str(constraints)
    )
    session.run("uv", "pip", "list", silent=False)
    _suite(session)


def _lower_bounds() -> list[str]:
    """`name==X` for each of LOWEST_OF, X being the `>=X` bound pyproject.toml declares."""
    project = nox.project.load_toml(ROOT / "pyproject.toml")["project"]
    declared = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        declared.extend(extra)
    pins = {}
    for requirement in declared:
        match = re.match(r"([A-Za-z0-9_.-]+)\s*>=\s*([0-9][^,;\s]*)", requirement)
        if match and match[1] in LOWEST_OF:
            pins[match[1]] = f"{match[1]}=={match[2]}"
    missing = sorted(set(LOWEST_OF) - set(pins))
    if missing:
        raise RuntimeError(f"pyproject.toml declares no lower bound for {missing}")
    return [pins[name] for name in LOWEST_OF]
