"""Signed webhooks for agencies (Article 19's publicity, pushed), on the embedded SQLite: who receives what
(R-SEC-2 / R-PUB-1: never a classified or unaddressed event), the Standard Webhooks signature, the retry schedule,
disabling an endpoint that fails for a day, replay, and the Approval Bureau's sole management of them."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from standardwebhooks import Webhook, WebhookVerificationError

from services.approval.adapters.webhook_tables import webhook_attempts
from services.approval.app import DEFINITION
from services.approval.domain.webhooks import (
    RETRY_FACTORS, Registration, check_endpoint, new_secret, retry_delay, subscribes_to,
)
from services.approval.webhook_dispatcher import CONSUMER, WebhookDispatcher, signed_headers
from services.approval.webhook_handlers import create_webhook_handlers
from shared.auth import Department, Identity
from shared.bus.memory import InProcessBus
from shared.errors import DomainError
from shared.events import Audience, Envelope, PaymentMade
from shared.service import ServiceRuntime
from shared.visibility import outside_readable
from shared.settings import Settings
from shared.uow import EventConsumer
from tests.support.webhook_receiver import Receiver
from tests.unit.approval.builders import BUREAU, FINANCE
from tests.unit.approval.conftest import ApprovalService

URL = "http://127.0.0.1:9/hook"  # never dialled: the dispatcher here talks to the receiver in-process (ASGI)


def payment(project_id="p-1", *, classified=False, jurisdiction="CITY", audience=True) -> Envelope:
    made = PaymentMade(payment_id="pay-1", project_id=project_id, year=2026, tranche="first", purpose="servers",
                       amount=1_000_00, paid_at=datetime(2026, 3, 1, tzinfo=timezone.utc))
    envelope = Envelope.wrap(made, source="finance", subject=project_id)
    if not audience:
        return envelope
    return envelope.model_copy(update={"audience": Audience(project_id=project_id, unit_path=["health-commission"],
                                                            jurisdiction=jurisdiction, classified=classified)})


def registration(*patterns, jurisdiction=None, enabled=True) -> Registration:
    return Registration(id="r", agency="statistics bureau", url=URL, event_types=patterns, jurisdiction=jurisdiction,
                        enabled=enabled)


# --- the matching rule -------------------------------------------------------------------------------------------

def test_R_SEC_2_R_PUB_1_only_an_addressed_unclassified_event_may_leave():
    assert outside_readable(payment())
    assert not outside_readable(payment(classified=True))
    assert not outside_readable(payment(audience=False))  # fail closed: not known to be public


@pytest.mark.parametrize(("patterns", "jurisdiction", "envelope", "expected"), [
    (("finance.payment.*",), None, payment(), True),
    (("finance.*",), None, payment(), True),
    (("finance.payment.made.v1",), None, payment(), True),
    (("finance.payment.made.v2",), None, payment(), False),
    (("approval.*",), None, payment(), False),
    (("*",), "CITY", payment(), True),
    (("*",), "ANHUA", payment(), False),
    (("*",), None, payment(classified=True), False),
    (("*",), None, payment(audience=False), False),
])
def test_R_PUB_1_a_registration_receives_the_types_its_globs_name_of_its_jurisdiction(patterns, jurisdiction,
                                                                                      envelope, expected):
    assert subscribes_to(registration(*patterns, jurisdiction=jurisdiction), envelope) is expected


def test_a_disabled_registration_receives_nothing():
    assert not subscribes_to(registration("*", enabled=False), payment())


@pytest.mark.parametrize(("url", "environment", "accepted"), [
    ("https://agency.example.gov.cn/hooks", "production", True),
    ("http://agency.example.gov.cn/hooks", "development", False),
    ("http://127.0.0.1:8080/hook", "test", True),
    ("http://localhost/hook", "development", True),
    ("http://localhost/hook", "production", False),
    ("https://user:pw@agency.example/hooks", "production", False),
    ("ftp://agency.example/hooks", "development", False),
])
def test_an_endpoint_is_https_and_plain_http_only_to_localhost_outside_production(url, environment, accepted):
    try:
        check_endpoint(url, environment=environment)
    except DomainError:
        assert not accepted
    else:
        assert accepted


def test_the_signature_verifies_with_the_endpoints_secret_only():
    secret, other = new_secret(), new_secret()
    body = '{"type":"finance.payment.made.v1","timestamp":"2026-03-01T00:00:00+00:00","data":{}}'
    headers = signed_headers(secret, "evt-1", body, datetime.now(timezone.utc))
    assert headers["webhook-id"] == "evt-1" and headers["webhook-signature"].startswith("v1,")
    assert Webhook(secret).verify(body, headers)["type"] == "finance.payment.made.v1"
    with pytest.raises(WebhookVerificationError):
        Webhook(other).verify(body, headers)
    with pytest.raises(WebhookVerificationError):  # a changed body does not verify
        Webhook(secret).verify(body.replace("made", "undone"), headers)


# --- the retry schedule ------------------------------------------------------------------------------------------

def test_the_back_off_follows_standard_webhooks_5s_5m_30m_2h_5h_10h_10h_then_stops():
    exact = [retry_delay(n, base=5.0, draw=lambda low, high: 1.0) for n in range(1, len(RETRY_FACTORS) + 2)]
    assert exact == [timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
                     timedelta(hours=5), timedelta(hours=10), timedelta(hours=10), None]
    assert retry_delay(2, base=0.01, draw=lambda low, high: 1.0) == timedelta(seconds=0.6)  # the base scales it


def test_the_back_off_has_jitter_within_ten_percent():
    drawn = {retry_delay(3, base=5.0) for _ in range(20)}
    assert len(drawn) > 1
    assert all(timedelta(minutes=27) <= d <= timedelta(minutes=33) for d in drawn)


# --- the service: deliveries owed, signed, retried, disabled, replayed --------------------------------------------

@pytest.fixture
async def webhooks(tmp_path, keys):
    """The approval service without its background worker: the test hands events to the webhook consumer and runs
    the dispatcher's rounds itself, at the instants it chooses."""
    bus = InProcessBus(retry_delay=0)
    runtime = ServiceRuntime(dataclasses.replace(DEFINITION, workers=[]), Settings(
        data_dir=tmp_path, jwt_public_key_file=keys[1], environment="test").for_service("approval"), bus=bus)
    await runtime.start()
    yield ApprovalService(runtime)
    await runtime.stop()
    await bus.close()


