"""The envelope, the catalog of events, topic matching and the in-process bus."""
import asyncio
from datetime import datetime, timezone

import pytest

from shared.bus import topic_matches
from shared.bus.memory import InProcessBus
from shared.events import CATALOG, Envelope, ProjectApproved


def approved(**changes) -> ProjectApproved:
    values = dict(project_id="p-1", code="CITY-2026-0001", name="Health data platform", unit_id="u",
                  unit_path=["u"], jurisdiction="CITY", kind="APPLICATION_SYSTEM_NEW",
                  investment_estimate=2_000_000_000, fund_sources=[], approved_at=datetime.now(timezone.utc))
    values.update(changes)
    return ProjectApproved(**values)


def test_event_types_are_versioned_and_past_tense():
    for event_type in CATALOG:
        service, aggregate, verb, version = event_type.split(".")
        assert service in {"approval", "finance", "audit", "secrecy"}
        assert verb.endswith("ed") or verb in {"made", "withheld"}, f"{event_type}: name what happened, in the past tense"
        assert version.startswith("v") and version[1:].isdigit()


def test_an_envelope_round_trips_through_bytes_with_its_payload():
    envelope = Envelope.wrap(approved(), source="approval", subject="p-1", trace={"traceparent": "00-abc"})
    back = Envelope.from_bytes(envelope.to_bytes())
    assert back == envelope
    assert back.type == "approval.project.approved.v1" == back.payload().event_type
    assert back.payload().investment_estimate == 2_000_000_000


def test_money_in_events_refuses_floats():
    with pytest.raises(ValueError):
        approved(investment_estimate=12.5)


@pytest.mark.parametrize("pattern,key,matches", [
    ("approval.project.approved.v1", "approval.project.approved.v1", True),
    ("approval.*.approved.v1", "approval.project.approved.v1", True),
    ("approval.#", "approval.project.approved.v1", True),
    ("#", "finance.budget_review.opened.v1", True),
    ("approval.*", "approval.project.approved.v1", False),
    ("finance.#", "approval.project.approved.v1", False),
    ("approval.#.v1", "approval.v1", True),
])
def test_topic_matching_follows_amqp(pattern, key, matches):
    assert topic_matches(pattern, key) is matches


async def test_the_in_process_bus_delivers_to_every_matching_queue_and_dead_letters_what_keeps_failing():
    bus = InProcessBus(delivery_limit=3, retry_delay=0)
    got: dict[str, list[str]] = {"finance": [], "audit": []}
    attempts = []

    async def finance(envelope):
        got["finance"].append(envelope.id)

    async def audit(envelope):
        got["audit"].append(envelope.id)

    async def broken(envelope):
        attempts.append(envelope.id)
        raise RuntimeError("consumer bug")

    await bus.subscribe("finance", ["approval.project.approved.v1"], finance)
    await bus.subscribe("audit", ["approval.#"], audit)
    await bus.subscribe("secrecy", ["approval.project.approved.v1"], broken)
    await bus.subscribe("other", ["finance.#"], finance)
    envelope = Envelope.wrap(approved(), source="approval", subject="p-1")
    await bus.publish(envelope)
    await asyncio.wait_for(bus.idle(), 5)
    assert got == {"finance": [envelope.id], "audit": [envelope.id]}
    assert attempts == [envelope.id] * 3
    assert [e.id for e in bus.dead_letters["secrecy"]] == [envelope.id]
    await bus.close()


def test_the_committed_asyncapi_catalog_is_current():
    """Regenerate with `egov asyncapi > docs/events.asyncapi.json`."""
    import json
    from pathlib import Path

    from egov.asyncapi import asyncapi_document

    committed = json.loads((Path(__file__).parents[2] / "docs" / "events.asyncapi.json").read_text())
    document = asyncapi_document()
    assert committed == json.loads(json.dumps(document))
    assert set(document["channels"]) == {t.replace(".", "_") for t in CATALOG}


def test_every_reference_of_the_asyncapi_catalog_resolves_within_it():
    """A nested model (the envelope's audience, R-SEC-2; a payload's lines) is a component of its own, not a `$defs`
    pointer that an agency's tooling cannot follow from the document's root."""
    from egov.asyncapi import asyncapi_document

    from tests.support.json_pointers import references, unresolved

    document = asyncapi_document()
    assert "#/components/schemas/Audience" in references(document)
    assert unresolved(document) == []
