"""Project-code counters: the last number given in each jurisdiction and budget year, counted on from the projects
already drafted.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-10
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "project_code_counters",
        sa.Column("jurisdiction", sa.String(20), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("last_sequence", sa.Integer, nullable=False),
    )
    op.execute("INSERT INTO project_code_counters (jurisdiction, year, last_sequence) "
               "SELECT jurisdiction, year, MAX(sequence) FROM projects GROUP BY jurisdiction, year")


def downgrade() -> None:
    op.drop_table("project_code_counters")
