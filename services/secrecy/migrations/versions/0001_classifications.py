"""The secrecy classification register; the outbox and inbox.

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
        "secrecy_classifications",
        sa.Column("project_id", sa.String(36), primary_key=True),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("unit_id", sa.String(100), nullable=False),
        sa.Column("unit_path", sa.JSON, nullable=False),
        sa.Column("declared_classified", sa.Boolean, nullable=False),
        sa.Column("level", sa.String(20)),
        sa.Column("status", sa.String(30), nullable=False, index=True),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
    )
    create_messaging_tables_v1(op)


def downgrade() -> None:
    for table in ("inbox", "outbox", "secrecy_classifications"):
        op.drop_table(table)
