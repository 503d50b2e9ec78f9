"""Finance's project copy and budget-review cases; the outbox and inbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

from shared.outbox import create_messaging_tables_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "finance_projects",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("unit_id", sa.String(100), nullable=False),
        sa.Column("unit_path", sa.JSON, nullable=False),
        sa.Column("jurisdiction", sa.String(20), nullable=False),
        sa.Column("investment_estimate", sa.BigInteger, nullable=False),
        sa.Column("classified", sa.Boolean, nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "budget_reviews",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("project_id", sa.String(36), nullable=False, unique=True),
        sa.Column("status", sa.String(40), nullable=False, index=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
    )
    create_messaging_tables_v1(op)


def downgrade() -> None:
    for table in ("inbox", "outbox", "budget_reviews", "finance_projects"):
        op.drop_table(table)
