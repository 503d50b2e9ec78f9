"""The approval service's tables (its own database; no other service reads them).

A project is stored whole as a JSON record (the aggregate); the columns beside it are projections for lists,
filters and the unique project code.
"""
from __future__ import annotations

from sqlalchemy import (
    false, JSON, BigInteger, Boolean, Column, Date, DateTime, ForeignKey, Integer, MetaData, String, Table, Text,
    UniqueConstraint,
)

from shared.outbox import messaging_tables
from shared.trail_store import trail_tables

metadata = MetaData()

projects = Table(
    "projects",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("code", String(40), nullable=False),
    Column("jurisdiction", String(20), nullable=False, index=True),
    Column("year", Integer, nullable=False, index=True),
    Column("sequence", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("kind", String(60), nullable=False, index=True),
    Column("unit_id", String(100), nullable=False, index=True),
    Column("status", String(40), nullable=False, index=True),
    Column("classified", Boolean, nullable=False),
    # R-PUB-1: withheld from publication by the Approval Bureau (the record's withholding, for the public queries)
    Column("withheld", Boolean, nullable=False, index=True, server_default=false()),
    Column("investment", BigInteger, nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
    Column("record", JSON, nullable=False),
    UniqueConstraint("jurisdiction", "year", "sequence", name="uq_project_code_sequence"),
    UniqueConstraint("code", name="uq_project_code"),
)

# The last project-code number given per jurisdiction and budget year: a draft takes the next one by updating this
# row in its own transaction, so concurrent drafts queue on the row instead of racing for MAX(sequence) + 1.
code_counters = Table(
    "project_code_counters",
    metadata,
    Column("jurisdiction", String(20), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("last_sequence", Integer, nullable=False),
)

# The project's unit and every unit above it: "a unit sees its own and its subordinate units' projects".
project_units = Table(
    "project_units",
    metadata,
    Column("project_id", String(36), ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("unit", String(100), primary_key=True, index=True),
)

# R-OVS-1: every decision on a project (its lifecycle history) is an entry of the service's decision trail.
trail = trail_tables(metadata)

# The approval service's copy of vendor qualifications, fed by the secrecy service's events (R-IMP-2).
vendor_qualifications = Table(
    "vendor_qualifications",
    metadata,
    Column("vendor_id", String(100), primary_key=True),
    Column("scopes", JSON, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_until", Date, nullable=False),
    Column("revoked_on", Date),
)

# The annual construction plans (R-PLN-1): one row per version of a jurisdiction's plan for a year, stored whole as a
# JSON record like a project; an approved version is never written again.
construction_plans = Table(
    "construction_plans",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("jurisdiction", String(20), nullable=False),
    Column("year", Integer, nullable=False),
    Column("number", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("record", JSON, nullable=False),
    UniqueConstraint("jurisdiction", "year", "number", name="uq_construction_plan_version"),
)

outbox, inbox = messaging_tables(metadata)
