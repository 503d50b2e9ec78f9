"""The finance service's tables: its own copy of project facts (fed by events) and its budget-review cases.

Kept in step with the Alembic history under `migrations/versions/`.
"""
from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
)

from shared.outbox import messaging_tables
from shared.trail_store import trail_tables

metadata = MetaData()
BIGINT_ID = BigInteger().with_variant(Integer, "sqlite")

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
    # 0002: the review opinion (审查意见) the case works on, the report, and optimistic locking
    Column("approved_estimate", BigInteger),
    Column("opinion_classified", Boolean),
    Column("cross_year", Boolean),
    Column("opinion_concluded_at", DateTime(timezone=True)),
    Column("approved_budget", BigInteger),
    Column("reported_at", DateTime(timezone=True)),
    Column("version", Integer, nullable=False, server_default="1"),
)

review_fund_sources = Table(
    "budget_review_fund_sources",
    metadata,
    Column("case_id", String(36), ForeignKey("budget_reviews.id", ondelete="CASCADE"), primary_key=True),
    Column("source", String(40), primary_key=True),
    Column("amount", BigInteger, nullable=False),
    CheckConstraint("amount >= 0", name="ck_budget_review_fund_source_amount"),
)

review_yearly_plan = Table(
    "budget_review_yearly_plan",
    metadata,
    Column("case_id", String(36), ForeignKey("budget_reviews.id", ondelete="CASCADE"), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("amount", BigInteger, nullable=False),
    CheckConstraint("amount >= 0", name="ck_budget_review_yearly_amount"),
)

budget_lines = Table(
    "budget_review_lines",
    metadata,
    Column("case_id", String(36), ForeignKey("budget_reviews.id", ondelete="CASCADE"), primary_key=True),
    Column("category", String(40), primary_key=True),
    Column("requested_amount", BigInteger, nullable=False),
    Column("approved_amount", BigInteger, nullable=False),
    Column("note", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("approved_amount >= 0", name="ck_budget_line_approved_not_negative"),
    CheckConstraint("approved_amount <= requested_amount", name="ck_budget_line_approved_within_requested"),
)

# R-OVS-1: every decision of the service (budget reviews, money, plans) on one hash chain (shared.trail_store).
trail = trail_tables(metadata)

secrecy_status = Table(
    "finance_secrecy_status",
    metadata,
    Column("project_id", String(36), primary_key=True),
    Column("classified", Boolean),
    Column("level", String(20)),
    Column("classification_decided_at", DateTime(timezone=True)),
    Column("review_passed", Boolean, nullable=False, server_default=false()),
    Column("review_id", String(64)),
    Column("review_decided_at", DateTime(timezone=True)),
)

outbox, inbox = messaging_tables(metadata)
