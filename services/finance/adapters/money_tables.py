"""The finance service's tables for a project's money after the budget review: the ledger (one row per project,
locked by every money decision), yearly allocations, the special-fund plans, payments, sanctions, settlement,
rewards, spot checks and the facts other bureaus reported (the money trail is on the decision trail: orm.trail).

Kept in step with migration 0003 (`migrations/versions/0003_fund_plans_and_payments.py`).
"""
from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from services.finance.adapters.orm import BIGINT_ID, metadata

ledgers = Table(
    "finance_ledgers",
    metadata,
    Column("project_id", String(36), primary_key=True),
    Column("approved_budget", BigInteger),
    Column("reductions", BigInteger, nullable=False, server_default="0"),
    Column("paid", BigInteger, nullable=False, server_default="0"),
    Column("recovery_ordered", BigInteger, nullable=False, server_default="0"),
    Column("payments_stopped", Boolean, nullable=False, server_default=false()),
    Column("version", Integer, nullable=False, server_default="1"),
    # The last line of defence against overspending (R-FIN-1); the ledger lock is the first.
    CheckConstraint("paid >= 0 AND reductions >= 0 AND recovery_ordered >= 0", name="ck_ledger_not_negative"),
    CheckConstraint("paid = 0 OR paid + reductions <= approved_budget", name="ck_ledger_within_budget"),
)

allocations = Table(
    "fund_allocations",
    metadata,
    Column("project_id", String(36), ForeignKey("finance_ledgers.project_id"), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("amount", BigInteger, nullable=False),
    Column("paid", BigInteger, nullable=False, server_default="0"),
    Column("om_paid", BigInteger, nullable=False, server_default="0"),
    Column("note", Text),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("amount >= 0 AND paid <= amount AND om_paid <= paid", name="ck_allocation_within"),
)

plans = Table(
    "special_fund_plans",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("jurisdiction", String(20), nullable=False),
    Column("year", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("drafted_at", DateTime(timezone=True)),
    Column("submitted_at", DateTime(timezone=True)),
    Column("decided_at", DateTime(timezone=True)),
    Column("return_reason", Text),
    Column("signatures", JSON, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
    UniqueConstraint("jurisdiction", "year", name="uq_special_fund_plan_jurisdiction_year"),
)

plan_lines = Table(
    "special_fund_plan_lines",
    metadata,
    Column("plan_id", String(36), ForeignKey("special_fund_plans.id", ondelete="CASCADE"), primary_key=True),
    Column("project_id", String(36), primary_key=True),
    Column("amount", BigInteger, nullable=False),
    CheckConstraint("amount > 0", name="ck_plan_line_positive"),
)

payments = Table(
    "payments",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("idempotency_key", String(100), nullable=False, unique=True),
    Column("project_id", String(36), ForeignKey("finance_ledgers.project_id"), nullable=False, index=True),
    Column("year", Integer, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("tranche", String(100), nullable=False),
    Column("purpose", String(500), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("paid_at", DateTime(timezone=True), nullable=False),
    Column("department", String(40), nullable=False),
    Column("unit", String(100)),
    Column("subject", String(200), nullable=False),
    CheckConstraint("amount > 0", name="ck_payment_positive"),
)

project_facts = Table(
    "finance_project_facts",
    metadata,
    Column("project_id", String(36), primary_key=True),
    Column("contract_id", String(64)),
    Column("contract_sum", BigInteger),
    Column("contract_signed_on", Date),
    Column("accepted_at", DateTime(timezone=True)),
    Column("accepted_investment", BigInteger),
    Column("accepted_budget", BigInteger),
    Column("accepted_contract_sum", BigInteger),
    Column("self_funded", Boolean),
    Column("operation_started_on", Date),
    Column("om_years", Integer),
    Column("om_annual_funding", BigInteger),
    Column("operating_organisation", String(200)),
)

performance_reviews = Table(
    "finance_performance_reviews",
    metadata,
    Column("project_id", String(36), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("targets_met", Boolean, nullable=False),
    Column("rectification", String(20), nullable=False),
    Column("reviewed_at", DateTime(timezone=True), nullable=False),
)

audit_findings = Table(
    "finance_audit_findings",
    metadata,
    Column("finding_id", String(64), primary_key=True),
    Column("project_id", String(36), nullable=False, index=True),
    Column("engagement_id", String(64), nullable=False),
    Column("violation_type", String(40), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("summary", Text, nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False),
)

sanctions = Table(
    "sanctions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("project_id", String(36), ForeignKey("finance_ledgers.project_id"), nullable=False, index=True),
    Column("finding_id", String(64)),
    Column("spot_check_id", String(36)),
    Column("kind", String(20), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("reason", Text, nullable=False),
    Column("imposed_at", DateTime(timezone=True), nullable=False),
    Column("department", String(40), nullable=False),
    Column("unit", String(100)),
    Column("subject", String(200), nullable=False),
)

settlements = Table(
    "settlement_reviews",
    metadata,
    Column("project_id", String(36), ForeignKey("finance_ledgers.project_id"), primary_key=True),
    Column("settlement_amount", BigInteger, nullable=False),
    Column("note", Text),
    Column("reviewed_at", DateTime(timezone=True), nullable=False),
    Column("department", String(40), nullable=False),
    Column("unit", String(100)),
    Column("subject", String(200), nullable=False),
)

rewards = Table(
    "rewards",
    metadata,
    Column("project_id", String(36), ForeignKey("finance_ledgers.project_id"), primary_key=True),
    Column("amount", BigInteger, nullable=False),
    Column("reason", Text, nullable=False),
    Column("granted_at", DateTime(timezone=True), nullable=False),
    Column("department", String(40), nullable=False),
    Column("unit", String(100)),
    Column("subject", String(200), nullable=False),
)

spot_checks = Table(
    "spot_checks",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("project_id", String(36), ForeignKey("finance_ledgers.project_id"), nullable=False, index=True),
    Column("scope", Text, nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("opened_by", JSON, nullable=False),
    Column("concluded_at", DateTime(timezone=True)),
    Column("irregularities_found", Boolean),
    Column("result", Text),
    Column("concluded_by", JSON),
)
