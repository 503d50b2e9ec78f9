"""The approval service as deployed (PostgreSQL, RabbitMQ, its events on their own loop) feeds other agencies both
ways at once: a project submitted through its graph reaches an agency's own queue on the redacted exchange and an
agency's webhook endpoint, signed; a classified project's submission reaches neither (R-SEC-2, R-PUB-1)."""
import asyncio

import aio_pika
import pytest
from sqlalchemy import select

from services.approval.app import DEFINITION
from services.approval.feeds.access import AgencyAccess
from services.approval.feeds.grants import Grant, agency_queue, agency_user
from services.approval.feeds.relay import RELAY_QUEUE, agency_exchange_name
from services.approval.webhook_dispatcher import CONSUMER as WEBHOOK_QUEUE
from shared.events import ProjectSubmitted
from shared.service import ServiceRuntime
from shared.settings import Settings
from tests.conftest import eventually
from tests.integration.test_agency_feeds_rabbitmq import as_agency
from tests.support.http_server import serve
from tests.support.webhook_receiver import Receiver
from tests.unit.approval.builders import BUREAU, UNIT
from tests.unit.approval.conftest import ApprovalService
from tests.unit.approval.test_service import drafted, run
from tests.unit.approval.test_webhooks import REGISTER

pytestmark = pytest.mark.integration


@pytest.fixture
async def approval_on_the_broker(postgres, amqp_url, management_url, bus_prefix, keys):
    settings = Settings(database_url=await postgres.create("agencies"), amqp_url=amqp_url, bus_prefix=bus_prefix,
                        jwt_public_key_file=keys[1], environment="test", relay_poll_interval=0.1,
                        webhook_retry_base=0.01, webhook_poll_interval=0.05, webhook_timeout=5)
    runtime = ServiceRuntime(DEFINITION, settings.for_service("approval"))
    await runtime.start()
    access = AgencyAccess(management_url=management_url, user="guest", password="guest", amqp_url=amqp_url,
                          prefix=bus_prefix)
    yield ApprovalService(runtime), access
    for agency in await access.list():
        await access.revoke(agency.agency)
    await access.close()
    await runtime.stop()
    await runtime.bus.delete_everything(["approval", RELAY_QUEUE, WEBHOOK_QUEUE],
                                        exchanges=[agency_exchange_name(bus_prefix)])


@pytest.fixture
def management_url(amqp_url):
    from tests.integration.test_agency_feeds_rabbitmq import MANAGEMENT_URL
    from tests.conftest import need_server

    need_server("RabbitMQ management API", MANAGEMENT_URL, 15672)
    return MANAGEMENT_URL


async def submitted_event_id(runtime, project_id: str) -> str:
    async with runtime.sessions() as session:
        return (await session.execute(select(runtime.outbox.c.event_id).where(
            runtime.outbox.c.type == ProjectSubmitted.event_type, runtime.outbox.c.subject == project_id))
        ).scalar_one()


async def test_R_SEC_2_a_submission_reaches_an_agency_queue_and_a_webhook_and_a_classified_one_neither(
        approval_on_the_broker, amqp_url):
    approval, access = approval_on_the_broker
    password = await access.grant(Grant("district-data-bureau", ("approval.project.*",)))
    receiver = Receiver()
    with serve(receiver.app()) as base_url:
        registered = (await approval.call(BUREAU, REGISTER, input={
            "agency": "district data bureau", "url": f"{base_url}/hook", "eventTypes": ["approval.project.*"]}))
        receiver.secret = registered["registerWebhook"]["secret"]

        classified = await drafted(approval, declaredClassified=True)
        public = await drafted(approval)
        for project_id in (classified, public):  # the classified one first: anything of it would come first
            assert (await run(approval, UNIT, "submitProject", id=project_id))["userErrors"] == []
        expected = await submitted_event_id(approval.runtime, public)
        hidden = await submitted_event_id(approval.runtime, classified)

        async def delivered():
            return [a for a in receiver.applied if a["webhook_id"] == expected]

        await eventually(delivered, timeout=30)
    assert receiver.bad_signatures == 0
    assert {a["webhook_id"] for a in receiver.applied} == {expected}
    assert hidden not in {a["id"] for a in receiver.attempts}

    user = agency_user(approval.runtime.bus.prefix, "district-data-bureau")
    connection = await aio_pika.connect(as_agency(amqp_url, user, password))
    async with connection:
        queue = await (await connection.channel()).get_queue(
            agency_queue(approval.runtime.bus.prefix, "district-data-bureau"), ensure=False)
        message = await eventually(lambda: queue.get(no_ack=True, fail=False), timeout=30)
        await asyncio.sleep(0.3)
        assert await queue.get(no_ack=True, fail=False) is None  # the classified submission never came
    assert message.headers["cloudEvents:id"] == expected
    assert message.routing_key == f"CITY.{ProjectSubmitted.event_type}"
