"""RabbitMQ through aio-pika: a durable topic exchange, a durable quorum queue per service with a delivery limit
and a dead-letter exchange, publisher confirms and persistent messages.

Publishing uses its own connection, re-opened on demand, so a relay whose broker went away simply fails its
publish (the outbox keeps the row) and succeeds once the broker is back. Consuming uses a robust connection that
re-declares its queues and consumers after a reconnect.
"""
from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence

import aio_pika
from aio_pika.abc import AbstractIncomingMessage
from aio_pika.exceptions import ChannelClosed
from aiormq.exceptions import AMQPConnectionError, ChannelInvalidStateError, DeliveryError, PublishError

from shared.bus.base import Bus, BusUnavailable, Handler, Listener, PoisonMessage, StopListening
from shared.events import Envelope

log = logging.getLogger(__name__)


def dead_letter_queue(prefix: str, queue: str) -> str:
    """Where a service's queue puts what it gives up on (see shared/bus/dead_letters.py)."""
    return f"{prefix}.{queue}.dead"


class RabbitBus(Bus):
    def __init__(self, url: str, *, prefix: str = "egov", delivery_limit: int = 5, prefetch: int = 16,
                 retry_delay: float = 0.2):
        self._url = url
        self.prefix = prefix
        self.exchange_name = f"{prefix}.events"
        self.dead_letter_exchange_name = f"{prefix}.dead-letter"
        self._delivery_limit = delivery_limit
        self._prefetch = prefetch
        self._retry_delay = retry_delay
        self._publish_connection: aio_pika.abc.AbstractConnection | None = None
        self._publish_exchange: aio_pika.abc.AbstractExchange | None = None
        self._publish_channel: aio_pika.abc.AbstractChannel | None = None
        self._other_exchanges: dict[str, aio_pika.abc.AbstractExchange] = {}  # declared on the publish channel
        self._publish_lock = asyncio.Lock()
        self._consume_connection: aio_pika.abc.AbstractRobustConnection | None = None
        self._consume_channel: aio_pika.abc.AbstractChannel | None = None

    def queue_name(self, queue: str) -> str:
        return f"{self.prefix}.{queue}"

    async def start(self) -> None:
        """Declare the exchanges; failing here is fine, publishing re-tries on its own."""
        await self._ensure_publisher()

    async def _ensure_publisher(self) -> aio_pika.abc.AbstractExchange:
        async with self._publish_lock:
            if self._publish_connection is None or self._publish_connection.is_closed:
                self._publish_exchange = None
                self._publish_connection = await aio_pika.connect(self._url, timeout=5)
            if self._publish_exchange is None:
                self._other_exchanges = {}
                channel = self._publish_channel = await self._publish_connection.channel(publisher_confirms=True)
                await channel.declare_exchange(
                    self.dead_letter_exchange_name, aio_pika.ExchangeType.DIRECT, durable=True
                )
                self._publish_exchange = await channel.declare_exchange(
                    self.exchange_name, aio_pika.ExchangeType.TOPIC, durable=True
                )
            return self._publish_exchange

    async def publish(self, envelope: Envelope) -> None:
        try:
            exchange = await self._ensure_publisher()
        except Exception as exc:
            raise BusUnavailable(f"cannot reach the broker: {type(exc).__name__}: {exc}") from exc
        message = aio_pika.Message(
            envelope.to_bytes(),
            content_type="application/json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            message_id=envelope.id,
            type=envelope.type,
            timestamp=envelope.time,
            app_id=envelope.source,
            headers=dict(envelope.trace),  # W3C trace context travels in the AMQP headers too
        )
        try:
            # With publisher confirms the await returns once the broker has taken the message, raises otherwise.
            # Several publishes may be in flight on the one channel at once (the relay pipelines them).
            await exchange.publish(message, routing_key=envelope.type, mandatory=False, timeout=10)
        except (DeliveryError, PublishError):
            raise  # the broker refused this message (a nack); the channel stays good for the others
        except (AMQPConnectionError, ChannelInvalidStateError, ConnectionError, OSError, TimeoutError) as exc:
            await self._drop_publisher()
            raise BusUnavailable(f"the broker connection broke: {type(exc).__name__}: {exc}") from exc
        except Exception:
            await self._drop_publisher()
            raise

    async def publish_to(self, exchange_name: str, routing_key: str, message: aio_pika.Message) -> None:
        """Publish a prepared message to another durable topic exchange (declared on first use), on the publishing
        channel, so with publisher confirms: returns once the broker has taken it, raises otherwise."""
        try:
            await self._ensure_publisher()
            other = self._other_exchanges.get(exchange_name)
            if other is None:
                other = await self._publish_channel.declare_exchange(exchange_name, aio_pika.ExchangeType.TOPIC,
                                                                durable=True)
                self._other_exchanges[exchange_name] = other
        except Exception as exc:
            raise BusUnavailable(f"cannot reach the broker: {type(exc).__name__}: {exc}") from exc
        try:
            await other.publish(message, routing_key=routing_key, mandatory=False, timeout=10)
        except (DeliveryError, PublishError):
            raise
        except Exception:
            await self._drop_publisher()
            raise

    async def _drop_publisher(self) -> None:
        connection, self._publish_connection, self._publish_exchange = self._publish_connection, None, None
        self._other_exchanges = {}
        if connection is not None and not connection.is_closed:
            try:
                await connection.close()
            except Exception:  # already broken
                pass

    async def _consumer_channel(self) -> aio_pika.abc.AbstractChannel:
        if self._consume_connection is None:
            self._consume_connection = await aio_pika.connect_robust(self._url, timeout=5, reconnect_interval=1)
        if self._consume_channel is None:
            self._consume_channel = await self._consume_connection.channel()
            await self._consume_channel.set_qos(prefetch_count=self._prefetch)
        return self._consume_channel

    async def subscribe(self, queue: str, routing_keys: Sequence[str], handler: Handler) -> None:
        channel = await self._consumer_channel()
        exchange = await channel.declare_exchange(self.exchange_name, aio_pika.ExchangeType.TOPIC, durable=True)
        dead_letter = await channel.declare_exchange(
            self.dead_letter_exchange_name, aio_pika.ExchangeType.DIRECT, durable=True
        )
        name = self.queue_name(queue)
        dead_queue = await channel.declare_queue(dead_letter_queue(self.prefix, queue), durable=True)
        await dead_queue.bind(dead_letter, routing_key=name)
        amqp_queue = await channel.declare_queue(
            name,
            durable=True,
            arguments={
                "x-queue-type": "quorum",
                # The broker counts redeliveries and dead-letters a message that keeps failing.
                "x-delivery-limit": self._delivery_limit,
                "x-dead-letter-exchange": self.dead_letter_exchange_name,
                "x-dead-letter-routing-key": name,
            },
        )
        for key in routing_keys:
            await amqp_queue.bind(exchange, routing_key=key)

        async def on_message(message: AbstractIncomingMessage) -> None:
            try:
                envelope = Envelope.from_bytes(message.body)
            except Exception:
                log.exception("%s: undecodable message dead-lettered", name)
                await message.reject(requeue=False)
                return
            try:
                await handler(envelope)
            except PoisonMessage as poison:
                log.warning("%s: %s %s dead-lettered: %s", name, envelope.type, envelope.id, poison)
                await message.reject(requeue=False)
                return
            except Exception:
                log.exception("%s failed on %s; it will be redelivered", name, envelope.type)
                await asyncio.sleep(self._retry_delay)
                await message.nack(requeue=True)
                return
            await message.ack()

        await amqp_queue.consume(on_message)

    async def listen(self, routing_keys: Sequence[str], listener: Listener, *,
                     max_length: int = 10_000) -> StopListening:
        """A queue of the listener's own: exclusive (this connection's), auto-deleted with it, not durable, no
        dead-lettering, bounded by the broker (the oldest messages go first past `max_length`), acknowledged on
        delivery. A live view: what is published while the gateway is away is not kept for it."""
        channel = await self._consumer_channel()
        exchange = await channel.declare_exchange(self.exchange_name, aio_pika.ExchangeType.TOPIC, durable=True)
        queue = await channel.declare_queue(
            f"{self.prefix}.listener.{uuid.uuid4().hex[:12]}", durable=False, exclusive=True, auto_delete=True,
            arguments={"x-max-length": max_length, "x-overflow": "drop-head"})
        for key in routing_keys:
            await queue.bind(exchange, routing_key=key)

        async def on_message(message: AbstractIncomingMessage) -> None:
            try:
                envelope = Envelope.from_bytes(message.body)
            except Exception:
                log.warning("%s: an unreadable message was skipped", queue.name)
                return
            try:
                listener(envelope)
            except Exception:
                log.exception("a bus listener failed on %s %s", envelope.type, envelope.id)

        tag = await queue.consume(on_message, no_ack=True, exclusive=True)

        async def stop() -> None:
            try:
                await queue.cancel(tag)
                await queue.delete(if_unused=False, if_empty=False)
            except Exception:  # the connection is already gone, and the queue with it
                log.debug("listener queue %s already gone", queue.name, exc_info=True)

        return stop

    async def queue_depth(self, queue: str) -> tuple[int, int] | None:
        """Asked of the broker by passive declares, on a connection of its own: a passive declare of a missing queue
        closes its channel, and asking must not disturb publishing or consuming."""
        connection = await aio_pika.connect(self._url, timeout=2)
        async with connection:
            channel = await connection.channel()
            counts = []
            try:
                for name in (self.queue_name(queue), dead_letter_queue(self.prefix, queue)):
                    declared = await channel.declare_queue(name, passive=True)
                    counts.append(declared.declaration_result.message_count)
            except ChannelClosed:
                return None  # not declared yet
        return counts[0], counts[1]

    async def ready(self) -> bool:
        try:
            await self._ensure_publisher()
            return True
        except Exception:
            return False

    async def close(self) -> None:
        await self._drop_publisher()
        if self._consume_connection is not None:
            await self._consume_connection.close()
        self._consume_connection = None
        self._consume_channel = None

    async def delete_everything(self, queues: Sequence[str], *, exchanges: Sequence[str] = ()) -> None:
        """Remove this prefix's queues and exchanges, and the other `exchanges` named in full (test clean-up)."""
        connection = await aio_pika.connect(self._url, timeout=5)
        async with connection:
            channel = await connection.channel()
            for queue in queues:
                for name in (self.queue_name(queue), f"{self.queue_name(queue)}.dead"):
                    await channel.queue_delete(name)
            await channel.exchange_delete(self.exchange_name)
            await channel.exchange_delete(self.dead_letter_exchange_name)
            for name in exchanges:
                await channel.exchange_delete(name)
