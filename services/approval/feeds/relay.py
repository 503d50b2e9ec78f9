"""The agency-feed relay: a worker of the approval service that reads every internal event through a durable quorum
queue of its own (`{prefix}.agency-feed-relay`, delivery limit and dead-letter queue like every service queue) and
republishes to the agency exchange (`{prefix}.agency-feed`) only what an outside agency may see (`redaction`).

At least once: the internal message is acknowledged only after the broker confirmed the republish; a failed
republish is redelivered, and past the delivery limit dead-lettered (`{prefix}.agency-feed-relay.dead`). The
CloudEvents id is the original event id, so an agency drops a repeat by it.
"""
from __future__ import annotations

import logging

import aio_pika

from services.approval.feeds.cloudevents_amqp import to_amqp_binary
from services.approval.feeds.redaction import agency_routing_key
from shared.events import Envelope
from shared.visibility import outside_readable

log = logging.getLogger(__name__)

RELAY_QUEUE = "agency-feed-relay"


def agency_exchange_name(prefix: str) -> str:
    return f"{prefix}.agency-feed"


class AgencyFeedRelay:
    """Started and stopped with the service's event side; on the in-process bus (embedded) there is no agency
    exchange, and it does nothing."""

    def __init__(self, bus):
        self._bus = bus
        self.relayed = 0
        self.withheld = 0

    async def start(self) -> None:
        if not hasattr(self._bus, "publish_to"):
            log.info("agency feeds need RabbitMQ; none on the in-process bus")
            return
        self.exchange = agency_exchange_name(self._bus.prefix)
        await self._bus.subscribe(RELAY_QUEUE, ["#"], self.relay)

    async def relay(self, envelope: Envelope) -> None:
        if not outside_readable(envelope):
            self.withheld += 1
            return  # acknowledged: it stays inside (R-SEC-2)
        prepared = to_amqp_binary(envelope)
        message = aio_pika.Message(
            prepared.body, content_type=prepared.content_type, headers=dict(prepared.headers),
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT, message_id=envelope.id, type=envelope.type,
            timestamp=envelope.time)
        # Raises unless the broker confirms; the bus then redelivers the internal message.
        await self._bus.publish_to(self.exchange, agency_routing_key(envelope), message)
        self.relayed += 1

    async def stop(self) -> None:
        """The bus closes the consumer with the service's event side."""


def agency_feed_worker(runtime) -> AgencyFeedRelay:
    return AgencyFeedRelay(runtime.bus)
