"""Outbox and inbox on PostgreSQL and RabbitMQ: no event lost, no effect twice."""
import asyncio
from urllib.parse import urlparse

import pytest
from sqlalchemy import func, select

from services.approval.app import DEFINITION as APPROVAL
from services.finance.adapters.orm import budget_reviews
from services.finance.app import DEFINITION as FINANCE
from shared.bus.rabbitmq import RabbitBus
from shared.events import CATALOG, Envelope
from shared.migrations import current_revision, head_revision
from shared.service import ServiceRuntime
from shared.settings import Settings
from tests.conftest import eventually
from tests.support.tcp_proxy import TcpProxy
from tests.unit.test_outbox_inbox_embedded import approved_envelope

pytestmark = pytest.mark.integration


def settings_for(database_url, amqp_url, prefix, keys) -> Settings:
    return Settings(database_url=database_url, amqp_url=amqp_url, bus_prefix=prefix, jwt_public_key_file=keys[1],
                    relay_poll_interval=0.1, bus_delivery_limit=3)


async def count(runtime, table, *where) -> int:
    async with runtime.sessions() as session:
        return (await session.execute(select(func.count()).select_from(table).where(*where))).scalar_one()


async def test_each_service_migrates_its_own_postgres_database_to_head(postgres, keys):
    from egov.registry import SERVICES

    for name, definition in SERVICES.items():
        url = await postgres.create(f"migrate_{name}")
        runtime = ServiceRuntime(definition, Settings(database_url=url, jwt_public_key_file=keys[1]))
        try:
            await runtime.migrate()
            await runtime.migrate()  # idempotent: already at head
            assert await current_revision(runtime.engine) == head_revision(definition.migrations)
        finally:
            await runtime.stop()


async def test_the_same_event_delivered_twice_through_rabbitmq_has_one_effect(postgres, amqp_url, bus_prefix, keys):
    settings = settings_for(await postgres.create("finance"), amqp_url, bus_prefix, keys)
    finance = ServiceRuntime(FINANCE, settings.for_service("finance"))
    publisher = RabbitBus(amqp_url, prefix=bus_prefix)
    await finance.start()
    try:
        envelope = approved_envelope("p-twice")
        await publisher.publish(envelope)
        await publisher.publish(envelope)  # a redelivery: same id
        await eventually(lambda: count(finance, finance.inbox))
        await asyncio.sleep(0.5)  # let the second copy arrive and be discarded
        assert await count(finance, budget_reviews) == 1
        assert await count(finance, finance.outbox) == 1
    finally:
        await finance.stop()
        await publisher.close()
        await publisher.delete_everything(["finance"])


async def test_concurrent_deliveries_of_one_event_have_one_effect(postgres, amqp_url, bus_prefix, keys):
    settings = settings_for(await postgres.create("finance_race"), amqp_url, bus_prefix, keys)
    finance = ServiceRuntime(FINANCE, settings.for_service("finance"))
    await finance.migrate()
    try:
        envelope = approved_envelope("p-race")
        await asyncio.gather(*(finance.consumer(Envelope.from_bytes(envelope.to_bytes())) for _ in range(8)))
        assert await count(finance, budget_reviews) == 1
        assert await count(finance, finance.inbox) == 1
    finally:
        await finance.stop()


async def test_an_event_committed_while_the_broker_is_unreachable_is_published_when_it_returns(
        postgres, amqp_url, bus_prefix, keys):
    broker = urlparse(amqp_url)
    proxy = TcpProxy(broker.hostname, broker.port or 5672)
    await proxy.start()
    proxied_url = amqp_url.replace(f"{broker.hostname}:{broker.port or 5672}", f"127.0.0.1:{proxy.port}")
    settings = settings_for(await postgres.create("approval_outage"), proxied_url, bus_prefix, keys)
    approval = ServiceRuntime(APPROVAL, settings.for_service("approval"))
    listener = RabbitBus(amqp_url, prefix=bus_prefix)  # straight to the broker, not through the proxy
    received: list[str] = []

    async def record(envelope):
        received.append(envelope.id)

    await listener.subscribe("listener", list(CATALOG), record)
    await approval.start()
    try:
        await proxy.cut()
        async with approval.uow() as uow:
            sent = await uow.emit(approved_envelope("p-outage").payload(), subject="p-outage")
            await uow.commit()
        await eventually(lambda: approval.relay.last_error is not None)
        assert received == []
        assert await count(approval, approval.outbox, approval.outbox.c.published_at.is_(None)) == 1
        await proxy.start()  # the broker is reachable again
        await eventually(lambda: received == [sent.id], timeout=20)
        # The listener can see the message before the relay has committed the broker's confirmation.
        await eventually(lambda: _none_unpublished(approval))
        assert received == [sent.id]
    finally:
        await approval.stop()
        await proxy.cut()
        await listener.close()
        await listener.delete_everything(["listener"])


