"""Measured capabilities: what `aimhub probe` found for a key, applied on top of the catalogue.

The catalogue says what a family can do; a probe says what this key's gateway actually serves
(a model whose tool stream is broken, one that rejects images). `load_capabilities()` or the
`AIMHUB_CAPABILITIES` environment variable (a path to `aimhub probe --json` output) feed those
measurements to every `capabilities_for()` lookup, so the adapters use them.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from aimhub._capabilities import ModelCapabilities, normalize_model_id, upgrade_role_rules
from aimhub._constants import CAPABILITIES_ENV
from aimhub._exceptions import ConfigurationError

__all__ = ["load_capabilities", "measured_for", "on_measured_change"]

Measured = Mapping[str, Mapping[str, Any]]

_loaded: dict[str, dict[str, Any]] = {}
_on_change: list[Callable[[], None]] = []
_lock = threading.Lock()


def load_capabilities(source: str | os.PathLike[str] | Mapping[str, Any]) -> None:
    """Apply measured capabilities to every client in this process.

    `source` is a path to `aimhub probe --json` output, or the parsed form: that output, or a
    plain `{model id: {capability field: value}}` mapping. Later loads win over earlier ones;
    per-instance `capabilities=` still win over both.

    ```python
    aimhub.load_capabilities("caps.json")  # the same as AIMHUB_CAPABILITIES=caps.json
    ```
    """
    data = _read(source) if isinstance(source, (str, os.PathLike)) else source
    rows = _rows_from(data, str(source) if isinstance(source, (str, os.PathLike)) else "mapping")
    with _lock:
        _loaded.update(rows)
    for callback in _on_change:
        callback()


def on_measured_change(callback: Callable[[], None]) -> None:
    """Call `callback` after every `load_capabilities()` (the catalogue forgets its lookups)."""
    _on_change.append(callback)


def measured_for(name: str, env_value: str | None) -> dict[str, Any]:
    """The measured fields for a normalised id: the env file's, then `load_capabilities`'s."""
    fields: dict[str, Any] = {}
    if env_value:
        fields.update(_env_rows(env_value).get(name, {}))
    fields.update(_loaded.get(name, {}))
    return fields


def reset() -> None:
    """Forget what `load_capabilities` loaded (tests)."""
    with _lock:
        _loaded.clear()
    _env_rows.cache_clear()


@lru_cache(maxsize=8)
def _env_rows(path: str) -> dict[str, dict[str, Any]]:
    return _rows_from(_read(path, env=True), path)


def _read(path: str | os.PathLike[str], *, env: bool = False) -> Any:
    where = f"{CAPABILITIES_ENV}={path}" if env else str(path)
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        msg = f"cannot read measured capabilities ({where}): {exc.strerror or exc}"
        raise ConfigurationError(msg) from exc
    except ValueError as exc:
        msg = f"measured capabilities ({where}) are not JSON: {exc}; write them with aimhub probe"
        raise ConfigurationError(msg) from exc


def _rows_from(data: Any, where: str) -> dict[str, dict[str, Any]]:

    if isinstance(data, Mapping) and isinstance(data.get("models"), Mapping):
        # `aimhub probe --json` output: each model's measured fields are under "capabilities".
        data = {m: (r or {}).get("capabilities", {}) for m, r in data["models"].items()}
    if not isinstance(data, Mapping):
        msg = f"measured capabilities ({where}) must map model ids to capability fields"
        raise ConfigurationError(msg)
    rows: dict[str, dict[str, Any]] = {}
    for model, fields in data.items():
        if not isinstance(fields, Mapping):
            msg = f"measured capabilities ({where}): {model!r} must map to an object of fields"
            raise ConfigurationError(msg)
        upgraded = upgrade_role_rules(fields)  # once per load, not on every lookup
        ModelCapabilities().replace(**upgraded)  # unknown field names fail here, naming them
        rows[normalize_model_id(str(model))] = upgraded
    return rows
