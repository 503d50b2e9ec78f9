"""The dead-letter queues on RabbitMQ, for an operator: what a service gave up on, and sending it again.

Each service's queue dead-letters to `<prefix>.<service>.dead` (a message that could not be read, or kept failing
until the delivery limit). Reading one takes its messages without acknowledging them and gives them back when the
channel closes, so listing changes nothing. A replay publishes the message again to the domain exchange, under its
original routing key, with publisher confirms, and only then removes it from the dead-letter queue: a replay cut
off half-way leaves a copy in both places, never in none, and the consumers' inboxes make the second copy harmless.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import aio_pika
from aio_pika.abc import AbstractIncomingMessage
from aio_pika.exceptions import ChannelClosed

from shared.bus.rabbitmq import dead_letter_queue

DEFAULT_LIMIT = 10_000  # messages read from one dead-letter queue at a time


@dataclass(frozen=True)
class DeadLetter:
    """One dead-lettered message: the event it carries (as far as it reads) and why it was given up on."""

    service: str
    id: str
    type: str
    subject: str | None
    reason: str          # the broker's: `rejected` (unreadable), `delivery_limit` (kept failing), `expired`, ...
    deaths: int          # how many times it was dead-lettered from the service's queue
    routing_key: str     # the key it was first published under

    def line(self) -> str:
        return (f"{self.service}\t{self.id}\t{self.type}\tsubject {self.subject or '-'}\t{self.reason}\t"
                f"dead-lettered {self.deaths} time{'s' if self.deaths != 1 else ''}")


def _text(value) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def describe(service: str, message: AbstractIncomingMessage) -> DeadLetter:
    headers = message.headers or {}
    deaths = [d for d in headers.get("x-death") or [] if isinstance(d, dict)]
    first = deaths[-1] if deaths else {}  # the broker puts the most recent death first
    try:
        envelope = json.loads(message.body)
        if not isinstance(envelope, dict):
            raise ValueError("not an object")
    except ValueError:
        envelope = {}
    routing_keys = [_text(key) for key in first.get("routing-keys") or []]
    event_id = envelope.get("id") or message.message_id or \
        "sha256:" + hashlib.sha256(message.body).hexdigest()[:16]  # an unreadable body: named by its content
    return DeadLetter(
        service=service,
        id=str(event_id),
        type=str(envelope.get("type") or message.type or "(unreadable)"),
        subject=envelope.get("subject"),
        reason=_text(headers.get("x-first-death-reason") or first.get("reason") or "unknown"),
        deaths=sum(int(d.get("count", 1)) for d in deaths) or 1,
        routing_key=routing_keys[0] if routing_keys else str(envelope.get("type") or message.routing_key),
    )


async def _take_all(channel, prefix: str, service: str, limit: int) -> list[AbstractIncomingMessage]:
    """The queue's messages, unacknowledged (the channel's closing gives back those not acknowledged)."""
    try:
        queue = await channel.declare_queue(dead_letter_queue(prefix, service), passive=True)
    except ChannelClosed:  # no such queue: the service never consumed on this broker
        return []
    messages = []
    while len(messages) < limit:
        message = await queue.get(no_ack=False, fail=False)
        if message is None:
            break
        messages.append(message)
    return messages


async def list_dead_letters(url: str, prefix: str, services: list[str], *,
                            limit: int = DEFAULT_LIMIT) -> list[DeadLetter]:
    connection = await aio_pika.connect(url, timeout=10)
    async with connection:
        found = []
        for service in services:
            channel = await connection.channel()
            found += [describe(service, message) for message in await _take_all(channel, prefix, service, limit)]
            if not channel.is_closed:
                await channel.close()  # gives every message back, in its place
        return found


async def replay(url: str, prefix: str, service: str, event_ids: set[str] | None, *,
                 limit: int = DEFAULT_LIMIT) -> list[DeadLetter]:
    """Publish the dead letters with these ids (None: all) to the domain exchange again; return those sent."""
    connection = await aio_pika.connect(url, timeout=10)
    async with connection:
        publisher = await connection.channel(publisher_confirms=True)
        exchange = await publisher.get_exchange(f"{prefix}.events", ensure=True)
        channel = await connection.channel()
        sent = []
        for message in await _take_all(channel, prefix, service, limit):
            letter = describe(service, message)
            if event_ids is not None and letter.id not in event_ids:
                continue
            headers = {k: v for k, v in (message.headers or {}).items()
                       if not k.startswith(("x-death", "x-first-death", "x-last-death", "x-delivery-count"))}
            await exchange.publish(aio_pika.Message(
                message.body, headers=headers, content_type=message.content_type, message_id=message.message_id,
                type=message.type, timestamp=message.timestamp, app_id=message.app_id,
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT), routing_key=letter.routing_key, timeout=10)
            await message.ack()  # only once the broker confirmed the copy
            sent.append(letter)
        if not channel.is_closed:
            await channel.close()
        return sent
