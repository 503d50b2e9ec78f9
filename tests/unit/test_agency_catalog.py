"""The agencies' AsyncAPI catalog (docs/agency-events.asyncapi.json): current, limited to what may leave
(R-SEC-2, R-PUB-1), and its examples, made by the sending code, valid against the schemas it publishes."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from egov.asyncapi_agencies import agency_asyncapi_document, agency_event_types
from egov.asyncapi_examples import SAMPLES, example_envelope
from shared.visibility import outside_readable
from shared.events import CATALOG, Audience

ROOT = Path(__file__).parents[2]
DOCUMENT = agency_asyncapi_document()
EXAMPLED = [name for name, message in DOCUMENT["components"]["messages"].items() if "examples" in message]


def test_the_committed_agency_catalog_is_current():
    """Regenerate with `egov asyncapi --audience agencies > docs/agency-events.asyncapi.json`."""
    committed = json.loads((ROOT / "docs" / "agency-events.asyncapi.json").read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(DOCUMENT))


def test_only_events_about_one_project_are_in_the_agencies_catalog():
    """R-SEC-2 / R-PUB-1: an event leaves only with its project's audience; types about no one project get none."""
    public = set(agency_event_types())
    assert {"finance.payment.made.v1", "approval.project.approved.v1"} <= public
    assert not public & {"approval.construction_plan.approved.v1", "finance.special_fund_plan.approved.v1",
                         "audit.draw.revealed.v1", "secrecy.vendor.qualified.v1"}
    channels = {c["address"].removeprefix("{jurisdiction}.") for c in DOCUMENT["channels"].values() if c["address"]}
    assert channels == public
    webhook_types = {m["$ref"].rsplit("/", 1)[1].removeprefix("webhook_")
                     for m in DOCUMENT["channels"]["webhooks"]["messages"].values()}
    assert webhook_types == {t.replace(".", "_") for t in public}


@pytest.mark.parametrize("event_type", agency_event_types())
def test_every_catalogued_type_leaves_for_an_unclassified_project_and_never_for_a_classified_one(event_type):
    """R-SEC-2: the catalog says each type may arrive; the relay's rule decides per project."""
    from shared.events import Envelope

    def envelope(classified: bool) -> Envelope:
        return Envelope(type=event_type, source=event_type.split(".")[0], subject="p-1", data={}, audience=Audience(
            project_id="p-1", unit_path=["u"], jurisdiction="CITY", classified=classified))

    assert outside_readable(envelope(False)) and not outside_readable(envelope(True))


def _validator(schema: dict) -> jsonschema.Draft202012Validator:
    """A message's schema with the document's components beside it, so `#/components/...` resolves."""
    return jsonschema.Draft202012Validator({**schema, "components": DOCUMENT["components"]},
                                           format_checker=jsonschema.FormatChecker())


def test_the_examples_cover_a_payment_and_an_approval_on_both_ways_out():
    assert sorted(EXAMPLED) == sorted(f"{way}_{t.replace('.', '_')}" for way in ("feed", "webhook") for t in SAMPLES)
    assert set(SAMPLES) == {"finance.payment.made.v1", "approval.project.approved.v1"}


@pytest.mark.parametrize("name", EXAMPLED)
def test_each_example_is_valid_against_its_message_schemas(name):
    message = DOCUMENT["components"]["messages"][name]
    for example in message["examples"]:
        _validator(message["payload"]).validate(example["payload"])
        _validator(message["headers"]).validate(example["headers"])
        if "http" in message.get("bindings", {}):
            _validator(message["bindings"]["http"]["headers"]).validate(example["headers"])


def test_a_wrong_example_would_be_caught():
    message = DOCUMENT["components"]["messages"]["feed_finance_payment_made_v1"]
    example = copy.deepcopy(message["examples"][0])
    example["payload"]["amount"] = "2560000 yuan"
    with pytest.raises(jsonschema.ValidationError):
        _validator(message["payload"]).validate(example["payload"])
    example["headers"]["cloudEvents:type"] = "approval.project.approved.v1"
    with pytest.raises(jsonschema.ValidationError):
        _validator(message["headers"]).validate(example["headers"])


def test_an_example_of_a_classified_project_is_refused(monkeypatch):
    """R-SEC-2: the generator builds examples only from envelopes the redaction lets out."""
    import egov.asyncapi_examples as examples

    monkeypatch.setattr(examples, "AUDIENCE", examples.AUDIENCE.model_copy(update={"classified": True}))
    with pytest.raises(ValueError, match="would not leave"):
        example_envelope("finance.payment.made.v1")


def test_every_reference_of_the_agency_catalog_resolves_within_it():
    from tests.support.json_pointers import references, unresolved

    assert references(DOCUMENT) and unresolved(DOCUMENT) == []
    assert all(CATALOG[t].__name__ in DOCUMENT["components"]["schemas"] for t in agency_event_types())


@pytest.mark.parametrize("event_type", sorted(SAMPLES))
def test_a_webhook_example_carries_the_signature_of_its_body_under_the_example_secret(event_type):
    """What docs/webhooks.md promises a reader checking an HMAC by hand, computed without the library."""
    import base64
    import hashlib
    import hmac

    from egov.asyncapi_examples import EXAMPLE_SECRET

    example = DOCUMENT["components"]["messages"][f"webhook_{event_type.replace('.', '_')}"]["examples"][0]
    headers = example["headers"]
    body = json.dumps(example["payload"], separators=(",", ":"), ensure_ascii=False)
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.{body}".encode()
    key = base64.b64decode(EXAMPLE_SECRET.removeprefix("whsec_"))
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert headers["webhook-signature"] == f"v1,{expected}"
    assert EXAMPLE_SECRET in example["summary"]
