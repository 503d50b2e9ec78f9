"""Agency feeds: what leaves for other agencies (R-SEC-2, R-PUB-1), as CloudEvents, and the grants' broker terms."""
from datetime import datetime, timezone

import pytest
from cloudevents.core.bindings import amqp
from cloudevents.core.formats.json import JSONFormat

from services.approval.feeds.cloudevents_amqp import to_amqp_binary
from services.approval.feeds.grants import Grant, GrantError, agency_permissions, glob_of, topic_pattern
from services.approval.feeds.redaction import agency_routing_key
from shared.visibility import outside_readable
from shared.events import Audience, Envelope

TIME = datetime(2026, 3, 1, 8, 30, 15, 123000, tzinfo=timezone.utc)


def envelope(audience: Audience | None, *, type_="finance.payment.made.v1", subject="p-1") -> Envelope:
    return Envelope(id="e-1", type=type_, source="finance", time=TIME, subject=subject,
                    trace={"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
                    data={"project_id": "p-1", "amount": 1234567, "purpose": "服务器采购"}, audience=audience)


def audience(*, classified: bool, jurisdiction: str | None = "CITY") -> Audience:
    return Audience(project_id="p-1", unit_path=["city-health-commission"], jurisdiction=jurisdiction,
                    classified=classified)


# --- the redaction rule -------------------------------------------------------------------------------------------

def test_r_pub_1_an_event_about_a_published_project_leaves_for_agencies():
    assert outside_readable(envelope(audience(classified=False)))


def test_r_sec_2_no_event_of_a_classified_project_leaves():
    assert not outside_readable(envelope(audience(classified=True)))
    assert not outside_readable(envelope(audience(classified=True), type_="approval.project.approved.v1"))


def test_r_sec_2_an_event_without_audience_stays_inside_fail_closed():
    # a construction plan (no single project), or a project its emitter does not know
    assert not outside_readable(envelope(None, type_="approval.construction_plan.approved.v1", subject=None))
    assert not outside_readable(envelope(None))


def test_the_agency_routing_key_is_the_event_type_after_the_projects_jurisdiction():
    assert agency_routing_key(envelope(audience(classified=False))) == "CITY.finance.payment.made.v1"
    assert agency_routing_key(envelope(audience(classified=False, jurisdiction="HESHAN"))) == \
        "HESHAN.finance.payment.made.v1"
    assert agency_routing_key(envelope(audience(classified=False, jurisdiction=None))) == \
        "UNSPECIFIED.finance.payment.made.v1"


# --- CloudEvents, AMQP binding, binary content mode ---------------------------------------------------------------

def test_the_message_is_a_binary_mode_cloudevent_with_cloudevents_colon_application_properties():
    message = to_amqp_binary(envelope(audience(classified=False)))
    assert message.content_type == "application/json"
    assert message.headers == {
        "cloudEvents:specversion": "1.0",
        "cloudEvents:id": "e-1",  # the original event id: agencies deduplicate by it
        "cloudEvents:source": "/yiyang/egov/finance",
        "cloudEvents:type": "finance.payment.made.v1",
        "cloudEvents:time": "2026-03-01T08:30:15.123000Z",
        "cloudEvents:subject": "p-1",
    }
    # Neither the trace context nor the audience (who may read it) leaves: only the data.
    assert b"traceparent" not in message.body and b"classified" not in message.body


def test_the_cloudevents_sdk_reads_the_message_back():
    message = to_amqp_binary(envelope(audience(classified=False)))
    event = amqp.from_binary(amqp.AMQPMessage(properties={"content-type": message.content_type},
                                              application_properties=message.headers,
                                              application_data=message.body), JSONFormat())
    attributes = event.get_attributes()
    assert (attributes["id"], attributes["type"], attributes["source"], attributes["subject"]) == \
        ("e-1", "finance.payment.made.v1", "/yiyang/egov/finance", "p-1")
    assert attributes["time"] == TIME and attributes["datacontenttype"] == "application/json"
    assert event.get_data() == {"project_id": "p-1", "amount": 1234567, "purpose": "服务器采购"}


def test_the_subject_is_the_project_id_even_when_the_envelope_names_none():
    message = to_amqp_binary(envelope(audience(classified=False), subject=None))
    assert message.headers["cloudEvents:subject"] == "p-1"


# --- grants -------------------------------------------------------------------------------------------------------

def test_a_trailing_star_covers_the_rest_of_the_type_and_an_inner_star_one_word():
    assert topic_pattern("approval.project.*") == "approval.project.#"
    assert topic_pattern("finance.*.made.v1") == "finance.*.made.v1"
    assert topic_pattern("finance.payment.made.v1") == "finance.payment.made.v1"
    assert glob_of("*.approval.project.#") == ("*", "approval.project.*")


def test_bindings_cover_every_jurisdiction_or_the_granted_one():
    assert Grant("commission", ("approval.project.*", "finance.payment.*")).binding_keys() == \
        ["*.approval.project.#", "*.finance.payment.#"]
    assert Grant("heshan-gov", ("finance.payment.*",), "HESHAN").binding_keys() == ["HESHAN.finance.payment.#"]


@pytest.mark.parametrize("agency, patterns, jurisdiction", [
    ("Commission", ("finance.*",), None),       # upper case
    ("a.b", ("finance.*",), None),             # a dot would reach into other names
    ("ok", (), None),                          # nothing granted
    ("ok", ("finance.#",), None),              # the CLI speaks globs, not topic syntax
    ("ok", ("finance..x",), None),
    ("ok", ("finance.*",), "MARS"),            # no such jurisdiction
])
def test_a_grant_refuses_what_the_broker_must_not_be_given(agency, patterns, jurisdiction):
    with pytest.raises(GrantError):
        Grant(agency, patterns, jurisdiction)


def test_r_sec_2_an_agency_may_only_read_its_own_queue():
    assert agency_permissions("egov", "heshan-gov") == {
        "configure": "^$", "write": "^$", "read": r"^egov\.agency\.heshan\-gov$"}


# --- the worker ---------------------------------------------------------------------------------------------------

def test_the_approval_service_runs_the_relay_on_its_event_side():
    from services.approval.app import DEFINITION
    from services.approval.feeds.relay import agency_feed_worker

    assert agency_feed_worker in DEFINITION.workers


async def test_embedded_on_the_in_process_bus_the_relay_subscribes_to_nothing():
    from services.approval.feeds.relay import AgencyFeedRelay
    from shared.bus.memory import InProcessBus

    bus = InProcessBus(retry_delay=0)
    relay = AgencyFeedRelay(bus)
    await relay.start()
    await bus.publish(envelope(audience(classified=False)))
    await relay.stop()
    await bus.close()
    assert (relay.relayed, relay.withheld) == (0, 0)
