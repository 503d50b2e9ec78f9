"""What other agencies receive, as one AsyncAPI 3.0 document of its own: the agency feed on RabbitMQ (CloudEvents
1.0, AMQP binding, binary mode) and the signed webhooks (Standard Webhooks over HTTPS). docs/agency-feeds.md and
docs/webhooks.md are its prose.

A document of its own because an agency reads neither the internal exchange nor the envelope (its audience and
trace context are ours): code generators and AsyncAPI Studio then show an agency's developer exactly the channels
and messages it can receive, and nothing it would try to bind to and be refused.

Which events: the agency feed's relay and the webhook worker let out only an event whose emitter stamped the
audience of its project, and that project is not classified (R-SEC-2, R-PUB-1; `shared.visibility.outside_readable`).
Every event type whose payload names a `project_id` is about one project and is stamped, so each of them reaches
agencies for an unclassified project and never for a classified one; a type without one (construction plans,
special fund plans, audit draws, vendors) gets no audience and never leaves.
"""
from __future__ import annotations

from egov.asyncapi import add_payload_schema, summary_of
from egov.asyncapi_examples import SAMPLES, feed_example, webhook_example
from services.approval.feeds.cloudevents_amqp import PREFIX, SOURCE_ROOT
from services.approval.feeds.redaction import NO_JURISDICTION
from services.approval.feeds.relay import agency_exchange_name
from shared.events import CATALOG
from shared.jurisdictions import JURISDICTIONS

DEFAULT_PREFIX = "egov"  # the default BUS_PREFIX; an installation with another prefix has the same names under it
AMQP_BINDING = HTTP_BINDING = "0.3.0"
FEED_SERVER = {"$ref": "#/servers/agencyFeed"}
WEBHOOK_SERVER = {"$ref": "#/servers/agencyEndpoint"}


def agency_event_types() -> list[str]:
    """The event types an outside reader can receive (for an unclassified project): those about one project."""
    return sorted(t for t, model in CATALOG.items() if "project_id" in model.model_fields)


def cloud_events_headers(event_type: str) -> dict:
    def text(description: str, **more) -> dict:
        return {"type": "string", "description": description, **more}

    return {
        "type": "object",
        "description": "CloudEvents 1.0 attributes as AMQP application properties (AMQP 0-9-1 headers on "
                       "RabbitMQ), canonical string values; `datacontenttype` is the message's content-type.",
        "required": [PREFIX + name for name in ("specversion", "id", "source", "type", "time", "subject")],
        "properties": {
            PREFIX + "specversion": text("CloudEvents version", const="1.0"),
            PREFIX + "id": text("The original event id, the same on every redelivery: deduplicate by it"),
            PREFIX + "source": text("The emitting service", pattern=f"^{SOURCE_ROOT}/[a-z]+$",
                                    examples=[f"{SOURCE_ROOT}/{event_type.split('.')[0]}"]),
            PREFIX + "type": text("The versioned event type", const=event_type),
            PREFIX + "time": text("When the event committed, RFC 3339 in UTC", format="date-time"),
            PREFIX + "subject": text("The project id"),
        },
    }


WEBHOOK_HEADERS = {
    "type": "object",
    "description": "Standard Webhooks headers; verify the signature against the raw body before parsing it.",
    "required": ["webhook-id", "webhook-timestamp", "webhook-signature"],
    "properties": {
        "webhook-id": {"type": "string", "description": "The event id: the same on every retry and replay"},
        "webhook-timestamp": {"type": "string", "pattern": "^[0-9]+$",
                              "description": "This attempt's time, in seconds since the epoch"},
        "webhook-signature": {"type": "string", "pattern": "^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$",
                              "description": 'v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}" under your '
                                             "secret>"},
        "content-type": {"type": "string", "const": "application/json"},
        "user-agent": {"type": "string"},
    },
}


def webhook_body(event_type: str, payload: str) -> dict:
    return {
        "type": "object",
        "required": ["type", "timestamp", "data"],
        "properties": {"type": {"type": "string", "const": event_type},
                       "timestamp": {"type": "string", "format": "date-time",
                                     "description": "When the event committed (not the attempt's time)"},
                       "data": {"$ref": f"#/components/schemas/{payload}"}},
    }


