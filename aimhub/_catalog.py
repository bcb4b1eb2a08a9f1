"""The model catalogue: what each model family can do and which rules its upstream enforces.

This is the only home of model-specific knowledge. Every other module asks `capabilities_for()`
and reads fields; none branches on a model name. The record types are in
`aimhub/_capabilities.py`, the rows in `aimhub/_catalog_data.py`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from aimhub._capabilities import CatalogRow, ModelCapabilities, normalize_model_id
from aimhub._catalog_data import BUILTIN_ROWS, SUFFIX_TRAITS, UNKNOWN
from aimhub._constants import CAPABILITIES_ENV
from aimhub._measured import measured_for, on_measured_change

__all__ = [
    "CatalogRow",
    "ModelCapabilities",
    "capabilities_for",
    "normalize_model_id",
    "register_model",
]

_user_rows: list[CatalogRow] = []
_lock = threading.Lock()


def register_model(
    prefixes: str | Iterable[str], capabilities: ModelCapabilities | None = None, /, **fields: Any
) -> None:
    """Add or override catalogue rows for every client in this process.

    ```python
    register_model("my-finetune", family="openai", context_window=16_384, vision=True)
    ```

    User rows win over built-in rows with an equally long prefix.
    """
    keys = (prefixes,) if isinstance(prefixes, str) else tuple(prefixes)
    base = capabilities or ModelCapabilities()
    row = CatalogRow(tuple(normalize_model_id(p) for p in keys), base.replace(**fields))
    with _lock:
        _user_rows.append(row)
    clear_caches()


def clear_caches() -> None:
    """Forget memoised lookups after the rows changed."""
    _lookup.cache_clear()
    _with_overrides.cache_clear()


# `load_capabilities()` changes what lookups return: forget the memoised ones then.
on_measured_change(clear_caches)


def capabilities_for(
    model: str, overrides: ModelCapabilities | Mapping[str, Any] | None = None
) -> ModelCapabilities:
    """The capabilities of `model`: the longest matching prefix wins, then suffix traits, then
    measured capabilities (`load_capabilities`, `AIMHUB_CAPABILITIES`), then per-instance
    `overrides` (a record, or a mapping of fields to change)."""
    # Read on every call (a dict lookup) so that setting the variable later still takes effect.
    found = _lookup(normalize_model_id(model), os.environ.get(CAPABILITIES_ENV) or None)
    if not overrides:
        return found
    if isinstance(overrides, ModelCapabilities):
        return overrides
    try:
        key = tuple(sorted(overrides.items()))
        hash(key)
    except TypeError:  # e.g. a list value: correct, just not cached
        return found.replace(**overrides)
    # Adapters resolve their record on every call; applying the same overrides is memoised.
    return _with_overrides(found, key)


@lru_cache(maxsize=1024)
def _with_overrides(
    found: ModelCapabilities, key: tuple[tuple[str, Any], ...]
) -> ModelCapabilities:
    return found.replace(**dict(key))


@lru_cache(maxsize=1024)
def _lookup(name: str, measured_env: str | None = None) -> ModelCapabilities:
    best: tuple[int, int, ModelCapabilities] | None = None
    rows = [*(((0, r)) for r in BUILTIN_ROWS), *((1, r) for r in _user_rows)]
    for priority, row in rows:
        for prefix in row.prefixes:
            if name.startswith(prefix):
                rank = (len(prefix), priority)
                if best is None or rank >= best[:2]:
                    best = (rank[0], rank[1], row.capabilities)
    found = best[2] if best else UNKNOWN
    for suffix, traits in SUFFIX_TRAITS:
        if name.endswith(suffix) or f"{suffix}-" in name:
            found = found.replace(**traits)
    measured = measured_for(name, measured_env)
    return found.replace(**measured) if measured else found
