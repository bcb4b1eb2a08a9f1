"""Unknown constructor options: never dropped, moved where each framework sends extra fields.

LangChain's convention (`ChatOpenAI`) is to warn and move an unknown keyword to `model_kwargs`;
LlamaIndex's home for extra request fields is `additional_kwargs`. Both adapters call this from
`__init__`, not from a pydantic validator: an error raised in a validator carries the whole input,
key included.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Collection, Mapping
from typing import Any

from pydantic import AliasChoices, BaseModel

from aimhub._exceptions import ConfigurationError


def accepted_names(cls: type[BaseModel]) -> set[str]:
    """Every field name and alias a pydantic class accepts."""
    names: set[str] = set()
    for name, info in cls.model_fields.items():
        names.add(name)
        if info.alias:
            names.add(info.alias)
        alias = info.validation_alias
        if isinstance(alias, str):
            names.add(alias)
        elif isinstance(alias, AliasChoices):
            names.update(c for c in alias.choices if isinstance(c, str))
    return names


def check_known_options(cls: type[BaseModel], values: Mapping[str, Any], owner: str) -> None:
    """Raise `TypeError` for any name in `values` that `cls` does not accept, naming the closest
    known option; for classes that take the connection as `**options` and have nowhere to move
    an unknown one. The values are never echoed: one of them may be the key."""
    known = accepted_names(cls)
    unknown = sorted(k for k in values if k not in known)
    if not unknown:
        return
    hints = []
    for name in unknown:
        close = difflib.get_close_matches(name, sorted(known), n=1)
        hints.append(f"{name!r} (did you mean {close[0]!r}?)" if close else repr(name))
    msg = (
        f"{owner}() got unknown connection option(s) {', '.join(hints)}; it takes "
        f"{', '.join(sorted(cls.model_fields))}"
    )
    raise TypeError(msg)


def move_unknown_options(
    cls: type[BaseModel], values: dict[str, Any], into: str, also_known: Collection[str] = ()
) -> dict[str, Any]:
    """`values` with every name `cls` does not accept moved into the mapping field `into`, each
    with a warning that names the closest known option; a name given both ways is an error."""
    known = accepted_names(cls) | set(also_known)
    unknown = [k for k in values if k not in known]
    if not unknown:
        return values
    values = dict(values)
    extra = dict(values.get(into) or {})
    for name in unknown:
        if name in extra:
            msg = f"{name!r} was given both as an argument and in {into}; keep one"
            raise ConfigurationError(msg)
        close = difflib.get_close_matches(name, sorted(known), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        warnings.warn(
            f"{name!r} is not a {cls.__name__} parameter{hint}; it was moved to {into} and is "
            "sent as a request field.",
            UserWarning,
            stacklevel=3,  # the caller's line: warn <- this <- __init__ <- caller
        )
        extra[name] = values.pop(name)
    values[into] = extra
    return values
