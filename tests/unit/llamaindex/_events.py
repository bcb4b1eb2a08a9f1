"""Collect LlamaIndex instrumentation events for assertions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from llama_index.core.instrumentation.event_handlers import BaseEventHandler
from llama_index_instrumentation import get_dispatcher
from llama_index_instrumentation.base import BaseEvent


class EventCollector(BaseEventHandler):
    """Keeps every event the root dispatcher sees."""

    events: list[BaseEvent] = []

    @classmethod
    def class_name(cls) -> str:
        return "EventCollector"

    def handle(self, event: BaseEvent, **kwargs: Any) -> None:
        self.events.append(event)

    def names(self, *wanted: str) -> list[str]:
        """The class names of the collected events, only those in `wanted` if given."""
        names = [event.class_name() for event in self.events]
        return [n for n in names if not wanted or n in wanted]


@contextmanager
def collect_events() -> Iterator[EventCollector]:
    """Attach a collector to the root dispatcher for the duration of the block."""
    root = get_dispatcher()
    collector = EventCollector(events=[])
    root.add_event_handler(collector)
    try:
        yield collector
    finally:
        root.event_handlers.remove(collector)
