"""The approval service's tables (its own database; no other service reads them)."""
from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from shared.outbox import messaging_tables

metadata = MetaData()

projects = Table(
    "projects",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("code", String(40), nullable=False),
    Column("jurisdiction", String(20), nullable=False),
    Column("year", Integer, nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("kind", String(60), nullable=False),
    Column("unit_id", String(100), nullable=False, index=True),
    Column("unit_path", JSON, nullable=False),
    Column("investment_estimate", BigInteger, nullable=False),
    Column("declared_classified", Boolean, nullable=False),
    Column("status", String(40), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
    UniqueConstraint("jurisdiction", "year", "sequence", name="uq_project_code_sequence"),
    UniqueConstraint("code", name="uq_project_code"),
)

fund_sources = Table(
    "project_fund_sources",
    metadata,
    Column("project_id", String(36), ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("source", String(40), primary_key=True),
    Column("amount", BigInteger, nullable=False),
)

history = Table(
    "project_history",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("project_id", String(36), ForeignKey("projects.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("action", String(40), nullable=False),
    Column("from_status", String(40)),
    Column("to_status", String(40), nullable=False),
    Column("department", String(40), nullable=False),
    Column("unit", String(100)),
    Column("subject", String(200), nullable=False),
    Column("reasons", JSON, nullable=False),
)

outbox, inbox = messaging_tables(metadata)
