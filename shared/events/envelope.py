"""The event envelope and the catalog of cross-service events.

Type names are `<service>.<aggregate>.<past_verb>.v<N>`; the routing key is the type. Payloads are frozen
pydantic models; within a version only additive changes are allowed, a breaking change is a new version.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field



class EventPayload(BaseModel):
    """Base of every event payload; `event_type` is the versioned name it travels under."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    event_type: ClassVar[str]


CATALOG: dict[str, type[EventPayload]] = {}


def event(event_type: str):
    """Register a payload model under its versioned type name."""

    def register(cls: type[EventPayload]) -> type[EventPayload]:
        if event_type in CATALOG:
            raise ValueError(f"event type {event_type} registered twice")
        cls.event_type = event_type
        CATALOG[event_type] = cls
        return cls

    return register


class Audience(BaseModel):
    """Who may read an event: the need-to-know facts of the project it concerns (R-SEC-2), as the emitting service
    knew them when the event committed. Readers outside the services (the gateway's subscriptions, agency feeds)
    filter by it with `shared.visibility.can_see_project`; an event without one reaches only the workflow bureaus."""

    model_config = ConfigDict(frozen=True)

    project_id: str
    unit_path: list[str]
    jurisdiction: str | None = None
    classified: bool


class Envelope(BaseModel):
    """What travels on the bus: CloudEvents-like metadata around one payload."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    type: str
    source: str
    time: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
    subject: str | None = None
    trace: dict[str, str] = Field(default_factory=dict)
    data: dict[str, Any]
    audience: Audience | None = None

    @classmethod
    def wrap(cls, payload: EventPayload, *, source: str, subject: str | None, trace: dict[str, str] | None = None):
        return cls(
            type=payload.event_type,
            source=source,
            subject=subject,
            trace=trace or {},
            data=payload.model_dump(mode="json"),
        )

    def payload(self) -> EventPayload:
        model = CATALOG.get(self.type)
        if model is None:
            raise KeyError(f"unknown event type {self.type}")
        return model.model_validate(self.data)

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, body: bytes) -> "Envelope":
        return cls.model_validate_json(body)
