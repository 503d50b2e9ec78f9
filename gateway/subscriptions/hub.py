"""The gateway's one view of the bus: every event it hears, fanned out to the subscribers allowed to see it.

The gateway listens to the bus once per process (`Bus.listen`, live only) and hands each event to the hub. The
hub gives it to every subscriber whose filter matches and whose caller may see the project (R-SEC-2: the same
`can_see_project` rule the subgraphs apply, read from the event's `audience`; an event without one reaches only
the workflow bureaus). Each subscriber has a bounded queue: one that cannot keep up is dropped (its queue emptied,
its transport told to close), never allowed to hold an unbounded backlog in the gateway's memory.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from gateway.subscriptions.results import SharedResults
from shared.auth import Identity
from shared.bus import topic_matches
from shared.events import Envelope
from shared.visibility import can_see_event

log = logging.getLogger(__name__)


class SubscriberDropped(Exception):
    """The subscriber fell `size` events behind and was dropped: its transport closes the connection."""

    def __init__(self, size: int):
        self.size = size
        super().__init__(f"too slow: {size} events were waiting; reconnect to subscribe again")


def project_of(envelope: Envelope) -> str | None:
    if envelope.audience is not None:
        return envelope.audience.project_id
    return envelope.subject or _text(envelope.data.get("project_id"))


def jurisdiction_of(envelope: Envelope) -> str | None:
    if envelope.audience is not None and envelope.audience.jurisdiction is not None:
        return envelope.audience.jurisdiction
    return _text(envelope.data.get("jurisdiction"))


def unit_path_of(envelope: Envelope) -> list[str]:
    if envelope.audience is not None:
        return list(envelope.audience.unit_path)
    path = envelope.data.get("unit_path")
    return [str(unit) for unit in path] if isinstance(path, list) else []


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class EventFilter:
    """What a subscriber asked for (the `ProjectEventFilter` input); an unset part matches everything."""
    types: tuple[str, ...] | None = None  # event types, or AMQP topic patterns such as `finance.#`
    jurisdiction: str | None = None
    project_id: str | None = None
    unit_id: str | None = None            # the project's unit or one of its parent units

    @classmethod
    def of(cls, given: dict | None) -> EventFilter:
        given = given or {}
        types = given.get("types")
        return cls(tuple(types) if types is not None else None, given.get("jurisdiction"), given.get("projectId"),
                   given.get("unitId"))

    def matches(self, envelope: Envelope) -> bool:
        if self.types is not None and not any(topic_matches(t, envelope.type) for t in self.types):
            return False
        if self.jurisdiction is not None and jurisdiction_of(envelope) != self.jurisdiction:
            return False
        if self.project_id is not None and project_of(envelope) != self.project_id:
            return False
        return self.unit_id is None or self.unit_id in unit_path_of(envelope)


_DROPPED = object()


class Subscriber:
    """One subscription: its caller, its filter and its bounded queue of events waiting to be sent."""

    def __init__(self, caller: Identity, event_filter: EventFilter, size: int):
        self.caller = caller
        self.filter = event_filter
        self.size = size
        self.queue: asyncio.Queue = asyncio.Queue(size + 1)  # one more place, kept for the "dropped" mark
        self.dropped = False

    def offer(self, envelope: Envelope) -> None:
        """An event that matches this subscriber's filter (the hub checks it once per filter, not per subscriber)."""
        if self.dropped or not can_see_event(self.caller, envelope):
            return
        if self.queue.qsize() >= self.size:
            self.drop()
            return
        self.queue.put_nowait(envelope)

    def drop(self) -> None:
        self.dropped = True
        while not self.queue.empty():  # the backlog goes at once, not when the slow client gets round to it
            self.queue.get_nowait()
        self.queue.put_nowait(_DROPPED)

class Subscription:
    """The events of one subscriber, as the async iterator graphql-core's `subscribe` reads. The subscriber is
    registered from the start (no event published after the subscribe request is missed) until `aclose`."""

    def __init__(self, hub: Hub, subscriber: Subscriber):
        self.hub = hub
        self.subscriber = subscriber
        hub.add(subscriber)

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> Envelope:
        item = await self.subscriber.queue.get()
        if item is _DROPPED:
            await self.aclose()
            raise SubscriberDropped(self.subscriber.size)
        return item

    async def aclose(self) -> None:
        self.hub.remove(self.subscriber)


class Hub:
    """Every live subscriber of this gateway process, grouped by filter (many subscribers ask for the same events:
    an event is matched once per distinct filter), and the results of events they share."""

    def __init__(self, queue_size: int = 256):
        self.queue_size = queue_size
        self.subscribers: set[Subscriber] = set()
        self.by_filter: dict[EventFilter, set[Subscriber]] = {}
        self.results = SharedResults()
        self.listening = False  # whether a bus feeds it (without one, subscriptions are accepted but stay quiet)

    def publish(self, envelope: Envelope) -> None:
        """The bus listener: never blocks, whatever the subscribers do."""
        dropped = []
        for event_filter, group in self.by_filter.items():
            if event_filter.matches(envelope):
                for subscriber in group:
                    subscriber.offer(envelope)
                    if subscriber.dropped:
                        dropped.append(subscriber)
        for subscriber in dropped:
            self.remove(subscriber)
            log.info("a subscriber of %s fell %d events behind and was dropped",
                     subscriber.caller.department.value, subscriber.size)

    def subscribe(self, caller: Identity, event_filter: EventFilter) -> Subscription:
        return Subscription(self, Subscriber(caller, event_filter, self.queue_size))

    def add(self, subscriber: Subscriber) -> None:
        self.subscribers.add(subscriber)
        self.by_filter.setdefault(subscriber.filter, set()).add(subscriber)

    def remove(self, subscriber: Subscriber) -> None:
        self.subscribers.discard(subscriber)
        group = self.by_filter.get(subscriber.filter)
        if group is not None:
            group.discard(subscriber)
            if not group:
                del self.by_filter[subscriber.filter]
