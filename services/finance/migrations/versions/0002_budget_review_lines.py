"""Budget review on the basis of the review opinion (R-REV-2, R-REV-3): the opinion's facts on the case, its fund
sources and yearly plan, the budget lines, the decision history, and the secrecy facts Finance is told.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BIGINT_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")
NEW_CASE_COLUMNS = ("approved_estimate", "opinion_classified", "cross_year", "opinion_concluded_at",
                    "approved_budget", "reported_at", "version")


def upgrade() -> None:
    # Nullable columns, or with a server default: plain ALTER TABLE ADD COLUMN on SQLite and PostgreSQL alike.
    op.add_column("budget_reviews", sa.Column("approved_estimate", sa.BigInteger, nullable=True))
    op.add_column("budget_reviews", sa.Column("opinion_classified", sa.Boolean, nullable=True))
    op.add_column("budget_reviews", sa.Column("cross_year", sa.Boolean, nullable=True))
    op.add_column("budget_reviews", sa.Column("opinion_concluded_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("budget_reviews", sa.Column("approved_budget", sa.BigInteger, nullable=True))
    op.add_column("budget_reviews", sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("budget_reviews", sa.Column("version", sa.Integer, nullable=False, server_default="1"))
    op.create_table(
        "budget_review_fund_sources",
        sa.Column("case_id", sa.String(36), sa.ForeignKey("budget_reviews.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("source", sa.String(40), primary_key=True),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.CheckConstraint("amount >= 0", name="ck_budget_review_fund_source_amount"),
    )
    op.create_table(
        "budget_review_yearly_plan",
        sa.Column("case_id", sa.String(36), sa.ForeignKey("budget_reviews.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.CheckConstraint("amount >= 0", name="ck_budget_review_yearly_amount"),
    )
    op.create_table(
        "budget_review_lines",
        sa.Column("case_id", sa.String(36), sa.ForeignKey("budget_reviews.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("category", sa.String(40), primary_key=True),
        sa.Column("requested_amount", sa.BigInteger, nullable=False),
        sa.Column("approved_amount", sa.BigInteger, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("approved_amount >= 0", name="ck_budget_line_approved_not_negative"),
        sa.CheckConstraint("approved_amount <= requested_amount", name="ck_budget_line_approved_within_requested"),
    )
    op.create_table(
        "budget_review_decisions",
        sa.Column("id", BIGINT_ID, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("budget_reviews.id", ondelete="CASCADE"), nullable=False),
        sa.Column("project_id", sa.String(36), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("from_status", sa.String(40), nullable=True),
        sa.Column("to_status", sa.String(40), nullable=False),
        sa.Column("department", sa.String(40), nullable=False),
        sa.Column("unit", sa.String(100), nullable=True),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("previous_hash", sa.String(64), nullable=True),
        sa.Column("entry_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_budget_review_decisions_case_id", "budget_review_decisions", ["case_id"])
    op.create_index("ix_budget_review_decisions_project_id", "budget_review_decisions", ["project_id"])
    op.create_table(
        "finance_secrecy_status",
        sa.Column("project_id", sa.String(36), primary_key=True),
        sa.Column("classified", sa.Boolean, nullable=True),
        sa.Column("level", sa.String(20), nullable=True),
        sa.Column("classification_decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_passed", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("review_id", sa.String(64), nullable=True),
        sa.Column("review_decided_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("finance_secrecy_status")
    op.drop_index("ix_budget_review_decisions_project_id", table_name="budget_review_decisions")
    op.drop_index("ix_budget_review_decisions_case_id", table_name="budget_review_decisions")
    for table in ("budget_review_decisions", "budget_review_lines", "budget_review_yearly_plan",
                  "budget_review_fund_sources"):
        op.drop_table(table)
    # SQLite cannot drop columns in place everywhere; batch mode copies the table there, and is ALTER on PostgreSQL.
    with op.batch_alter_table("budget_reviews") as batch:
        for column in reversed(NEW_CASE_COLUMNS):
            batch.drop_column(column)
