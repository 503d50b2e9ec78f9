"""R-PUB-1: a project the Approval Bureau withheld from publication (withheld), a projection of the record's
withholding for the public lists, counts and export.

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
    with op.batch_alter_table("projects") as batch:  # SQLite rebuilds the table
        batch.add_column(sa.Column("withheld", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.create_index("ix_projects_withheld", ["withheld"])


def downgrade() -> None:
    with op.batch_alter_table("projects") as batch:
        batch.drop_index("ix_projects_withheld")
        batch.drop_column("withheld")
