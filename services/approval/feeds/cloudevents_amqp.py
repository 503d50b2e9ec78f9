"""An event as a CloudEvents 1.0 message in binary content mode on AMQP (the CloudEvents AMQP protocol binding).

The body is the event data as JSON (`content-type: application/json`, which carries `datacontenttype`); every other
attribute is an application property named `cloudEvents:<attribute>` (binding §3.1.3.1). The binding targets AMQP
1.0's application-properties; RabbitMQ maps those to AMQP 0-9-1 headers and back, so on 0-9-1 they are headers.
Values are canonical strings (§3.1.3.2 allows them), `time` as RFC 3339 with `Z`: a 0-9-1 header has no
millisecond timestamp type. The `cloudevents` SDK (2.x) builds and validates the event; its own AMQP binding writes
the `cloudEvents_` prefix (JMS) and integer timestamps, so the mapping to headers is ours; its `from_binary` reads
ours back (it accepts both prefixes), which the unit tests check.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from shared.events import Envelope

PREFIX = "cloudEvents:"
DATA_CONTENT_TYPE = "application/json"
SOURCE_ROOT = "/yiyang/egov"


@dataclass(frozen=True)
class AgencyMessage:
    headers: dict[str, str]
    content_type: str
    body: bytes


def as_cloud_event(envelope: Envelope) -> CloudEvent:
    """The envelope's attributes as CloudEvents names; `id` stays the original event id (agencies deduplicate by it),
    `source` is a URI-reference naming the emitting service, `subject` the project id."""
    attributes = {
        "specversion": "1.0",
        "id": envelope.id,
        "source": f"{SOURCE_ROOT}/{envelope.source}",
        "type": envelope.type,
        "time": envelope.time.astimezone(timezone.utc),
        "datacontenttype": DATA_CONTENT_TYPE,
    }
    subject = envelope.subject or (envelope.audience.project_id if envelope.audience else None)
    if subject:
        attributes["subject"] = subject
    return CloudEvent(attributes, dict(envelope.data))


def to_amqp_binary(envelope: Envelope) -> AgencyMessage:
    event = as_cloud_event(envelope)
    headers: dict[str, str] = {}
    for name, value in event.get_attributes().items():
        if name == "datacontenttype" or value is None:
            continue
        headers[PREFIX + name] = _canonical(value)
    body = JSONFormat().write_data(event.get_data(), DATA_CONTENT_TYPE)
    return AgencyMessage(headers=headers, content_type=DATA_CONTENT_TYPE, body=body)


def _canonical(value: object) -> str:
    if isinstance(value, datetime):
        text = value.astimezone(timezone.utc).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    return str(value)
