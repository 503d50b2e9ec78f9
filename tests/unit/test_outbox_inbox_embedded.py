"""Outbox and inbox on the embedded tier (SQLite files, in-process bus), through the real services' runtimes."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from services.approval.app import DEFINITION as APPROVAL
from services.finance.adapters.orm import budget_reviews
from services.finance.app import DEFINITION as FINANCE
from shared.bus.memory import InProcessBus
from shared.events import Envelope, ProjectApproved
from shared.service import ServiceRuntime
from shared.uow import EventConsumer
from shared.settings import Settings
from tests.conftest import eventually


@pytest.fixture
async def finance(tmp_path, keys):
    settings = Settings(data_dir=tmp_path, jwt_public_key_file=keys[1])
    bus = InProcessBus(retry_delay=0)
    runtime = ServiceRuntime(FINANCE, settings.for_service("finance"), bus=bus)
    await runtime.start()
    yield runtime
    await runtime.stop()
    await bus.close()


def approved_envelope(project_id="p-1") -> Envelope:
    payload = ProjectApproved(project_id=project_id, code="CITY-2026-0001", name="n", unit_id="u", unit_path=["u"],
                              jurisdiction="CITY", kind="APPLICATION_SYSTEM_NEW", investment_estimate=100,
                              fund_sources=[], approved_at=datetime.now(timezone.utc))
    return Envelope.wrap(payload, source="approval", subject=project_id)


async def count(runtime, table, *where) -> int:
    async with runtime.sessions() as session:
        return (await session.execute(select(func.count()).select_from(table).where(*where))).scalar_one()


async def test_the_same_event_delivered_twice_has_one_effect(finance):
    envelope = approved_envelope()
    await finance.consumer(envelope)
    await finance.consumer(Envelope.from_bytes(envelope.to_bytes()))  # the redelivery, as off the wire
    assert await count(finance, budget_reviews) == 1
    assert await count(finance, finance.outbox) == 1  # one budget_review.opened event, not two
    assert await count(finance, finance.inbox) == 1


async def test_a_repeat_the_rules_refuse_because_the_first_delivery_took_effect_is_done_not_retried(finance):
    """The consumer does not look in its inbox before handling: a repeat is handled, and when the rules refuse it
    (the first delivery already changed the state), the inbox says it was done, so it is not failed or retried."""
    envelope = approved_envelope()
    handled = []

    async def once_only(uow, payload, envelope):
        handled.append(envelope.id)
        if len(handled) > 1:
            raise ValueError("the project already has its budget review")

    consumer = EventConsumer("finance", finance.uow, {envelope.type: once_only})
    await consumer(envelope)
    await consumer(Envelope.from_bytes(envelope.to_bytes()))  # no error: done
    assert handled == [envelope.id, envelope.id]
    assert await count(finance, finance.inbox) == 1


async def test_a_failing_effect_leaves_no_inbox_row_so_the_redelivery_is_processed(finance):
    envelope = approved_envelope()
    broken = Envelope(**{**envelope.model_dump(), "data": {**envelope.data, "investment_estimate": -5}})
    with pytest.raises(ValueError):
        await finance.consumer(broken)
    assert await count(finance, finance.inbox) == 0 and await count(finance, budget_reviews) == 0


async def test_an_event_committed_while_the_bus_is_down_is_published_when_it_returns(tmp_path, keys):
    settings = Settings(data_dir=tmp_path, jwt_public_key_file=keys[1], relay_poll_interval=0.05)
    bus = InProcessBus(retry_delay=0)
    received: list[str] = []

    async def listener(envelope):
        received.append(envelope.id)

    await bus.subscribe("listener", ["#"], listener)
    approval = ServiceRuntime(APPROVAL, settings.for_service("approval"), bus=bus)
    await approval.start()
    try:
        await bus.close()  # the broker goes away
        await bus.subscribe("listener", ["#"], listener)
        async with approval.uow() as uow:
            envelope = await uow.emit(approved_envelope().payload(), subject="p-1")
            await uow.commit()
        await eventually(lambda: _has_error(approval))
        assert received == []
        assert await count(approval, approval.outbox, approval.outbox.c.published_at.is_(None)) == 1
        await bus.start()  # the broker is back
        await eventually(lambda: _async_value(received == [envelope.id]))
        # The listener can see the event before the relay has committed its publication.
        await eventually(lambda: _none_unpublished(approval))
        assert received == [envelope.id]
    finally:
        await approval.stop()
        await bus.close()


async def _has_error(runtime) -> bool:
    return runtime.relay.last_error is not None


async def _async_value(value):
    return value


async def _none_unpublished(runtime) -> bool:
    return await count(runtime, runtime.outbox, runtime.outbox.c.published_at.is_(None)) == 0


async def test_a_transactions_events_are_written_at_commit_in_the_order_emitted_with_their_audience(finance):
    """R-SEC-2: each event carries the need-to-know facts of its project, as the emitting service's own lookup
    reads them inside the committing transaction; a subject it does not know gets none."""
    from shared.events import Audience
    from shared.uow import UnitOfWork

    looked_up = []

    async def audience(session, project_ids):
        looked_up.append(project_ids)
        return {"p-known": Audience(project_id="p-known", unit_path=["u-2", "u-1"], jurisdiction="CITY",
                                    classified=True)}

    def uow():
        return UnitOfWork(finance.sessions, outbox=finance.outbox, inbox=finance.inbox, source="finance",
                          audience=audience)

    payloads = [ProjectApproved.model_validate(approved_envelope(subject).data) for subject in ("p-known", "p-new")]
    async with uow() as work:
        for payload, subject in zip(payloads, ("p-known", "p-new")):
            await work.emit(payload, subject=subject)
        assert await count(finance, finance.outbox) == 0  # nothing written before the commit
        await work.commit()
    async with uow() as work:  # a transaction that does not commit writes nothing
        await work.emit(payloads[0], subject="p-known")
    assert looked_up == [["p-known", "p-new"]]
    async with finance.sessions() as session:
        rows = (await session.execute(select(finance.outbox.c.subject, finance.outbox.c.envelope)
                                      .order_by(finance.outbox.c.seq))).all()
    assert [subject for subject, _ in rows] == ["p-known", "p-new"]
    known, unknown = (Envelope.model_validate(envelope) for _, envelope in rows)
    assert known.audience.classified and known.audience.unit_path == ["u-2", "u-1"]
    assert unknown.audience is None
