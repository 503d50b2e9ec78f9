"""R-PUB-1: the Approval Bureau's withholding decisions, so that the public's view of a project's plan membership
follows its publication.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_publicity",
        sa.Column("project_id", sa.String(36), primary_key=True),
        sa.Column("withheld", sa.Boolean, nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_publicity")