async def _none_unpublished(runtime) -> bool:
    return await count(runtime, runtime.outbox, runtime.outbox.c.published_at.is_(None)) == 0


@pytest.fixture
async def relay_by_hand(postgres, amqp_url, bus_prefix, keys):
    """The approval service's database and outbox, its relay driven by the test (not started), and a listener on
    every event type: (approval, the envelopes received so far)."""
    settings = settings_for(await postgres.create("approval_by_hand"), amqp_url, bus_prefix, keys)
    approval = ServiceRuntime(APPROVAL, settings.for_service("approval"))
    listener = RabbitBus(amqp_url, prefix=bus_prefix)
    received: list[Envelope] = []

    async def record(envelope):
        received.append(envelope)

    await listener.subscribe("listener", list(CATALOG), record)
    await approval.migrate()
    yield approval, received
    await approval.stop()
    await listener.close()
    await listener.delete_everything(["listener"])


async def test_one_round_pipelines_many_projects_events_and_keeps_each_projects_order(relay_by_hand):
    """The relay publishes a batch with confirms in flight for many projects at once, one project's events one
    after the other: each event arrives once, and each project's in the order written."""
    approval, received = relay_by_hand
    written = []
    async with approval.uow() as uow:
        for turn in range(5):
            for project in range(20):
                written.append(await uow.emit(approved_envelope(f"p-{project}").payload(), subject=f"p-{project}"))
        await uow.commit()
    assert await approval.relay.publish_pending() == 100  # one round
    await eventually(lambda: len(received) >= 100)
    await asyncio.sleep(0.3)  # let any second copy arrive
    assert sorted(e.id for e in received) == sorted(e.id for e in written)
    for project in range(20):
        subject = f"p-{project}"
        assert [e.id for e in received if e.subject == subject] == [e.id for e in written if e.subject == subject]


async def test_a_project_whose_earlier_event_another_relay_holds_waits_and_the_others_flow_past(relay_by_hand):
    """Two replicas of a service each run a relay over one outbox: while one holds a project's event (locked, its
    round in progress), the other publishes every other project's events but not that project's later ones, which
    follow once the earlier one is out: a consumer never sees a project's later event first."""
    approval, received = relay_by_hand
    outbox = approval.outbox
    written = {}
    async with approval.uow() as uow:
        for subject in ("p-held", "p-free", "p-held", "p-free"):
            written.setdefault(subject, []).append(await uow.emit(approved_envelope(subject).payload(),
                                                                  subject=subject))
        await uow.commit()
    async with approval.sessions() as other_relay, other_relay.begin():  # holds p-held's first event
        await other_relay.execute(select(outbox.c.seq).order_by(outbox.c.seq).limit(1).with_for_update())
        assert await approval.relay.publish_pending() == 2
        await eventually(lambda: len(received) >= 2)
        assert [e.id for e in received] == [e.id for e in written["p-free"]]
        assert await count(approval, outbox, outbox.c.published_at.is_(None)) == 2
    assert await approval.relay.publish_pending() == 2
    await eventually(lambda: len(received) >= 4)
    assert [e.id for e in received if e.subject == "p-held"] == [e.id for e in written["p-held"]]


async def test_the_fast_path_sends_a_projects_event_only_after_the_earlier_ones_another_relay_holds(relay_by_hand):
    """A running relay publishes what a transaction commits at once (the hand-over), except a project's event whose
    earlier event is still unpublished in a hand it does not know (here another replica's relay holds it): that
    one waits for a round, and follows the earlier one once it is out."""
    approval, received = relay_by_hand
    outbox = approval.outbox
    async with approval.uow() as uow:  # written before this relay runs: not handed to it
        earlier = await uow.emit(approved_envelope("p-held").payload(), subject="p-held")
        await uow.commit()
    async with approval.sessions() as other_relay, other_relay.begin():
        await other_relay.execute(select(outbox.c.seq).where(outbox.c.event_id == earlier.id).with_for_update())
        await approval.start(migrate=False)
        async with approval.uow() as uow:
            later = await uow.emit(approved_envelope("p-held").payload(), subject="p-held")
            free = await uow.emit(approved_envelope("p-free").payload(), subject="p-free")
            await uow.commit()
        await eventually(lambda: len(received) >= 1)
        await asyncio.sleep(0.3)  # rounds poll every 0.1 s meanwhile
        assert [e.id for e in received] == [free.id]
    await eventually(lambda: len(received) >= 3)
    assert [e.id for e in received] == [free.id, earlier.id, later.id]
