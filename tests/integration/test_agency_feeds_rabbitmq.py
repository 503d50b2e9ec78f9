"""Agency feeds on the real RabbitMQ with its management API (R-SEC-2, R-PUB-1): an agency reads, with its own
credentials, only the events it was granted about projects it may see, and the broker refuses it everything else."""
import asyncio
import os
import uuid
from urllib.parse import urlparse, urlunparse

import aio_pika
import pytest
from aiormq.exceptions import ChannelAccessRefused
from cloudevents.core.bindings import amqp
from cloudevents.core.formats.json import JSONFormat

from services.approval.feeds.access import AgencyAccess
from services.approval.feeds.grants import Grant, agency_queue, agency_user
from services.approval.feeds.relay import RELAY_QUEUE, AgencyFeedRelay, agency_exchange_name
from shared.bus.rabbitmq import RabbitBus
from shared.events import Audience, Envelope
from tests.conftest import eventually, need_server

pytestmark = pytest.mark.integration

MANAGEMENT_URL = os.environ.get("EGOV_TEST_RABBITMQ_MANAGEMENT", "http://127.0.0.1:15672")


@pytest.fixture
def management_url(amqp_url) -> str:
    need_server("RabbitMQ management API", MANAGEMENT_URL, 15672)
    return MANAGEMENT_URL


@pytest.fixture
async def feed(amqp_url, management_url, bus_prefix):
    """The internal bus, the relay started on it, and the operator's access to agencies; everything this prefix made
    on the broker (users, queues, exchanges) is deleted afterwards."""
    bus = RabbitBus(amqp_url, prefix=bus_prefix, delivery_limit=2, retry_delay=0.01)
    await bus.start()
    relay = AgencyFeedRelay(bus)
    await relay.start()
    access = AgencyAccess(management_url=management_url, user="guest", password="guest", amqp_url=amqp_url,
                          prefix=bus_prefix)
    yield bus, relay, access
    for agency in await access.list():
        await access.revoke(agency.agency)
    await access.close()
    await relay.stop()
    await bus.close()
    await bus.delete_everything([RELAY_QUEUE], exchanges=[agency_exchange_name(bus_prefix)])


def as_agency(amqp_url: str, user: str, password: str) -> str:
    parsed = urlparse(amqp_url)
    return urlunparse(parsed._replace(netloc=f"{user}:{password}@{parsed.hostname}:{parsed.port or 5672}"))


def event(type_: str, *, classified: bool | None) -> Envelope:
    audience = None if classified is None else Audience(
        project_id="p-1", unit_path=["city-health-commission"], jurisdiction="CITY", classified=classified)
    return Envelope(id=str(uuid.uuid4()), type=type_, source="finance" if type_.startswith("finance") else "approval",
                    subject="p-1", data={"project_id": "p-1", "amount": 100}, audience=audience)


async def relayed_all(relay: AgencyFeedRelay, count: int):
    await eventually(lambda: relay.relayed + relay.withheld >= count)


async def _ignore(_message):
    return None


async def test_r_sec_2_an_agency_reads_with_its_own_credentials_only_granted_events_of_visible_projects(feed, amqp_url):
    bus, relay, access = feed
    password = await access.grant(Grant("commission", ("finance.payment.*",)))
    payment = event("finance.payment.made.v1", classified=False)
    for withheld in (event("approval.project.approved.v1", classified=False),  # not granted
                     event("finance.payment.made.v1", classified=True),        # a classified project's (R-SEC-2)
                     event("finance.payment.made.v1", classified=None)):       # no audience: fail closed
        await bus.publish(withheld)
    await bus.publish(payment)
    await relayed_all(relay, 4)
    assert (relay.relayed, relay.withheld) == (2, 2)  # the approval event reached the exchange, bound by no one

    connection = await aio_pika.connect(as_agency(amqp_url, agency_user(bus.prefix, "commission"), password))
    async with connection:
        channel = await connection.channel()
        queue = await channel.get_queue(agency_queue(bus.prefix, "commission"), ensure=False)
        received = []
        async with queue.iterator() as messages:
            async for message in messages:
                async with message.process():
                    received.append(message)
                break
        await asyncio.sleep(0.3)
        assert await queue.get(no_ack=False, fail=False) is None  # nothing else was routed to it
    message = received[0]
    assert message.routing_key == "CITY.finance.payment.made.v1"
    cloud_event = amqp.from_binary(amqp.AMQPMessage(
        properties={"content-type": message.content_type}, application_properties=dict(message.headers),
        application_data=message.body), JSONFormat())
    assert cloud_event.get_attributes()["id"] == payment.id  # the original id: the agency deduplicates by it
    assert cloud_event.get_attributes()["specversion"] == "1.0"
    assert cloud_event.get_attributes()["subject"] == "p-1"
    assert cloud_event.get_data() == payment.data
    assert [feed.messages for feed in await access.list()] == [0]


async def test_r_sec_2_the_broker_refuses_an_agency_everything_but_reading_its_own_queue(feed, amqp_url):
    bus, _relay, access = feed
    password = await access.grant(Grant("heshan-gov", ("approval.project.*",), "HESHAN"))
    internal_queue = f"{bus.prefix}.{RELAY_QUEUE}"  # exists: the relay consumes it
    connection = await aio_pika.connect(as_agency(amqp_url, agency_user(bus.prefix, "heshan-gov"), password))
    async with connection:
        with pytest.raises(ChannelAccessRefused):  # declare a queue of its own
            await (await connection.channel()).declare_queue(f"{bus.prefix}.agency.heshan-gov-2", durable=True)
        with pytest.raises(ChannelAccessRefused):  # bind its queue to the internal exchange
            channel = await connection.channel()
            own = await channel.get_queue(agency_queue(bus.prefix, "heshan-gov"), ensure=False)
            await own.bind(bus.exchange_name, routing_key="#")
        with pytest.raises(ChannelAccessRefused):  # widen its own binding on the agency exchange
            channel = await connection.channel()
            own = await channel.get_queue(agency_queue(bus.prefix, "heshan-gov"), ensure=False)
            await own.bind(agency_exchange_name(bus.prefix), routing_key="#")
        with pytest.raises(ChannelAccessRefused):  # publish to the agency exchange
            channel = await connection.channel(publisher_confirms=True)
            exchange = await channel.get_exchange(agency_exchange_name(bus.prefix), ensure=False)
            await exchange.publish(aio_pika.Message(b"{}"), routing_key="HESHAN.approval.project.approved.v1")
        with pytest.raises(ChannelAccessRefused):  # consume another queue
            channel = await connection.channel()
            other = await channel.get_queue(internal_queue, ensure=False)
            await other.consume(_ignore)
    assert [feed.bindings for feed in await access.list()] == [("HESHAN:approval.project.*",)]


async def test_revoking_an_agency_removes_its_user_queue_and_bindings(feed, amqp_url):
    bus, _relay, access = feed
    password = await access.grant(Grant("bureau", ("approval.project.*",)))
    url = as_agency(amqp_url, agency_user(bus.prefix, "bureau"), password)
    connection = await aio_pika.connect(url)
    await connection.close()
    assert await access.revoke("bureau") is True
    with pytest.raises(aio_pika.exceptions.ProbableAuthenticationError):
        await aio_pika.connect(url)
    assert await access.list() == []
    assert await access.revoke("bureau") is False
