"""Examples for the agencies' event catalog, made by the code that sends the real messages, so they cannot drift:
the payload is validated by its pydantic model, the envelope passes the agencies' redaction (R-SEC-2, R-PUB-1),
the feed's headers and body come from the relay's CloudEvents mapping and the webhook's body and signature from
the dispatcher's own functions (with a published example secret)."""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timezone

from services.approval.adapters.webhooks import body_of
from services.approval.domain.webhooks import SECRET_PREFIX
from services.approval.feeds.cloudevents_amqp import to_amqp_binary
from services.approval.feeds.redaction import agency_routing_key
from services.approval.webhook_dispatcher import signed_headers
from shared.events import CATALOG, Audience, Envelope
from shared.visibility import outside_readable

# Not a real secret: the one the examples are signed with, so a reader can check a signature by hand.
EXAMPLE_SECRET = SECRET_PREFIX + base64.b64encode(b"yiyang-egov-asyncapi-example-key").decode()
PROJECT_ID = "7d3f5c1a-2b8e-4f6a-9c01-5e4b3a2d1f00"
UNIT_PATH = ["heshan-big-data-center", "heshan-district-government"]
AUDIENCE = Audience(project_id=PROJECT_ID, unit_path=UNIT_PATH, jurisdiction="HESHAN", classified=False)


@dataclass(frozen=True)
class Sample:
    event_id: str
    source: str
    time: datetime
    data: dict


SAMPLES: dict[str, Sample] = {
    "approval.project.approved.v1": Sample(
        "0b6f9c2e-41d7-4a8e-9f3b-6c2d1e0a7b51", "approval", datetime(2026, 3, 2, 8, 30, 15, 123000, timezone.utc),
        {"project_id": PROJECT_ID, "code": "YY-HS-2026-0042", "name": "赫山区政务云平台扩容工程",
         "unit_id": "heshan-big-data-center", "unit_path": UNIT_PATH, "jurisdiction": "HESHAN", "kind": "INFORMATION_NETWORK_EXPANSION",
         "investment_estimate": 386_000_000,
         "fund_sources": [{"source": "FISCAL", "amount": 386_000_000}],
         "classified": False, "approved_at": "2026-03-02T08:30:15.123000Z"}),
    "finance.payment.made.v1": Sample(
        "5a1e8d40-93c2-4b7f-8e16-2f0d9c4b3a72", "finance", datetime(2026, 6, 18, 2, 5, 41, 507000, timezone.utc),
        {"payment_id": "c41b7e2a-0d55-4f3e-a8b9-71e6d2f0c3a4", "project_id": PROJECT_ID, "year": 2026,
         "tranche": "progress payment 2 of 4", "purpose": "cloud servers and storage delivered and installed",
         "amount": 115_800_000, "paid_at": "2026-06-18T02:05:41.507000Z", "kind": "CONSTRUCTION"}),
}


def example_envelope(event_type: str) -> Envelope:
    """The sample as it travels inside: its payload validated by the catalog's model, its audience stamped."""
    sample = SAMPLES[event_type]
    payload = CATALOG[event_type].model_validate(sample.data)
    envelope = Envelope(id=sample.event_id, type=event_type, source=sample.source, time=sample.time,
                        subject=payload.project_id, data=payload.model_dump(mode="json"), audience=AUDIENCE)
    if not outside_readable(envelope):
        raise ValueError(f"the example of {event_type} would not leave: it cannot be an agency's example")
    return envelope


def _checked(event_type: str, data: dict) -> dict:
    """What an agency receives must read back as the model it was made of."""
    model = CATALOG[event_type]
    if model.model_validate(data).model_dump(mode="json") != data:
        raise ValueError(f"the example of {event_type} does not round-trip through {model.__name__}")
    return data


def feed_example(event_type: str) -> dict:
    envelope = example_envelope(event_type)
    message = to_amqp_binary(envelope)
    return {"name": "example",
            "summary": f"Routing key {agency_routing_key(envelope)}",
            "headers": dict(message.headers), "payload": _checked(event_type, json.loads(message.body))}


def webhook_example(event_type: str) -> dict:
    envelope = example_envelope(event_type)
    body = body_of(envelope)
    headers = signed_headers(EXAMPLE_SECRET, envelope.id, body, envelope.time)
    payload = json.loads(body)
    _checked(event_type, payload["data"])
    return {"name": "example",
            "summary": f"Signed with the example secret {EXAMPLE_SECRET}",
            "headers": headers, "payload": payload}
