"""What a service tells /metrics at each scrape: its outbox (one indexed query) and its queues (asked of the bus)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import aio_pika
from aio_pika.exceptions import ChannelClosed
from sqlalchemy import func, select

from shared.bus.memory import InProcessBus

if TYPE_CHECKING:
    from shared.service import ServiceRuntime


@dataclass
class Snapshot:
    backlog: int | None = None
    oldest_age: float | None = None  # seconds; 0 when nothing waits
    parked: int | None = None
    ready: int | None = None
    dead_letters: int | None = None


async def snapshot(runtime: ServiceRuntime) -> Snapshot:
    outbox, found = runtime.outbox, Snapshot()
    async with runtime.sessions() as session:
        found.backlog, oldest = (await session.execute(
            select(func.count(), func.min(outbox.c.created_at)).where(outbox.c.published_at.is_(None)))).one()
        if "parked_at" in outbox.c:  # version 2 of the outbox
            found.parked = (await session.execute(select(func.count()).select_from(outbox).where(
                outbox.c.parked_at.is_not(None), outbox.c.published_at.is_(None)))).scalar_one()
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=timezone.utc)  # SQLite drops the zone
    found.oldest_age = 0.0 if oldest is None else max(0.0, (datetime.now(timezone.utc) - oldest).total_seconds())
    if runtime.consumer.routing_keys:
        depth = await queue_depth(runtime.bus, runtime.name)
        if depth is not None:
            found.ready, found.dead_letters = depth
    return found


async def queue_depth(bus, queue: str) -> tuple[int, int] | None:
    """(messages ready in the service's queue, messages in its dead-letter queue), or None if the bus can't tell."""
    if isinstance(bus, InProcessBus):
        subscription = bus._subscriptions.get(queue)  # noqa: SLF001 - the in-process bus keeps its queues here
        return None if subscription is None else (subscription.messages.qsize(), len(bus.dead_letters.get(queue, ())))
    if hasattr(bus, "queue_name") and hasattr(bus, "_url"):  # RabbitBus: ask the broker
        return await _rabbit_depth(bus, queue)
    return None


async def _rabbit_depth(bus, queue: str) -> tuple[int, int] | None:
    """A passive declare returns a queue's ready count; on a connection of its own, since a passive declare of a
    missing queue closes its channel, and the scrape must not disturb publishing or consuming."""
    connection = await aio_pika.connect(bus._url, timeout=2)  # noqa: SLF001
    async with connection:
        channel = await connection.channel()
        counts = []
        try:
            for name in (bus.queue_name(queue), f"{bus.queue_name(queue)}.dead"):
                declared = await channel.declare_queue(name, passive=True)
                counts.append(declared.declaration_result.message_count)
        except ChannelClosed:
            return None  # not declared yet
    return counts[0], counts[1]