def _feed(event_type: str, model, payload: str) -> tuple[dict, dict]:
    message = {
        "name": event_type, "title": f"{model.__name__} (agency feed)", "summary": summary_of(model, event_type),
        "contentType": "application/json",
        "headers": cloud_events_headers(event_type),
        "payload": {"$ref": f"#/components/schemas/{payload}"},
        "bindings": {"amqp": {"messageType": event_type, "bindingVersion": AMQP_BINDING}},
    }
    if event_type in SAMPLES:
        message["examples"] = [feed_example(event_type)]
    channel = {
        "address": "{jurisdiction}." + event_type,
        "title": f"Agency feed: {event_type}",
        "description": f"Routing key `<JURISDICTION>.{event_type}` on the topic exchange "
                       f"`{agency_exchange_name(DEFAULT_PREFIX)}`. You read your own queue "
                       f"`{DEFAULT_PREFIX}.agency.<NAME>`, bound by the operator to the patterns you were granted.",
        "servers": [FEED_SERVER],
        "parameters": {"jurisdiction": {"$ref": "#/components/parameters/jurisdiction"}},
        "messages": {"event": {"$ref": f"#/components/messages/feed_{event_type.replace('.', '_')}"}},
        "bindings": {"amqp": {"is": "routingKey", "exchange": {
            "name": agency_exchange_name(DEFAULT_PREFIX), "type": "topic", "durable": True, "autoDelete": False,
            "vhost": "/"}, "bindingVersion": AMQP_BINDING}},
    }
    return message, channel


def _webhook(event_type: str, model, payload: str) -> dict:
    message = {
        "name": event_type, "title": f"{model.__name__} (webhook)", "summary": summary_of(model, event_type),
        "contentType": "application/json",
        "headers": {"$ref": "#/components/schemas/WebhookHeaders"},
        "payload": webhook_body(event_type, payload),
        "bindings": {"http": {"headers": {"$ref": "#/components/schemas/WebhookHeaders"},
                              "bindingVersion": HTTP_BINDING}},
    }
    if event_type in SAMPLES:
        message["examples"] = [webhook_example(event_type)]
    return message


def agency_asyncapi_document() -> dict:
    channels, operations, messages, schemas = {}, {}, {}, {"WebhookHeaders": WEBHOOK_HEADERS}
    webhook_messages = {}
    for event_type in agency_event_types():
        model, name = CATALOG[event_type], event_type.replace(".", "_")
        payload = add_payload_schema(schemas, model)
        messages[f"feed_{name}"], channels[f"feed_{name}"] = _feed(event_type, model, payload)
        operations[f"publish_feed_{name}"] = {
            "action": "send", "channel": {"$ref": f"#/channels/feed_{name}"},
            "summary": "The approval service's relay republishes the event, once the broker confirmed it",
            "bindings": {"amqp": {"deliveryMode": 2, "mandatory": False, "timestamp": True,
                                  "bindingVersion": AMQP_BINDING}},
        }
        messages[f"webhook_{name}"] = _webhook(event_type, model, payload)
        webhook_messages[name] = {"$ref": f"#/components/messages/webhook_{name}"}
    channels["webhooks"] = {
        "address": None,
        "title": "Your webhook endpoint",
        "description": "The HTTPS URL the Approval Bureau registered for you; every event type and jurisdiction "
                       "you subscribed to arrives there. Answer 2xx within 15 seconds; anything else is retried.",
        "servers": [WEBHOOK_SERVER],
        "messages": webhook_messages,
    }
    operations["deliver_webhook"] = {
        "action": "send", "channel": {"$ref": "#/channels/webhooks"},
        "summary": "The approval service POSTs each owed event, signed, until the endpoint answers 2xx",
        "bindings": {"http": {"method": "POST", "bindingVersion": HTTP_BINDING}},
    }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Yiyang project-governance events for other agencies",
            "version": "1.0.0",
            "description": "The events another agency receives: on its own RabbitMQ queue fed by the agency "
                           "exchange (docs/agency-feeds.md), or POSTed to its HTTPS endpoint (docs/webhooks.md). "
                           "Only events about a known project that is not classified leave (R-SEC-2, R-PUB-1): "
                           "every type listed here, for an unclassified project; never a classified project's. "
                           "Delivery is at least once: deduplicate by the event id (`cloudEvents:id`, "
                           "`webhook-id`). Amounts are integer fen.",
        },
        "defaultContentType": "application/json",
        "servers": {
            "agencyFeed": {"host": "rabbitmq.example:5672", "protocol": "amqp", "protocolVersion": "0.9.1",
                           "description": "The platform's RabbitMQ, with the user and password the operator "
                                          "gave your agency (`egov agency grant`)"},
            "agencyEndpoint": {"host": "{host}", "pathname": "{path}", "protocol": "https",
                               "description": "Your agency's endpoint (plain http only to localhost in tests)",
                               "variables": {"host": {"description": "your endpoint's host[:port]"},
                                             "path": {"description": "your endpoint's path", "default": "/"}}},
        },
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": messages, "schemas": schemas,
            "parameters": {"jurisdiction": {
                "enum": [*JURISDICTIONS, NO_JURISDICTION],
                "description": f"The project's jurisdiction (shared/jurisdictions.py); `{NO_JURISDICTION}` when "
                               "the emitting bureau knew none. Bind `*.<pattern>` for all, `HESHAN.<pattern>` "
                               "for one."}},
        },
    }
