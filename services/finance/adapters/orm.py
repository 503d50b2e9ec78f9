"""The finance service's tables: its own copy of project facts (fed by events) and its budget-review cases."""
from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Boolean, Column, DateTime, MetaData, String, Table

from shared.outbox import messaging_tables

metadata = MetaData()

projects = Table(
    "finance_projects",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("code", String(40), nullable=False),
    Column("unit_id", String(100), nullable=False),
    Column("unit_path", JSON, nullable=False),
    Column("jurisdiction", String(20), nullable=False),
    Column("investment_estimate", BigInteger, nullable=False),
    Column("classified", Boolean, nullable=False),
    Column("approved_at", DateTime(timezone=True), nullable=False),
)

budget_reviews = Table(
    "budget_reviews",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("project_id", String(36), nullable=False, unique=True),
    Column("status", String(40), nullable=False, index=True),
    Column("opened_at", DateTime(timezone=True), nullable=False),
)

outbox, inbox = messaging_tables(metadata)
