"""Projects (whole records with query columns), their units, history, vendor qualifications; outbox and inbox.

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

BIGINT_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("jurisdiction", sa.String(20), nullable=False, index=True),
        sa.Column("year", sa.Integer, nullable=False, index=True),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("kind", sa.String(60), nullable=False, index=True),
        sa.Column("unit_id", sa.String(100), nullable=False, index=True),
        sa.Column("status", sa.String(40), nullable=False, index=True),
        sa.Column("classified", sa.Boolean, nullable=False),
        sa.Column("investment", sa.BigInteger, nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
        sa.UniqueConstraint("jurisdiction", "year", "sequence", name="uq_project_code_sequence"),
        sa.UniqueConstraint("code", name="uq_project_code"),
    )
    op.create_table(
        "project_units",
        sa.Column("project_id", sa.String(36), sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("unit", sa.String(100), primary_key=True, index=True),
    )
    op.create_table(
        "project_history",
        sa.Column("id", BIGINT_ID, primary_key=True, autoincrement=True),
        sa.Column("project_id", sa.String(36), sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("from_status", sa.String(40)),
        sa.Column("to_status", sa.String(40), nullable=False),
        sa.Column("department", sa.String(40), nullable=False),
        sa.Column("unit", sa.String(100)),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_table(
        "vendor_qualifications",
        sa.Column("vendor_id", sa.String(100), primary_key=True),
        sa.Column("scopes", sa.JSON, nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_until", sa.Date, nullable=False),
        sa.Column("revoked_on", sa.Date),
    )
    create_messaging_tables_v1(op)


def downgrade() -> None:
    for table in ("inbox", "outbox", "vendor_qualifications", "project_history", "project_units", "projects"):
        op.drop_table(table)
