"""The webhook tables of the approval service: agencies' endpoints, the deliveries owed to them (an outbox of its
own, written with the consumer's inbox row) and every attempt made."""
from __future__ import annotations

from sqlalchemy import (
    JSON, BigInteger, Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint,
)

from services.approval.adapters.orm import metadata

BIGINT_ID = BigInteger().with_variant(Integer, "sqlite")

webhook_registrations = Table(
    "webhook_registrations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("agency", String(200), nullable=False),
    Column("url", Text, nullable=False),
    Column("event_types", JSON, nullable=False),
    Column("jurisdiction", String(20)),
    Column("secret", String(100), nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("disabled_reason", Text),
    Column("failing_since", DateTime(timezone=True)),  # the first failure since the last success
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(200), nullable=False),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("registration_id", String(36), ForeignKey("webhook_registrations.id", ondelete="CASCADE"),
           nullable=False),
    Column("event_id", String(36), nullable=False),  # the webhook-id header: the same on every retry
    Column("event_type", String(200), nullable=False),
    Column("body", Text, nullable=False),  # the JSON body, signed anew on each attempt
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False),  # attempts since created or replayed (the retry schedule's step)
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True)),
    Column("last_error", Text),
    UniqueConstraint("registration_id", "event_id", name="uq_webhook_delivery_event"),
    Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
)

webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", BIGINT_ID, primary_key=True, autoincrement=True),
    Column("delivery_id", String(36), ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), nullable=False,
           index=True),
    Column("attempted_at", DateTime(timezone=True), nullable=False),
    Column("status_code", Integer),
    Column("duration_ms", Integer, nullable=False),
    Column("error", Text),
)
