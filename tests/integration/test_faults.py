"""Faults on the real PostgreSQL and RabbitMQ (ARCHITECTURE: "no event is lost and no effect happens twice"), counted
as RabbitMQ's Jepsen checker counts a queue: lost, duplicated and unexpected, all zero.

The effect counted is the approval service's own: a secrecy review passed is written once in the project's history
(an entry of its decision trail, one per event, not idempotent by itself) with the event's id in its inbox.
"""
import asyncio
from collections import Counter
from datetime import datetime, timezone

import aio_pika
import asyncpg
import httpx
import pytest
from sqlalchemy import func, select

from services.approval.adapters import orm as approval_orm
from services.approval.app import DEFINITION as APPROVAL
from services.approval.feeds.relay import RELAY_QUEUE, agency_exchange_name
from services.approval.handlers import create_project
from services.secrecy.app import DEFINITION as SECRECY
from shared.bus.dead_letters import list_dead_letters, replay
from shared.bus.rabbitmq import RabbitBus, dead_letter_queue
from shared.events import Envelope, SecrecyReviewPassed
from shared.service import ServiceRuntime, create_service_app
from shared.settings import Settings
from tests.conftest import eventually
from tests.support.faults import ServiceProcess, jepsen_counts
from tests.support.tcp_proxy import TcpProxy
from tests.unit.approval.builders import UNIT as APPLICANT
from tests.unit.approval.builders import draft

pytestmark = pytest.mark.integration

PASSED = SecrecyReviewPassed.event_type
ZERO = {"lost": 0, "duplicated": 0, "unexpected": 0}


def review_passed(project_id: str) -> Envelope:
    return Envelope.wrap(SecrecyReviewPassed(project_id=project_id, review_id=f"r-{project_id}",
                                             passed_at=datetime.now(timezone.utc)),
                         source="secrecy", subject=project_id)


async def approval_with_projects(url: str, settings: Settings, count: int) -> tuple[ServiceRuntime, list[str]]:
    """The approval service's database, migrated, with `count` drafted projects; the runtime is not started."""
    runtime = ServiceRuntime(APPROVAL, settings.for_service("approval", database_url=url))
    await runtime.migrate()
    projects = [(await create_project(runtime.uow, draft(), APPLICANT)).id for _ in range(count)]
    return runtime, projects


async def effects(runtime: ServiceRuntime) -> tuple[Counter, Counter]:
    """Per project, the history rows a passed review wrote; per event id, the inbox rows."""
    history, inbox = approval_orm.trail.entries, runtime.inbox
    async with runtime.sessions() as session:
        written = (await session.execute(
            select(history.c.project_id, func.count()).where(history.c.action == "SECRECY_REVIEW_PASSED")
            .group_by(history.c.project_id))).all()
        recorded = (await session.execute(
            select(inbox.c.event_id, func.count()).where(inbox.c.consumer == "approval", inbox.c.type == PASSED)
            .group_by(inbox.c.event_id))).all()
    return Counter(dict(written)), Counter(dict(recorded))


