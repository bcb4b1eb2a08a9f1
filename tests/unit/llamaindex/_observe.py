"""Watch LlamaIndex instrumentation events during a block (attached to the root dispatcher)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from llama_index.core.instrumentation.event_handlers import BaseEventHandler
from llama_index_instrumentation import get_dispatcher
from llama_index_instrumentation.base import BaseEvent


class Observed(BaseEventHandler):
    """Every event seen, in order."""

    events: list[BaseEvent] = []

    @classmethod
    def class_name(cls) -> str:
        return "Observed"

    def handle(self, event: BaseEvent, **kwargs: Any) -> None:
        self.events.append(event)

    @property
    def names(self) -> list[str]:
        """The events' class names, in order."""
        return [event.class_name() for event in self.events]


@contextmanager
def observed() -> Iterator[Observed]:
    """Collect the events LlamaIndex dispatches inside the block."""
    root = get_dispatcher()
    handler = Observed(events=[])
    root.add_event_handler(handler)
    try:
        yield handler
    finally:
        root.event_handlers.remove(handler)
