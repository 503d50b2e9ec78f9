"""What a service tells /metrics at each scrape: its outbox (one query) and its queues (asked of the bus)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from shared.outbox_admin import outbox_state

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
    state = await outbox_state(runtime.sessions, runtime.outbox)
    found = Snapshot(backlog=state.backlog, oldest_age=state.oldest_age or 0.0, parked=state.parked)
    if runtime.consumer.routing_keys and (depth := await runtime.queue_depth()) is not None:
        found.ready, found.dead_letters = depth
    return found