REGISTER = """mutation($input: RegisterWebhookInput!) { registerWebhook(input: $input) {
  webhook { id agency url eventTypes jurisdiction enabled } secret userErrors { code field message } } }"""
DELIVERIES = """query { webhookDeliveries { id eventId eventType status attempts lastError
  log { statusCode error durationMs } } }"""
WEBHOOKS = "query { webhooks { id enabled disabledReason failingSince } }"


async def register(service, *patterns, jurisdiction=None, url=URL) -> tuple[str, str]:
    done = (await service.call(BUREAU, REGISTER, input={"agency": "statistics bureau", "url": url,
                                                         "eventTypes": list(patterns),
                                                         "jurisdiction": jurisdiction}))["registerWebhook"]
    assert done["userErrors"] == []
    return done["webhook"]["id"], done["secret"]


def consumer(service) -> EventConsumer:
    return EventConsumer(CONSUMER, service.runtime.uow, create_webhook_handlers(service.runtime.reads))


def dispatcher(service, receiver: Receiver, clock=None, **options) -> WebhookDispatcher:
    return WebhookDispatcher(service.runtime.sessions, retry_base=options.pop("retry_base", 5.0),
                             disable_after=options.pop("disable_after", 24 * 3600),
                             transport=httpx.ASGITransport(app=receiver.app()), draw=lambda low, high: 1.0,
                             **({"clock": clock} if clock else {}), **options)


async def test_R_SEC_2_deliveries_are_owed_only_for_public_events_of_matching_registrations(webhooks):
    await register(webhooks, "finance.payment.*")
    await register(webhooks, "approval.*")
    await register(webhooks, "*", jurisdiction="ANHUA")
    public = payment("p-public")
    for envelope in (public, payment("p-secret", classified=True), payment("p-none", audience=False)):
        await consumer(webhooks)(envelope)
    await consumer(webhooks)(public.model_copy())  # the same event again: the inbox keeps it once
    owed = (await webhooks.call(BUREAU, DELIVERIES))["webhookDeliveries"]
    assert [(d["eventType"], d["status"], d["attempts"]) for d in owed] == [("finance.payment.made.v1", "PENDING", 0)]


