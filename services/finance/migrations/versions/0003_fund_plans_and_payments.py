"""A project's money after the budget review: the ledger (R-FIN-1, locked by every money decision), yearly
allocations (R-FIN-2), special-fund annual plans (R-PLN-2), payments, sanctions (R-FIN-4), settlement reviews
(R-FIN-6), rewards (R-FIN-3), spot checks (R-FIN-5), the facts other bureaus report (contract, acceptance,
operation, performance reviews, audit findings), and the hash-chained money trail (R-OVS-1).

Every project that already has a budget-review case gets its ledger row, with the approved budget of its report.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BIGINT_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def _who() -> list[sa.Column]:
    return [sa.Column("department", sa.String(40), nullable=False), sa.Column("unit", sa.String(100), nullable=True),
            sa.Column("subject", sa.String(200), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "finance_ledgers",
        sa.Column("project_id", sa.String(36), primary_key=True),
        sa.Column("approved_budget", sa.BigInteger, nullable=True),
        sa.Column("reductions", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("paid", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("recovery_ordered", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("payments_stopped", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("trail_hash", sa.String(64), nullable=True),
        sa.CheckConstraint("paid >= 0 AND reductions >= 0 AND recovery_ordered >= 0", name="ck_ledger_not_negative"),
        sa.CheckConstraint("paid = 0 OR paid + reductions <= approved_budget", name="ck_ledger_within_budget"),
    )
    op.execute("INSERT INTO finance_ledgers (project_id, approved_budget) "
               "SELECT project_id, approved_budget FROM budget_reviews")
    op.create_table(
        "fund_allocations",
        sa.Column("project_id", sa.String(36), sa.ForeignKey("finance_ledgers.project_id"), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("paid", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("om_paid", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount >= 0 AND paid <= amount AND om_paid <= paid", name="ck_allocation_within"),
    )
    op.create_table(
        "special_fund_plans",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("jurisdiction", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("drafted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("return_reason", sa.Text, nullable=True),
        sa.Column("signatures", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("trail_hash", sa.String(64), nullable=True),
        sa.UniqueConstraint("jurisdiction", "year", name="uq_special_fund_plan_jurisdiction_year"),
    )
    op.create_table(
        "special_fund_plan_lines",
        sa.Column("plan_id", sa.String(36), sa.ForeignKey("special_fund_plans.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("project_id", sa.String(36), primary_key=True),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.CheckConstraint("amount > 0", name="ck_plan_line_positive"),
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("idempotency_key", sa.String(100), nullable=False, unique=True),
        sa.Column("project_id", sa.String(36), sa.ForeignKey("finance_ledgers.project_id"), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("tranche", sa.String(100), nullable=False),
        sa.Column("purpose", sa.String(500), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=False),
        *_who(),
        sa.CheckConstraint("amount > 0", name="ck_payment_positive"),
    )
    op.create_index("ix_payments_project_id", "payments", ["project_id"])
    op.create_table(
        "finance_project_facts",
        sa.Column("project_id", sa.String(36), primary_key=True),
        sa.Column("contract_id", sa.String(64), nullable=True),
        sa.Column("contract_sum", sa.BigInteger, nullable=True),
        sa.Column("contract_signed_on", sa.Date, nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_investment", sa.BigInteger, nullable=True),
        sa.Column("accepted_budget", sa.BigInteger, nullable=True),
        sa.Column("accepted_contract_sum", sa.BigInteger, nullable=True),
        sa.Column("self_funded", sa.Boolean, nullable=True),
        sa.Column("operation_started_on", sa.Date, nullable=True),
        sa.Column("om_years", sa.Integer, nullable=True),
        sa.Column("om_annual_funding", sa.BigInteger, nullable=True),
        sa.Column("operating_organisation", sa.String(200), nullable=True),
    )
    op.create_table(
        "finance_performance_reviews",
        sa.Column("project_id", sa.String(36), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("targets_met", sa.Boolean, nullable=False),
        sa.Column("rectification", sa.String(20), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "finance_audit_findings",
        sa.Column("finding_id", sa.String(64), primary_key=True),
        sa.Column("project_id", sa.String(36), nullable=False),
        sa.Column("engagement_id", sa.String(64), nullable=False),
        sa.Column("violation_type", sa.String(40), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_finance_audit_findings_project_id", "finance_audit_findings", ["project_id"])
    op.create_table(
        "sanctions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("project_id", sa.String(36), sa.ForeignKey("finance_ledgers.project_id"), nullable=False),
        sa.Column("finding_id", sa.String(64), nullable=True),
        sa.Column("spot_check_id", sa.String(36), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("imposed_at", sa.DateTime(timezone=True), nullable=False),
        *_who(),
    )
    op.create_index("ix_sanctions_project_id", "sanctions", ["project_id"])
    op.create_table(
        "settlement_reviews",
        sa.Column("project_id", sa.String(36), sa.ForeignKey("finance_ledgers.project_id"), primary_key=True),
        sa.Column("settlement_amount", sa.BigInteger, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        *_who(),
    )
    op.create_table(
        "rewards",
        sa.Column("project_id", sa.String(36), sa.ForeignKey("finance_ledgers.project_id"), primary_key=True),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        *_who(),
    )
    op.create_table(
        "spot_checks",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("project_id", sa.String(36), sa.ForeignKey("finance_ledgers.project_id"), nullable=False),
        sa.Column("scope", sa.Text, nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sa.JSON, nullable=False),
        sa.Column("concluded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("irregularities_found", sa.Boolean, nullable=True),
        sa.Column("result", sa.Text, nullable=True),
        sa.Column("concluded_by", sa.JSON, nullable=True),
    )
    op.create_index("ix_spot_checks_project_id", "spot_checks", ["project_id"])
    op.create_table(
        "finance_trail",
        sa.Column("id", BIGINT_ID, primary_key=True, autoincrement=True),
        sa.Column("chain", sa.String(80), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("department", sa.String(40), nullable=False),
        sa.Column("unit", sa.String(100), nullable=True),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("previous_hash", sa.String(64), nullable=True),
        sa.Column("entry_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_finance_trail_chain", "finance_trail", ["chain"])


def downgrade() -> None:
    op.drop_index("ix_finance_trail_chain", table_name="finance_trail")
    op.drop_index("ix_spot_checks_project_id", table_name="spot_checks")
    op.drop_index("ix_sanctions_project_id", table_name="sanctions")
    op.drop_index("ix_finance_audit_findings_project_id", table_name="finance_audit_findings")
    op.drop_index("ix_payments_project_id", table_name="payments")
    for table in ("finance_trail", "spot_checks", "rewards", "settlement_reviews", "sanctions",
                  "finance_audit_findings", "finance_performance_reviews", "finance_project_facts", "payments",
                  "special_fund_plan_lines", "special_fund_plans", "fund_allocations", "finance_ledgers"):
        op.drop_table(table)
