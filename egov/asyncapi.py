"""The catalog of events as AsyncAPI 3.0 documents: the internal exchange the services share (here), and what other
agencies receive, the agency feed and the signed webhooks (`asyncapi_agencies`)."""
from __future__ import annotations

from egov.registry import SERVICES
from shared.events import CATALOG, Envelope
from shared.settings import Settings


def consumers_of(event_type: str) -> list[str]:
    return [name for name, definition in SERVICES.items() if event_type in definition.handlers_for(Settings())]


def add_payload_schema(schemas: dict, model) -> str:
    """The payload model and its nested models as components (a `$defs` pointer would not resolve from the
    document's root); returns the component's name."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for definition, nested in schema.pop("$defs", {}).items():
        schemas[definition] = nested
    schemas[model.__name__] = schema
    return model.__name__


def summary_of(model, event_type: str) -> str:
    return (model.__doc__ or "").strip().splitlines()[0] if model.__doc__ else event_type


def asyncapi_document() -> dict:
    channels, operations, messages, schemas = {}, {}, {}, {}
    envelope_schema = Envelope.model_json_schema(ref_template="#/components/schemas/{model}")
    envelope_schema["properties"].pop("data")
    schemas.update(envelope_schema.pop("$defs", {}))  # the audience (R-SEC-2), beside the envelope
    schemas["Envelope"] = envelope_schema
    for event_type, model in sorted(CATALOG.items()):
        name = event_type.replace(".", "_")
        add_payload_schema(schemas, model)
        messages[name] = {
            "name": event_type,
            "title": model.__name__,
            "summary": summary_of(model, event_type),
            "contentType": "application/json",
            "payload": {
                "allOf": [{"$ref": "#/components/schemas/Envelope"}, {
                    "type": "object",
                    "properties": {"type": {"const": event_type},
                                   "data": {"$ref": f"#/components/schemas/{model.__name__}"}},
                }],
            },
        }
        channels[name] = {
            "address": event_type,
            "description": f"Routing key {event_type} on the topic exchange <prefix>.events. "
                           f"Consumed by: {', '.join(consumers_of(event_type)) or 'no service yet'}.",
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
        }
        operations[f"publish_{name}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{name}"},
            "summary": f"{event_type.split('.')[0]} service publishes through its transactional outbox",
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Yiyang project-governance events",
            "version": "1.0.0",
            "description": "Domain events of the approval, finance, audit and secrecy services, as the services "
                           "share them on the internal exchange (other agencies cannot read it: what they receive "
                           "is docs/agency-events.asyncapi.json). Messages are persistent JSON envelopes; the "
                           "routing key is the versioned event type; the same event may be delivered more than "
                           "once, so consumers deduplicate by envelope id.",
        },
        "defaultContentType": "application/json",
        "servers": {"rabbitmq": {"host": "127.0.0.1:5672", "protocol": "amqp", "protocolVersion": "0.9.1"}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }
