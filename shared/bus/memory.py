"""The in-process bus of the embedded default: same contract as RabbitMQ, inside one event loop."""
from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from shared.bus.base import Bus, BusUnavailable, Handler, Listener, PoisonMessage, StopListening, topic_matches
from shared.events import Envelope

log = logging.getLogger(__name__)


@dataclass
class _Subscription:
    queue: str
    routing_keys: tuple[str, ...]
    handler: Handler
    messages: asyncio.Queue
    worker: asyncio.Task | None = None
    busy: bool = False


class InProcessBus(Bus):
    def __init__(self, *, delivery_limit: int = 5, retry_delay: float = 0.05):
        self._delivery_limit = delivery_limit
        self._retry_delay = retry_delay
        self._subscriptions: dict[str, _Subscription] = {}
        self.dead_letters: dict[str, list[Envelope]] = defaultdict(list)
        self._listeners: list[tuple[tuple[str, ...], Listener]] = []
        self._closed = False

    async def start(self) -> None:
        self._closed = False

    async def queue_depth(self, queue: str) -> tuple[int, int] | None:
        subscription = self._subscriptions.get(queue)
        return None if subscription is None else (subscription.messages.qsize(), len(self.dead_letters.get(queue, ())))

    async def publish(self, envelope: Envelope) -> None:
        if self._closed:
            raise BusUnavailable("the in-process bus is closed")
        body = envelope.to_bytes()  # each queue gets its own copy, as off the wire
        for subscription in self._subscriptions.values():
            if any(topic_matches(key, envelope.type) for key in subscription.routing_keys):
                subscription.messages.put_nowait(body)
        listeners = [listener for keys, listener in self._listeners
                     if any(topic_matches(key, envelope.type) for key in keys)]
        if listeners:
            copy = Envelope.from_bytes(body)  # frozen: one copy read off the "wire" serves every listener
            for listener in listeners:
                try:
                    listener(copy)
                except Exception:  # a listener's failure is its own: the publish has succeeded
                    log.exception("a bus listener failed on %s %s", envelope.type, envelope.id)

    async def listen(self, routing_keys: Sequence[str], listener: Listener) -> StopListening:
        entry = (tuple(routing_keys), listener)
        self._listeners.append(entry)

        async def stop() -> None:
            if entry in self._listeners:
                self._listeners.remove(entry)

        return stop

    async def subscribe(self, queue: str, routing_keys: Sequence[str], handler: Handler) -> None:
        if queue in self._subscriptions:
            raise ValueError(f"queue {queue} already has a consumer")
        subscription = _Subscription(queue, tuple(routing_keys), handler, asyncio.Queue())
        subscription.worker = asyncio.create_task(self._consume(subscription), name=f"bus:{queue}")
        self._subscriptions[queue] = subscription

    async def _consume(self, subscription: _Subscription) -> None:
        while True:
            body = await subscription.messages.get()
            subscription.busy = True
            envelope = Envelope.from_bytes(body)
            for attempt in range(1, self._delivery_limit + 1):
                try:
                    await subscription.handler(envelope)
                    break
                except asyncio.CancelledError:
                    raise
                except PoisonMessage as poison:
                    log.warning("%s: %s %s dead-lettered: %s", subscription.queue, envelope.type, envelope.id, poison)
                    self.dead_letters[subscription.queue].append(envelope)
                    break
                except Exception:
                    log.exception("%s failed on %s (attempt %d)", subscription.queue, envelope.type, attempt)
                    await asyncio.sleep(self._retry_delay * attempt)
            else:
                self.dead_letters[subscription.queue].append(envelope)
            subscription.busy = False
            subscription.messages.task_done()

    async def idle(self) -> None:
        """Wait until every queue is empty and every handler has finished (for tests and shutdown)."""
        for subscription in list(self._subscriptions.values()):
            await subscription.messages.join()

    async def ready(self) -> bool:
        return not self._closed

    async def close(self, timeout: float = 10.0) -> None:
        """Let each handler finish the message in hand (cutting a transaction off can wedge its connection)."""
        self._closed = True
        deadline = asyncio.get_running_loop().time() + timeout
        while any(s.busy for s in self._subscriptions.values()) and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.01)
        for subscription in self._subscriptions.values():
            if subscription.worker:
                subscription.worker.cancel()
        await asyncio.gather(
            *(s.worker for s in self._subscriptions.values() if s.worker), return_exceptions=True
        )
        self._subscriptions.clear()
        self._listeners.clear()