async def test_an_event_that_owes_no_delivery_leaves_nothing_written_and_one_that_owes_is_kept_once(webhooks):
    """Most events name no registration: the webhook consumer writes no inbox row for them (nothing to make durable,
    nothing that a second delivery would do twice); an event that owes deliveries is kept in the inbox once."""
    await register(webhooks, "finance.payment.*", jurisdiction="ANHUA")
    inbox = webhooks.runtime.inbox

    async def kept() -> list[str]:
        async with webhooks.runtime.sessions() as session:
            return list((await session.execute(select(inbox.c.event_id).where(inbox.c.consumer == CONSUMER))).scalars())

    for envelope in (payment("p-city"), payment("p-secret", classified=True, jurisdiction="ANHUA"),
                     payment("p-none", audience=False)):
        await consumer(webhooks)(envelope)
    assert await kept() == []
    owed = payment("p-anhua", jurisdiction="ANHUA")
    await consumer(webhooks)(owed)
    await consumer(webhooks)(owed.model_copy())
    assert await kept() == [owed.id]
    assert len((await webhooks.call(BUREAU, DELIVERIES))["webhookDeliveries"]) == 1


async def test_an_event_that_owes_no_delivery_opens_no_transaction(webhooks):
    """The registrations are read outside the unit of work: for an event that owes nothing (most of them) the
    consumer's own session never starts a transaction, so it costs one read and no BEGIN or ROLLBACK."""
    await register(webhooks, "finance.payment.*", jurisdiction="ANHUA")
    units_of_work, begun = [], []

    def unit_of_work():
        units_of_work.append(webhooks.runtime.uow())
        return units_of_work[-1]

    def record(session, _transaction, _connection):
        begun.append(session)

    event.listen(Session, "after_begin", record)
    try:
        await EventConsumer(CONSUMER, unit_of_work, create_webhook_handlers(webhooks.runtime.reads))(payment("p-city"))
    finally:
        event.remove(Session, "after_begin", record)
    assert len(units_of_work) == 1 and units_of_work[0].session.sync_session not in begun
    assert begun, "the registrations were read, through a session of their own"


async def test_a_delivery_is_signed_per_standard_webhooks_and_verifies_with_the_secret(webhooks):
    _, secret = await register(webhooks, "finance.payment.*")
    assert secret.startswith("whsec_")
    envelope = payment()
    await consumer(webhooks)(envelope)
    receiver = Receiver(secret=secret)
    sender = dispatcher(webhooks, receiver)
    assert await sender.run_once() == 1
    assert receiver.bad_signatures == 0
    (attempt,) = receiver.attempts
    assert attempt["id"] == envelope.id and attempt["status"] == 200
    (applied,) = receiver.applied
    assert applied["body"] == {"type": "finance.payment.made.v1", "timestamp": envelope.time.isoformat(),
                               "data": envelope.data}
    (delivery,) = (await webhooks.call(BUREAU, DELIVERIES))["webhookDeliveries"]
    assert delivery["status"] == "DELIVERED" and delivery["log"][0]["statusCode"] == 200


async def test_failed_attempts_are_logged_and_retried_on_schedule_under_the_same_webhook_id(webhooks):
    _, secret = await register(webhooks, "finance.*")
    envelope = payment()
    await consumer(webhooks)(envelope)
    receiver = Receiver(verify=False, failures=2)  # the clock runs ahead of the receiver's: signatures tested above
    now = [datetime.now(timezone.utc)]
    sender = dispatcher(webhooks, receiver, clock=lambda: now[0])
    assert await sender.run_once() == 1  # 500
    assert await sender.run_once() == 0  # not due for 5 s
    now[0] += timedelta(seconds=5)
    assert await sender.run_once() == 1  # 500 again; next in 5 min
    now[0] += timedelta(minutes=4)
    assert await sender.run_once() == 0
    now[0] += timedelta(minutes=1)
    assert await sender.run_once() == 1  # 200
    assert [a["status"] for a in receiver.attempts] == [500, 500, 200]
    assert {a["id"] for a in receiver.attempts} == {envelope.id}
    assert len(receiver.applied) == 1
    (delivery,) = (await webhooks.call(BUREAU, DELIVERIES))["webhookDeliveries"]
    assert delivery["status"] == "DELIVERED" and delivery["attempts"] == 3
    assert [entry["statusCode"] for entry in delivery["log"]] == [500, 500, 200]
    assert delivery["log"][0]["error"].startswith("HTTP 500")


