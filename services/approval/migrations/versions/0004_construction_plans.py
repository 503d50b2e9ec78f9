"""The annual smart-city construction plans (R-PLN-1): one row per version of a jurisdiction's plan for a year, and
the decision history of each version.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-20
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "construction_plans",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("jurisdiction", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
        sa.UniqueConstraint("jurisdiction", "year", "number", name="uq_construction_plan_version"),
    )
    op.create_table(
        "construction_plan_history",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("plan_version_id", sa.String(36), sa.ForeignKey("construction_plans.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("from_status", sa.String(20)),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("department", sa.String(40), nullable=False),
        sa.Column("unit", sa.String(100)),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("project_id", sa.String(36)),
    )
    op.create_index("ix_construction_plan_history_plan_version_id", "construction_plan_history",
                    ["plan_version_id"])


def downgrade() -> None:
    op.drop_index("ix_construction_plan_history_plan_version_id", "construction_plan_history")
    op.drop_table("construction_plan_history")
    op.drop_table("construction_plans")