def asyncpg_url(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


@pytest.fixture
async def teardown(amqp_url):
    """Clean-ups run at the end whatever happens: processes, runtimes, proxies, the prefix's queues."""
    steps = []
    yield steps
    for step in reversed(steps):
        await step()


def drop_queues(amqp_url: str, prefix: str, *queues: str):
    async def drop():
        # the approval service's agency-feed relay has a queue and an exchange of its own
        await RabbitBus(amqp_url, prefix=prefix).delete_everything(
            [*queues, RELAY_QUEUE], exchanges=[agency_exchange_name(prefix)])
    return drop


async def test_a_consumer_killed_mid_handler_and_restarted_has_every_effect_exactly_once(
        postgres, amqp_url, bus_prefix, keys, tmp_path, teardown):
    url = await postgres.create("approval_killed")
    settings = Settings(amqp_url=amqp_url, bus_prefix=bus_prefix, jwt_public_key_file=keys[1])
    approval, projects = await approval_with_projects(url, settings, 120)
    teardown.append(approval.engine.dispose)
    teardown.append(drop_queues(amqp_url, bus_prefix, "approval"))
    consumer = ServiceProcess("approval", {"DATABASE_URL": url, "AMQP_URL": amqp_url, "BUS_PREFIX": bus_prefix,
                                           "JWT_PUBLIC_KEY_FILE": str(keys[1]), "RELAY_POLL_INTERVAL": "0.1"},
                              tmp_path / "approval.log")

    async def stop_consumer():
        consumer.stop()
    teardown.append(stop_consumer)
    consumer.start()
    await eventually(consumer.ready, timeout=60)

    # The test holds one project's row: its handler stops inside its transaction, mid-way, until the kill.
    held = projects[40]
    blocker = await asyncpg.connect(asyncpg_url(url))
    teardown.append(blocker.close)
    transaction = blocker.transaction()
    await transaction.start()
    await blocker.execute("SELECT id FROM projects WHERE id = $1 FOR UPDATE", held)

    publisher = RabbitBus(amqp_url, prefix=bus_prefix)
    teardown.append(publisher.close)
    sent = {project_id: review_passed(project_id) for project_id in projects}
    stream = list(sent.values())
    for envelope in stream[:60]:
        await publisher.publish(envelope)  # each confirmed by the broker

    # Watched from a connection of its own: inside the blocker's transaction pg_stat_activity would answer from the
    # snapshot its first read took, and never see the handler start waiting.
    observer = await asyncpg.connect(asyncpg_url(url))
    teardown.append(observer.close)

    async def handler_waits_on_the_held_row():
        return await observer.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")

    async def done() -> int:
        return sum((await effects(approval))[1].values())

    await eventually(handler_waits_on_the_held_row, timeout=30)

    async def publish_the_rest():
        for envelope in stream[60:]:
            await publisher.publish(envelope)
    rest = asyncio.create_task(publish_the_rest())  # the stream goes on while the consumer dies
    teardown.append(lambda: asyncio.gather(rest, return_exceptions=True))
    await eventually(lambda: _at_least(done, 62), timeout=30)  # the stream's second half is being handled
    consumer.kill()
    assert await done() < len(sent)  # the held event at least: its transaction died with the process
    await transaction.rollback()
    await rest

    consumer.start()  # the same command again, as an orchestrator restarts a pod
    await eventually(consumer.ready, timeout=60)

    async def all_done():
        return sum((await effects(approval))[1].values()) >= len(sent)

    await eventually(all_done, timeout=60)
    history, inbox = await effects(approval)
    assert history[held] == 1  # the handler killed mid-way had its effect once, after the restart
    assert jepsen_counts(set(sent), history) == ZERO
    assert jepsen_counts({e.id for e in sent.values()}, inbox) == ZERO


async def test_broker_connections_cut_under_load_lose_and_duplicate_nothing(
        postgres, amqp_url, bus_prefix, keys, teardown):
    broker = TcpProxy("127.0.0.1", 5672)
    await broker.start()
    teardown.append(broker.cut)
    through_proxy = f"amqp://guest:guest@127.0.0.1:{broker.port}/"
    settings = Settings(amqp_url=through_proxy, bus_prefix=bus_prefix, jwt_public_key_file=keys[1],
                        relay_poll_interval=0.05)
    teardown.append(drop_queues(amqp_url, bus_prefix, "approval"))
    approval, projects = await approval_with_projects(await postgres.create("approval_cut"), settings, 200)
    secrecy = ServiceRuntime(SECRECY, settings.for_service("secrecy",
                                                           database_url=await postgres.create("secrecy_cut")))
    await approval.start()
    teardown.append(approval.stop)
    await secrecy.start()
    teardown.append(secrecy.stop)

    sent: dict[str, str] = {}  # project id -> event id

    async def emit(project_ids):
        """The secrecy service announces each review through its own outbox and relay."""
        for project_id in project_ids:
            async with secrecy.uow() as uow:
                envelope = await uow.emit(SecrecyReviewPassed(project_id=project_id, review_id=f"r-{project_id}",
                                                              passed_at=datetime.now(timezone.utc)),
                                          subject=project_id)
                await uow.commit()
            sent[project_id] = envelope.id

    async def processed() -> int:
        return sum((await effects(approval))[1].values())

    cuts = 4
    chunks = [projects[i::cuts + 1] for i in range(cuts + 1)]
    for cut in range(cuts):
        flowing = await processed()
        await emit(chunks[cut][:30])
        await eventually(lambda: _at_least(processed, flowing + 5), timeout=30)  # under load
        await broker.cut()
        secrecy.relay.last_error = None
        await emit(chunks[cut][30:])  # announced while the broker is away: they wait in the outbox

        async def relay_hit_the_cut():
            return secrecy.relay.last_error is not None
        await eventually(relay_hit_the_cut, timeout=30)
        await broker.start()
    await emit(chunks[cuts])

    async def all_done():
        return await processed() >= len(projects)

    await eventually(all_done, timeout=90)
    history, inbox = await effects(approval)
    assert jepsen_counts(set(projects), history) == ZERO
    assert jepsen_counts(set(sent.values()), inbox) == ZERO
    assert await list_dead_letters(amqp_url, bus_prefix, ["approval"]) == []


async def _at_least(measure, floor: int) -> bool:
    return await measure() >= floor


async def test_poison_messages_are_dead_lettered_and_the_messages_behind_them_are_processed(
        postgres, amqp_url, bus_prefix, keys, teardown):
    url = await postgres.create("approval_poison")
    settings = Settings(amqp_url=amqp_url, bus_prefix=bus_prefix, jwt_public_key_file=keys[1],
                        bus_delivery_limit=3, bus_prefetch=1)  # one at a time: a stuck head would block the rest
    approval, projects = await approval_with_projects(url, settings, 21)
    teardown.append(drop_queues(amqp_url, bus_prefix, "approval"))
    doomed, healthy = projects[0], projects[1:]
    database = await asyncpg.connect(asyncpg_url(url))
    teardown.append(database.close)
    # A handler that always fails: the database refuses this one project's history row, whatever the attempt.
    await database.execute(f"""
        CREATE FUNCTION refuse_doomed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'refused for the test'; END $$;
        CREATE TRIGGER refuse_doomed BEFORE INSERT ON decision_trail FOR EACH ROW
        WHEN (NEW.project_id = '{doomed}') EXECUTE FUNCTION refuse_doomed();""")
    await approval.start()
    teardown.append(approval.stop)

    unknown_version = Envelope(**{**review_passed(healthy[0]).model_dump(), "type": "secrecy.review.passed.v9"})
    always_fails = review_passed(doomed)
    connection = await aio_pika.connect(amqp_url)
    teardown.append(connection.close)
    channel = await connection.channel(publisher_confirms=True)
    exchange = await channel.get_exchange(f"{bus_prefix}.events")
    for body in (b'{"id": "not json', unknown_version.to_bytes(), always_fails.to_bytes()):
        await exchange.publish(aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                               routing_key=PASSED)
    behind = {project_id: review_passed(project_id) for project_id in healthy}
    for envelope in behind.values():
        await exchange.publish(aio_pika.Message(envelope.to_bytes(), delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                                                message_id=envelope.id), routing_key=PASSED)

    async def all_behind_done():
        return sum((await effects(approval))[1].values()) >= len(behind)

    async def three_dead():
        letters = await list_dead_letters(amqp_url, bus_prefix, ["approval"])
        return letters if len(letters) == 3 else None

    await eventually(all_behind_done, timeout=60)
    letters = await eventually(three_dead, timeout=60)
    history, inbox = await effects(approval)
    assert jepsen_counts(set(healthy), history) == ZERO
    assert jepsen_counts({e.id for e in behind.values()}, inbox) == ZERO
    reasons = {letter.type: letter.reason for letter in letters}
    assert reasons == {"(unreadable)": "rejected", "secrecy.review.passed.v9": "rejected",
                       PASSED: "delivery_limit"}  # unreadable ones at once, the failing one after its 3 deliveries
    assert {letter.id for letter in letters} >= {unknown_version.id, always_fails.id}
    assert all(letter.deaths == 1 for letter in letters)
    # Listing took nothing away.
    assert len(await list_dead_letters(amqp_url, bus_prefix, ["approval"])) == 3


async def test_a_service_is_unready_while_postgres_is_cut_and_recovers_by_itself(
        postgres, amqp_url, bus_prefix, keys, teardown, caplog):
    url = await postgres.create("approval_pg_cut")
    settings = Settings(amqp_url=amqp_url, bus_prefix=bus_prefix, jwt_public_key_file=keys[1],
                        relay_poll_interval=0.05, bus_delivery_limit=2)
    _, projects = await approval_with_projects(url, settings, 3)
    database = TcpProxy("127.0.0.1", 5432)
    await database.start()
    teardown.append(database.cut)
    teardown.append(drop_queues(amqp_url, bus_prefix, "approval"))
    approval = ServiceRuntime(APPROVAL, settings.for_service(
        "approval", database_url=url.replace("@127.0.0.1:5432/", f"@127.0.0.1:{database.port}/")))
    app = create_service_app(approval, manage_lifecycle=False)
    await approval.start()
    teardown.append(approval.stop)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://approval.test")
    teardown.append(http.aclose)
    publisher = RabbitBus(amqp_url, prefix=bus_prefix)
    teardown.append(publisher.close)

    async def status(expected: int):
        response = await http.get("/readyz")
        return response.json() if response.status_code == expected else None

    await eventually(lambda: status(200), timeout=30)
    await database.cut()
    unready = await eventually(lambda: status(503), timeout=30)
    assert unready["ready"] is False and unready["database"].startswith("error")
    # An event arriving meanwhile waits for the database instead of using up its deliveries (it used to be
    # redelivered at once and dead-lettered within a second of the outage).
    during = review_passed(projects[0])
    await publisher.publish(during)

    async def handler_met_the_cut():
        messages = [r.getMessage() for r in caplog.records]
        waiting = any("database unreachable while handling" in m for m in messages)
        retried = sum("will be redelivered" in m for m in messages)
        return waiting or retried > settings.bus_delivery_limit
    await eventually(handler_met_the_cut, timeout=30)
    assert (await status(503)) is not None
    await database.start()
    await eventually(lambda: status(200), timeout=30)

    async def handled():
        return (await effects(approval))[1][during.id] == 1
    await eventually(handled, timeout=30)
    history, _ = await effects(approval)
    assert jepsen_counts({projects[0]}, history) == ZERO
    assert await list_dead_letters(amqp_url, bus_prefix, ["approval"]) == []


async def test_dead_letters_are_listed_and_replayed_one_or_all_through_the_cli(
        postgres, amqp_url, bus_prefix, keys, teardown, monkeypatch, capsys):
    from egov.cli import main

    url = await postgres.create("approval_replay")
    settings = Settings(amqp_url=amqp_url, bus_prefix=bus_prefix, jwt_public_key_file=keys[1],
                        bus_delivery_limit=2)
    approval, projects = await approval_with_projects(url, settings, 3)
    teardown.append(drop_queues(amqp_url, bus_prefix, "approval"))
    database = await asyncpg.connect(asyncpg_url(url))
    teardown.append(database.close)
    # The approval service is "down for a bug": every history row refused until the fix (the trigger's removal).
    await database.execute("""
        CREATE FUNCTION refuse_all() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'refused for the test'; END $$;
        CREATE TRIGGER refuse_all BEFORE INSERT ON decision_trail FOR EACH ROW
        WHEN (NEW.action = 'SECRECY_REVIEW_PASSED') EXECUTE FUNCTION refuse_all();""")
    await approval.start()
    teardown.append(approval.stop)
    publisher = RabbitBus(amqp_url, prefix=bus_prefix)
    teardown.append(publisher.close)
    sent = [review_passed(project_id) for project_id in projects]
    for envelope in sent:
        await publisher.publish(envelope)

    async def all_dead():
        return len(await list_dead_letters(amqp_url, bus_prefix, ["approval"])) == len(sent)
    await eventually(all_dead, timeout=60)

    monkeypatch.setenv("AMQP_URL", amqp_url)
    monkeypatch.setenv("BUS_PREFIX", bus_prefix)
    capsys.readouterr()
    await asyncio.to_thread(main, ["dead-letters", "list", "approval"])
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == len(sent)
    for envelope in sent:
        line = next(line for line in listed if envelope.id in line)
        assert line.split("\t")[:4] == ["approval", envelope.id, PASSED, f"subject {envelope.subject}"]
        assert "delivery_limit" in line and "dead-lettered 1 time" in line
    await asyncio.to_thread(main, ["dead-letters", "list"])  # every service: the others have none
    assert len(capsys.readouterr().out.splitlines()) == len(sent)

    await database.execute("DROP TRIGGER refuse_all ON decision_trail")  # the fix is deployed
    await asyncio.to_thread(main, ["dead-letters", "replay", "approval", sent[0].id])
    assert capsys.readouterr().out.startswith(f"replayed approval\t{sent[0].id}")

    async def handled(ids):
        inbox = (await effects(approval))[1]
        return all(inbox[i] == 1 for i in ids)
    await eventually(lambda: handled([sent[0].id]), timeout=30)
    remaining = await list_dead_letters(amqp_url, bus_prefix, ["approval"])
    assert sorted(letter.id for letter in remaining) == sorted(e.id for e in sent[1:])

    await asyncio.to_thread(main, ["dead-letters", "replay", "approval", "--all"])
    assert len(capsys.readouterr().out.splitlines()) == len(sent) - 1
    await eventually(lambda: handled([e.id for e in sent]), timeout=30)
    assert await list_dead_letters(amqp_url, bus_prefix, ["approval"]) == []
    await asyncio.to_thread(main, ["dead-letters", "list", "approval"])
    assert capsys.readouterr().out.strip() == "no dead letters"
    with pytest.raises(SystemExit, match="no dead letter with id nope"):
        await asyncio.to_thread(main, ["dead-letters", "replay", "approval", "nope"])
    history, inbox = await effects(approval)
    assert jepsen_counts(set(projects), history) == ZERO
    assert jepsen_counts({e.id for e in sent}, inbox) == ZERO
    assert dead_letter_queue(bus_prefix, "approval") == f"{bus_prefix}.approval.dead"
    assert await replay(amqp_url, bus_prefix, "approval", None) == []
