"""On RabbitMQ a service publishes and consumes events on a loop of its own (shared.event_loop_thread), so an event
does not wait behind the requests on the request loop: the issue's goal of commit-to-effect latency under load.

The test blocks each service's request loop outright (a synchronous sleep, as a long request would) right after a
commit, and the event must still be published by the producer and its effect committed by the consumer meanwhile."""
import threading
import time

import pytest
from sqlalchemy import select

from services.approval.app import DEFINITION as APPROVAL
from services.finance.adapters.orm import budget_reviews
from services.finance.app import DEFINITION as FINANCE
from shared.events import ProjectApproved
from shared.service import ServiceRuntime
from tests.integration.test_outbox_postgres import settings_for
from tests.unit.test_outbox_inbox_embedded import approved_envelope

pytestmark = pytest.mark.integration


async def test_an_event_is_published_and_handled_while_both_request_loops_are_busy(postgres, amqp_url, bus_prefix,
                                                                                   keys):
    approval = ServiceRuntime(APPROVAL, settings_for(await postgres.create("approval"), amqp_url, bus_prefix, keys)
                              .for_service("approval"))
    finance = ServiceRuntime(FINANCE, settings_for(await postgres.create("finance"), amqp_url, bus_prefix, keys)
                             .for_service("finance"))
    await finance.start()
    await approval.start()
    try:
        payload = ProjectApproved.model_validate(approved_envelope("p-busy").data)
        async with approval.uow() as uow:
            await uow.emit(payload, subject="p-busy")
            await uow.commit()
        time.sleep(1.5)  # both services' request loop (this one) is busy for 1.5 s; their event loops are not
        async with approval.sessions() as session:
            published = (await session.execute(select(approval.outbox.c.published_at))).scalar_one()
        async with finance.sessions() as session:
            opened = (await session.execute(select(budget_reviews.c.project_id))).scalars().all()
            handled_by = (await session.execute(select(finance.inbox.c.event_id))).scalars().all()
        assert published is not None, "the relay waited for the request loop"
        assert opened == ["p-busy"] and len(handled_by) == 1, "the consumer waited for the request loop"
        assert {thread.name for thread in threading.enumerate()} >= {"approval-events", "finance-events"}
    finally:
        await approval.stop()
        await finance.stop()
    assert not {thread.name for thread in threading.enumerate()} & {"approval-events", "finance-events"}
