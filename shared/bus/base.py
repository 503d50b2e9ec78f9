"""The bus interface every service codes against."""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Sequence

from shared.events import Envelope

Handler = Callable[[Envelope], Awaitable[None]]
# A transient listener's callback: called once per event, it must not block (it runs on the publisher's path
# in-process, on the consumer's callback on RabbitMQ); it hands the event on and returns.
Listener = Callable[[Envelope], None]
StopListening = Callable[[], Awaitable[None]]


class BusUnavailable(ConnectionError):
    """The broker could not be reached, or the connection broke while publishing: no message is at fault."""


class PoisonMessage(Exception):
    """A message no retry can handle (it does not read as an event its consumer knows): dead-letter it at once."""


def topic_matches(pattern: str, routing_key: str) -> bool:
    """AMQP topic matching: words split by '.', '*' is exactly one word, '#' is zero or more."""

    def match(p: list[str], k: list[str]) -> bool:
        if not p:
            return not k
        head, rest = p[0], p[1:]
        if head == "#":
            return any(match(rest, k[i:]) for i in range(len(k) + 1))
        if not k:
            return False
        return (head == "*" or head == k[0]) and match(rest, k[1:])

    return match(pattern.split("."), routing_key.split("."))


class Bus(ABC):
    """Publish envelopes to the domain-event exchange; consume them through named, durable queues."""

    @abstractmethod
    async def start(self) -> None: ...

    @abstractmethod
    async def publish(self, envelope: Envelope) -> None:
        """Return only once the broker has taken the message (publisher confirm); raise otherwise."""

    @abstractmethod
    async def subscribe(self, queue: str, routing_keys: Sequence[str], handler: Handler) -> None:
        """Deliver every event whose type matches one of the keys to `handler`, through the queue `queue`.

        A handler that raises is retried; after the delivery limit the message is dead-lettered. A message that
        cannot be read, or whose handler raises PoisonMessage, is dead-lettered at once.
        """

    async def listen(self, routing_keys: Sequence[str], listener: Listener) -> StopListening:
        """Hand every event published from now on whose type matches one of the keys to `listener`, live only:
        nothing is kept for a listener that is not there, nothing is retried or dead-lettered, and a listener never
        slows the publisher down (GraphQL subscriptions at the gateway). Returns the function that stops it."""
        raise NotImplementedError(f"{type(self).__name__} has no transient listeners")

    @abstractmethod
    async def ready(self) -> bool: ...

    async def queue_depth(self, queue: str) -> tuple[int, int] | None:
        """(messages ready in `queue`, messages in its dead-letter queue), or None where the bus cannot tell."""
        return None

    @abstractmethod
    async def close(self) -> None: ...
