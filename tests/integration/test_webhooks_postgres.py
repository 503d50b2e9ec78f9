"""Signed webhooks on the real PostgreSQL, to a real HTTP endpoint: the approval service's own worker consumes the
events of the bus, owes deliveries with its inbox rows, and its dispatcher sends them to a receiver (uvicorn, on a
loopback port) that verifies every signature and answers 500 to each event's first two attempts. Every public
event reaches it once in effect, under one webhook-id; a classified project's events never do (R-SEC-2, R-PUB-1)."""
from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from services.approval.adapters.webhook_tables import webhook_deliveries
from services.approval.app import DEFINITION
from shared.bus.memory import InProcessBus
from shared.events import ProjectSubmitted
from shared.service import ServiceRuntime
from shared.settings import Settings
from tests.conftest import eventually
from tests.support.http_server import serve
from tests.support.webhook_receiver import Receiver
from tests.unit.approval.builders import BUREAU, UNIT
from tests.unit.approval.conftest import ApprovalService
from tests.unit.approval.test_service import drafted, run
from tests.unit.approval.test_webhooks import REGISTER, payment

pytestmark = pytest.mark.integration


@pytest.fixture
async def approval_with_webhooks(postgres, keys):
    bus = InProcessBus(retry_delay=0)
    settings = Settings(database_url=await postgres.create("webhooks"), jwt_public_key_file=keys[1],
                        environment="test", webhook_retry_base=0.01, webhook_poll_interval=0.05,
                        webhook_timeout=5).for_service("approval")
    runtime = ServiceRuntime(DEFINITION, settings, bus=bus)
    await runtime.start()
    yield ApprovalService(runtime), bus
    await runtime.stop()
    await bus.close()


async def submitted_event_id(runtime, project_id: str) -> str:
    async with runtime.sessions() as session:
        return (await session.execute(select(runtime.outbox.c.event_id).where(
            runtime.outbox.c.type == ProjectSubmitted.event_type, runtime.outbox.c.subject == project_id))
        ).scalar_one()


async def test_R_SEC_2_R_PUB_1_public_events_arrive_signed_once_in_effect_through_retries(approval_with_webhooks):
    approval, bus = approval_with_webhooks
    receiver = Receiver(failures=2)
    with serve(receiver.app()) as base_url:
        done = (await approval.call(BUREAU, REGISTER, input={
            "agency": "city statistics bureau", "url": f"{base_url}/hook",
            "eventTypes": ["approval.project.*", "finance.payment.*"]}))["registerWebhook"]
        assert done["userErrors"] == []
        receiver.secret = done["secret"]

        public = await drafted(approval)
        secret = await drafted(approval, declaredClassified=True)
        for project_id in (public, secret):
            assert (await run(approval, UNIT, "submitProject", id=project_id))["userErrors"] == []
        paid = payment("p-public")
        await bus.publish(paid)
        await bus.publish(payment("p-secret", classified=True))
        await bus.publish(payment("p-unknown", audience=False))

        expected = {await submitted_event_id(approval.runtime, public), paid.id}
        hidden = {await submitted_event_id(approval.runtime, secret)}

        async def all_delivered():
            async with approval.runtime.sessions() as session:
                rows = (await session.execute(select(webhook_deliveries.c.event_id, webhook_deliveries.c.status)))
                rows = rows.all()
            return len(rows) == len(expected) and all(row.status == "DELIVERED" for row in rows) and rows

        delivered = await eventually(all_delivered, timeout=30)
        assert {row.event_id for row in delivered} == expected

    assert receiver.bad_signatures == 0 and all(a["verified"] for a in receiver.attempts)
    assert Counter(a["id"] for a in receiver.attempts) == {event_id: 3 for event_id in expected}
    assert [a["status"] for a in receiver.attempts if a["id"] == paid.id] == [500, 500, 200]
    assert sorted(entry["webhook_id"] for entry in receiver.applied) == sorted(expected)  # once in effect
    assert not hidden & {a["id"] for a in receiver.attempts}
    data = {entry["webhook_id"]: entry["body"] for entry in receiver.applied}
    assert data[paid.id] == {"type": "finance.payment.made.v1", "timestamp": paid.time.isoformat(),
                             "data": paid.data}
