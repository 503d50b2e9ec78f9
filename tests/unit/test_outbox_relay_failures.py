"""The outbox relay when a publish fails (embedded tier: SQLite, the in-process bus behind a wrapper that refuses
chosen events while the bus stays reachable): confirmed rows are not sent again, a failure is recorded on its row,
a row that keeps failing is parked for an operator, and the rows behind it flow, except its own subject's."""
from collections import Counter

import asyncio

import pytest
from sqlalchemy import select

from egov.cli import main
from services.approval.app import DEFINITION as APPROVAL
from shared.bus import Bus
from shared.bus.memory import InProcessBus
from shared.outbox_admin import retry_parked
from shared.service import ServiceRuntime
from shared.settings import Settings
from tests.unit.test_outbox_inbox_embedded import approved_envelope

MAX_ATTEMPTS = 3


class RefusingBus(Bus):
    """The in-process bus, except that the broker refuses the events named in `refused` (and stays reachable)."""

    def __init__(self):
        self.inner = InProcessBus(retry_delay=0)
        self.refused: set[str] = set()
        self.delivered: Counter[str] = Counter()

    async def start(self):
        await self.inner.start()

    async def publish(self, envelope):
        if envelope.id in self.refused:
            raise RuntimeError("PRECONDITION_FAILED - the broker refused this message")
        await self.inner.publish(envelope)
        self.delivered[envelope.id] += 1

    async def subscribe(self, queue, routing_keys, handler):
        await self.inner.subscribe(queue, routing_keys, handler)

    async def ready(self):
        return await self.inner.ready()

    async def close(self):
        await self.inner.close()


@pytest.fixture
async def approval(tmp_path, keys, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))  # where `egov outbox ...` finds the service's database
    settings = Settings(data_dir=tmp_path, jwt_public_key_file=keys[1], outbox_max_attempts=MAX_ATTEMPTS)
    bus = RefusingBus()
    runtime = ServiceRuntime(APPROVAL, settings.for_service("approval"), bus=bus)
    await runtime.migrate()  # the relay is driven by hand, one round at a time
    yield runtime
    await runtime.stop()
    await bus.close()


async def emit(runtime, *subjects: str) -> list[str]:
    async with runtime.uow() as uow:
        ids = [(await uow.emit(approved_envelope(s).payload(), subject=s)).id for s in subjects]
        await uow.commit()
    return ids


async def cli(*argv: str) -> None:
    """`egov ...` as an operator runs it, beside the running service (the CLI has an event loop of its own)."""
    await asyncio.to_thread(main, list(argv))


async def rows(runtime) -> dict[str, dict]:
    async with runtime.sessions() as session:
        found = (await session.execute(select(runtime.outbox))).mappings().all()
    return {row["event_id"]: dict(row) for row in found}


async def test_a_failure_mid_batch_keeps_the_confirmations_made_before_it_and_is_recorded_on_its_row(approval):
    first, refused, third = await emit(approval, "p-1", "p-2", "p-3")
    approval.bus.refused = {refused}
    for _round in range(2):
        await approval.relay.drain()
    assert approval.bus.delivered == {first: 1, third: 1}  # each confirmed row sent once, not again next round
    outbox = await rows(approval)
    assert outbox[first]["published_at"] is not None and outbox[first]["attempts"] == 1
    assert outbox[refused]["published_at"] is None and outbox[refused]["parked_at"] is None
    assert outbox[refused]["attempts"] == 2
    assert "PRECONDITION_FAILED" in outbox[refused]["last_error"]
    assert approval.relay.failures and "PRECONDITION_FAILED" in approval.relay.failures[0]


async def test_a_row_refused_max_attempts_times_is_parked_and_only_its_subjects_later_rows_wait_behind_it(
        approval, capsys):
    first, poison, same_subject_later, other = await emit(approval, "p-1", "p-2", "p-2", "p-3")
    approval.bus.refused = {poison}
    await approval.relay.drain()
    assert approval.bus.delivered == {first: 1, other: 1}  # p-2's later event waits: order per project
    for _round in range(MAX_ATTEMPTS - 1):
        await approval.relay.drain()
    outbox = await rows(approval)
    assert outbox[poison]["attempts"] == MAX_ATTEMPTS and outbox[poison]["parked_at"] is not None
    assert outbox[same_subject_later]["published_at"] is None and outbox[same_subject_later]["attempts"] == 0

    attempts_when_parked = outbox[poison]["attempts"]
    newer_other, newer_same = await emit(approval, "p-4", "p-2")
    await approval.relay.drain()
    assert approval.bus.delivered == {first: 1, other: 1, newer_other: 1}  # the parked row blocks nobody else
    assert (await rows(approval))[poison]["attempts"] == attempts_when_parked  # not tried again
    assert approval.relay.failures == []

    checks = await approval.readiness()
    assert checks["outbox_parked"] == 1 and checks["outbox_oldest_unpublished_seconds"] >= 0

    await cli("outbox", "parked", "approval")
    listed = capsys.readouterr().out
    assert poison in listed and "2 later events of its subject wait" in listed and "PRECONDITION_FAILED" in listed

    approval.bus.refused = set()  # the cause is fixed; the operator puts the row back in line
    await cli("outbox", "retry", poison)
    assert "approval: event" in capsys.readouterr().out
    await approval.relay.drain()
    assert list(approval.bus.delivered) == [first, other, newer_other, poison, same_subject_later, newer_same]
    assert set(approval.bus.delivered.values()) == {1}
    checks = await approval.readiness()
    assert checks["outbox_parked"] == 0 and checks["outbox_oldest_unpublished_seconds"] is None


async def test_an_unreachable_bus_charges_no_row_however_long_it_stays_away(approval):
    (event,) = await emit(approval, "p-1")
    await approval.bus.inner.close()  # the broker goes away
    for _round in range(MAX_ATTEMPTS + 2):
        with pytest.raises(ConnectionError):
            await approval.relay.drain()
    row = (await rows(approval))[event]
    assert row["attempts"] == 0 and row["parked_at"] is None and "BusUnavailable" in row["last_error"]
    await approval.bus.inner.start()
    assert await approval.relay.drain() == 1
    assert approval.bus.delivered == {event: 1}


async def test_retry_refuses_a_row_that_is_not_parked(approval):
    (event,) = await emit(approval, "p-1")
    assert await retry_parked(approval.sessions, approval.outbox, event) is False
    with pytest.raises(SystemExit, match="no parked outbox row"):
        await cli("outbox", "retry", event, "--service", "approval")
