"""The secrecy service's tables: its register of submitted projects and their classification."""
from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, MetaData, String, Table

from shared.outbox import messaging_tables

metadata = MetaData()

classifications = Table(
    "secrecy_classifications",
    metadata,
    Column("project_id", String(36), primary_key=True),
    Column("code", String(40), nullable=False),
    Column("unit_id", String(100), nullable=False),
    Column("unit_path", JSON, nullable=False),
    Column("declared_classified", Boolean, nullable=False),
    Column("level", String(20)),
    Column("status", String(30), nullable=False, index=True),
    Column("declared_at", DateTime(timezone=True), nullable=False),
)

outbox, inbox = messaging_tables(metadata)
