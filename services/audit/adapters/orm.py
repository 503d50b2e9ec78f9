"""The audit service's tables: its project register (fed by events)."""
from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Boolean, Column, DateTime, MetaData, String, Table

from shared.outbox import messaging_tables

metadata = MetaData()

register = Table(
    "audit_project_register",
    metadata,
    Column("project_id", String(36), primary_key=True),
    Column("code", String(40), nullable=False),
    Column("unit_id", String(100), nullable=False, index=True),
    Column("unit_path", JSON, nullable=False),
    Column("jurisdiction", String(20), nullable=False, index=True),
    Column("kind", String(60), nullable=False),
    Column("investment", BigInteger, nullable=False),
    Column("classified", Boolean, nullable=False),
    Column("approved_at", DateTime(timezone=True), nullable=False),
    Column("accepted_at", DateTime(timezone=True)),
    Column("settlement_amount", BigInteger),
)

outbox, inbox = messaging_tables(metadata)