async def test_an_endpoint_failing_for_more_than_a_day_is_disabled_with_the_reason_then_replayed(webhooks):
    webhook_id, secret = await register(webhooks, "finance.*")
    await consumer(webhooks)(payment("p-1"))
    receiver = Receiver(verify=False, failures=100)
    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=1)  # the delivery is due
    now = [start]
    sender = dispatcher(webhooks, receiver, clock=lambda: now[0], retry_base=3600.0)  # 1 h, 60 h, ...
    await sender.run_once()
    now[0] = start + timedelta(hours=1)
    await sender.run_once()
    (hook,) = (await webhooks.call(BUREAU, WEBHOOKS))["webhooks"]
    assert hook["enabled"] and datetime.fromisoformat(hook["failingSince"]) == start
    now[0] = start + timedelta(days=3)  # past the next retry (60 h), and more than a day of failures
    await sender.run_once()
    (hook,) = (await webhooks.call(BUREAU, WEBHOOKS))["webhooks"]
    assert not hook["enabled"] and f"every delivery failed since {start.isoformat()}" in hook["disabledReason"]
    (delivery,) = (await webhooks.call(BUREAU, DELIVERIES))["webhookDeliveries"]
    assert delivery["status"] == "FAILED" and len(delivery["log"]) == 3

    # Disabled: new events are not owed to it, and nothing is sent.
    await consumer(webhooks)(payment("p-2"))
    assert len((await webhooks.call(BUREAU, DELIVERIES))["webhookDeliveries"]) == 1
    # The agency fixes its endpoint; the bureau enables it and replays what failed, under the same webhook-id.
    receiver.failures = 0
    receiver.attempts.clear()
    enabled = await webhooks.call(BUREAU, 'mutation($id: ID!) { enableWebhook(id: $id) { webhook { enabled '
                                          'failingSince } userErrors { code } } }', id=webhook_id)
    assert enabled["enableWebhook"]["webhook"] == {"enabled": True, "failingSince": None}
    replayed = await webhooks.call(BUREAU, "mutation { replayWebhookDeliveries { replayed userErrors { code } } }")
    assert replayed["replayWebhookDeliveries"] == {"replayed": 1, "userErrors": []}
    assert await sender.run_once() == 1
    (delivery,) = (await webhooks.call(BUREAU, DELIVERIES))["webhookDeliveries"]
    assert delivery["status"] == "DELIVERED" and delivery["attempts"] == 1
    assert [a["id"] for a in receiver.attempts] == [delivery["eventId"]]
    async with webhooks.runtime.sessions() as session:
        assert len((await session.execute(select(webhook_attempts))).all()) == 4  # the log keeps every attempt


async def test_replaying_one_delivery_sends_it_again_with_its_webhook_id(webhooks):
    _, secret = await register(webhooks, "finance.*")
    envelope = payment()
    await consumer(webhooks)(envelope)
    receiver = Receiver(secret=secret)
    sender = dispatcher(webhooks, receiver)
    await sender.run_once()
    (delivery,) = (await webhooks.call(BUREAU, DELIVERIES))["webhookDeliveries"]
    done = await webhooks.call(BUREAU, "mutation($id: ID!) { replayWebhookDelivery(deliveryId: $id) { replayed "
                                       "userErrors { code field } } }", id=delivery["id"])
    assert done["replayWebhookDelivery"] == {"replayed": 1, "userErrors": []}
    await sender.run_once()
    assert [a["id"] for a in receiver.attempts] == [envelope.id, envelope.id]
    assert len(receiver.applied) == 1  # a receiver that deduplicates applies it once
    missing = await webhooks.call(BUREAU, 'mutation { replayWebhookDelivery(deliveryId: "nope") { replayed '
                                          'userErrors { code field } } }')
    assert missing["replayWebhookDelivery"] == {"replayed": None,
                                                "userErrors": [{"code": "NOT_FOUND", "field": ["deliveryId"]}]}


async def test_registering_refuses_a_plain_http_endpoint_and_empty_patterns_as_user_errors(webhooks):
    done = (await webhooks.call(BUREAU, REGISTER, input={"agency": "a", "url": "http://agency.example/hook",
                                                          "eventTypes": []}))["registerWebhook"]
    assert done["webhook"] is None and done["secret"] is None
    assert {e["code"] for e in done["userErrors"]} == {"INVALID"}
    assert (await webhooks.call(BUREAU, WEBHOOKS))["webhooks"] == []


@pytest.mark.parametrize("caller", [FINANCE, Identity(Department.CONSTRUCTION_UNIT, unit="health-commission")])
async def test_article_19_only_the_approval_bureau_manages_webhooks(webhooks, caller):
    refused = await webhooks.call(caller, REGISTER, input={"agency": "a", "url": URL, "eventTypes": ["*"]})
    assert refused["errors"][0]["code"] == "FORBIDDEN" and "APPROVAL_BUREAU" in refused["errors"][0]["message"]
    for query in (WEBHOOKS, DELIVERIES, "mutation { replayWebhookDeliveries { replayed } }"):
        assert (await webhooks.call(caller, query))["errors"][0]["code"] == "FORBIDDEN"
    assert (await webhooks.call(BUREAU, WEBHOOKS))["webhooks"] == []
