"""The outbox relay on PostgreSQL and RabbitMQ when the broker refuses one message (a publisher nack from a queue
that rejects publishes when full): the rows confirmed around it are delivered once, the refusal is recorded on its
row, the row is parked after its attempts, the rows behind it flow (its own project's wait), and a retry sends it."""
import asyncio
import uuid
from collections import Counter

import aio_pika
import pytest
from sqlalchemy import insert, select

from services.approval.app import DEFINITION as APPROVAL
from shared.bus.rabbitmq import RabbitBus
from shared.events import Envelope
from shared.outbox_admin import outbox_health, retry_parked
from shared.service import ServiceRuntime
from shared.settings import Settings
from tests.conftest import eventually
from tests.unit.test_outbox_inbox_embedded import approved_envelope

pytestmark = pytest.mark.integration

APPROVED = "approval.project.approved.v1"
REFUSED = "test.refused-by-the-broker.v1"  # routed only to a queue that is always full
MAX_ATTEMPTS = 3


async def write(runtime, envelopes: list[Envelope]) -> None:
    async with runtime.sessions() as session, session.begin():
        for envelope in envelopes:
            await session.execute(insert(runtime.outbox).values(
                event_id=envelope.id, type=envelope.type, subject=envelope.subject,
                envelope=envelope.model_dump(mode="json"), created_at=envelope.time))


async def row(runtime, event_id: str):
    async with runtime.sessions() as session:
        return (await session.execute(
            select(runtime.outbox).where(runtime.outbox.c.event_id == event_id))).mappings().one()


async def test_a_message_the_broker_refuses_is_parked_and_the_rest_are_delivered_once(
        postgres, amqp_url, bus_prefix, keys):
    settings = Settings(database_url=await postgres.create("approval_refused"), amqp_url=amqp_url,
                        bus_prefix=bus_prefix, jwt_public_key_file=keys[1], outbox_max_attempts=MAX_ATTEMPTS)
    approval = ServiceRuntime(APPROVAL, settings.for_service("approval"))
    listener = RabbitBus(amqp_url, prefix=bus_prefix)
    received: Counter[str] = Counter()
    order: list[str] = []

    async def record(envelope):
        received[envelope.id] += 1
        order.append(envelope.id)

    await listener.subscribe("listener", [APPROVED], record)
    connection = await aio_pika.connect(amqp_url)
    channel = await connection.channel()
    full = await channel.declare_queue(f"{bus_prefix}.always-full", arguments={
        "x-max-length": 0, "x-overflow": "reject-publish"})  # every message routed here is nacked
    await full.bind(f"{bus_prefix}.events", routing_key=REFUSED)
    await approval.migrate()  # the relay is driven by hand, one round at a time
    try:
        first, later_same_project, other = (approved_envelope(s) for s in ("p-1", "p-2", "p-3"))
        refused = Envelope(**{**approved_envelope("p-2").model_dump(), "id": str(uuid.uuid4()), "type": REFUSED})
        await write(approval, [first, refused, later_same_project, other])

        await approval.relay.drain()
        await eventually(lambda: set(received) == {first.id, other.id})
        refused_row = await row(approval, refused.id)
        assert refused_row["attempts"] == 1 and refused_row["parked_at"] is None
        assert "DeliveryError" in refused_row["last_error"]
        for _round in range(MAX_ATTEMPTS - 1):
            await approval.relay.drain()
        refused_row = await row(approval, refused.id)
        assert refused_row["attempts"] == MAX_ATTEMPTS and refused_row["parked_at"] is not None
        assert (await row(approval, later_same_project.id))["published_at"] is None  # waits behind it
        health = await outbox_health(approval.sessions, approval.outbox)
        assert health["outbox_parked"] == 1 and health["outbox_oldest_unpublished_seconds"] >= 0
        await asyncio.sleep(0.5)  # let any second copy arrive
        assert received == {first.id: 1, other.id: 1}

        await full.delete(if_unused=False, if_empty=False)  # the cause is fixed; the operator retries
        assert await retry_parked(approval.sessions, approval.outbox, refused.id)
        await approval.relay.drain()
        await eventually(lambda: later_same_project.id in received)
        assert (await row(approval, refused.id))["published_at"] is not None
        await asyncio.sleep(0.5)
        assert received == {first.id: 1, other.id: 1, later_same_project.id: 1}
        assert order[-1] == later_same_project.id
        assert (await outbox_health(approval.sessions, approval.outbox))["outbox_parked"] == 0
    finally:
        await approval.stop()
        await connection.close()
        await listener.close()
        await listener.delete_everything(["listener"])


@pytest.mark.parametrize("name", ["approval", "finance", "audit", "secrecy"])
async def test_each_services_outbox_parking_migration_goes_down_and_up_on_postgres(name, postgres, keys):
    from egov.registry import SERVICES
    from tests.unit.test_outbox_parking_migrations import migrate_the_outbox_down_and_up

    url = await postgres.create(f"parking_{name}")
    runtime = ServiceRuntime(SERVICES[name], Settings(database_url=url, jwt_public_key_file=keys[1]))
    try:
        await migrate_the_outbox_down_and_up(runtime)
    finally:
        await runtime.stop()
