"""The RabbitMQ bus on the real broker: routing, confirms, persistence and dead-lettering."""
import asyncio
import json
from datetime import datetime, timezone

import aio_pika
import pytest

from shared.bus.rabbitmq import RabbitBus
from shared.events import Envelope, ProjectApproved, ProjectRejected
from tests.conftest import eventually

pytestmark = pytest.mark.integration


def approved(project_id="p-1") -> Envelope:
    return Envelope.wrap(ProjectApproved(
        project_id=project_id, code="CITY-2026-0001", name="n", unit_id="u", unit_path=["u"], jurisdiction="CITY",
        kind="APPLICATION_SYSTEM_NEW", investment_estimate=100, fund_sources=[],
        approved_at=datetime.now(timezone.utc)), source="approval", subject=project_id,
        trace={"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"})


@pytest.fixture
async def bus(amqp_url, bus_prefix):
    bus = RabbitBus(amqp_url, prefix=bus_prefix, delivery_limit=2, retry_delay=0.01)
    await bus.start()
    yield bus
    await bus.close()
    await bus.delete_everything(["finance", "audit", "broken"])


async def test_events_reach_every_queue_bound_to_their_type_and_no_other(bus):
    finance, audit = [], []

    async def to_finance(envelope):
        finance.append(envelope)

    async def to_audit(envelope):
        audit.append(envelope)

    await bus.subscribe("finance", ["approval.project.approved.v1"], to_finance)
    await bus.subscribe("audit", ["approval.project.rejected.v1"], to_audit)
    sent = approved()
    await bus.publish(sent)
    await bus.publish(Envelope.wrap(ProjectRejected(project_id="p-2", code="c", reasons=["r"]),
                                    source="approval", subject="p-2"))
    await eventually(lambda: len(finance) == 1 and len(audit) == 1)
    assert finance[0] == sent and finance[0].trace == sent.trace
    assert audit[0].type == "approval.project.rejected.v1"


async def test_messages_are_persistent_and_queues_durable_quorum_queues(bus, amqp_url):
    async def ignore(_envelope):
        raise RuntimeError("leave it on the queue")

    await bus.subscribe("finance", ["approval.#"], ignore)
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        # The broker itself refuses a re-declaration that differs: the queue is durable and a quorum queue.
        with pytest.raises(aio_pika.exceptions.ChannelPreconditionFailed):
            channel = await connection.channel()
            await channel.declare_queue(bus.queue_name("finance"), durable=False)
        with pytest.raises(aio_pika.exceptions.ChannelPreconditionFailed):
            channel = await connection.channel()
            await channel.declare_queue(bus.queue_name("finance"), durable=True,
                                        arguments={"x-queue-type": "classic"})
        channel = await connection.channel()
        # Publish through the bus with a second queue reading raw messages to check their delivery mode.
        raw = await channel.declare_queue(exclusive=True)
        await raw.bind(bus.exchange_name, routing_key="approval.#")
        await bus.publish(approved())
        message = await _get(raw)
        assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
        assert message.type == "approval.project.approved.v1" and message.message_id
        assert message.headers["traceparent"].startswith("00-")


async def test_a_message_that_keeps_failing_is_dead_lettered_after_the_delivery_limit(bus, amqp_url):
    attempts = []

    async def broken(envelope):
        attempts.append(envelope.id)
        raise RuntimeError("consumer bug")

    await bus.subscribe("broken", ["approval.project.approved.v1"], broken)
    sent = approved()
    await bus.publish(sent)
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        dead = await channel.declare_queue(f"{bus.queue_name('broken')}.dead", passive=True)
        message = await _get(dead, timeout=20)
        assert Envelope.from_bytes(message.body).id == sent.id
    assert len(attempts) >= 2  # the first delivery and its redeliveries up to the limit


async def _get(queue, timeout=10.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        message = await queue.get(no_ack=True, fail=False)
        if message is not None:
            return message
        await asyncio.sleep(0.05)
    raise AssertionError(f"nothing arrived on {queue.name}")


async def test_a_transient_listener_hears_events_live_on_a_queue_that_goes_with_it(bus):
    """Issue 12: the gateway's subscriptions listen on an exclusive, auto-deleted, non-durable queue bound to the
    topic exchange: no inbox, no dead-lettering; nothing is kept once the listener stops."""
    heard = []
    stop = await bus.listen(["approval.#"], heard.append)
    sent = approved("p-live")
    await bus.publish(sent)
    await bus.publish(Envelope(type="finance.payment.made.v1", source="finance", data={"project_id": "p-live"}))
    await eventually(lambda: len(heard) == 1)
    assert heard[0] == sent
    queues = await _listener_queues(bus.prefix)
    assert [(q["durable"], q["auto_delete"], q["exclusive"]) for q in queues] == [(False, True, True)]
    await stop()
    assert await _listener_queues(bus.prefix) == []


async def _listener_queues(prefix):
    """The listener queues of this prefix, as rabbitmqctl lists them (an exclusive queue refuses other connections'
    passive declares, and the management API may be off)."""
    process = await asyncio.create_subprocess_exec(
        "rabbitmqctl", "list_queues", "-q", "--formatter", "json", "name", "durable", "auto_delete", "exclusive",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
    out, _ = await process.communicate()
    return [q for q in json.loads(out or b"[]") if q["name"].startswith(f"{prefix}.listener.")]
