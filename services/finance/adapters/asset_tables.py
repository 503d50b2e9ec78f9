"""The finance service's tables for asset registration (R-FIN-7): one registration row per accepted project that
has seen an asset decision (locked by each of them, so they take turns), its asset lines, and Finance's reminders.

Kept in step with migrations 0005 (`migrations/versions/0005_asset_registration.py`) and 0006 (no trail head).
"""
from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from services.finance.adapters.orm import metadata

asset_registrations = Table(
    "asset_registrations",
    metadata,
    Column("project_id", String(36), primary_key=True),
    Column("completed_at", DateTime(timezone=True)),
    Column("completed_by", JSON),
    Column("completion_note", Text),
    Column("reminder_count", Integer, nullable=False, server_default="0"),
    Column("last_reminded_at", DateTime(timezone=True)),
    Column("version", Integer, nullable=False, server_default="1"),
)

project_assets = Table(
    "project_assets",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("project_id", String(36), nullable=False, index=True),
    Column("unit_id", String(100), nullable=False),
    Column("category", String(20), nullable=False),
    Column("name", String(200), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("value", BigInteger, nullable=False),
    Column("custodian", String(200), nullable=False),
    Column("location", String(200), nullable=False),
    Column("card_number", String(64), nullable=False),
    # The card number while the line is active, NULL once withdrawn: a card number names one active asset of a
    # unit (NULLs never collide, on SQLite and PostgreSQL alike).
    Column("active_card_number", String(64)),
    Column("status", String(20), nullable=False),
    Column("revision", Integer, nullable=False, server_default="1"),
    Column("registered_at", DateTime(timezone=True), nullable=False),
    Column("registered_by", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("withdrawn_at", DateTime(timezone=True)),
    Column("withdrawal_reason", Text),
    UniqueConstraint("unit_id", "active_card_number", name="uq_project_assets_unit_card"),
    CheckConstraint("quantity > 0", name="ck_project_asset_quantity_positive"),
    CheckConstraint("value >= 0", name="ck_project_asset_value_not_negative"),
)

asset_reminders = Table(
    "asset_registration_reminders",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("project_id", String(36), nullable=False, index=True),
    Column("reminded_at", DateTime(timezone=True), nullable=False),
    Column("department", String(40), nullable=False),
    Column("unit", String(100)),
    Column("subject", String(200), nullable=False),
    Column("note", Text),
)
