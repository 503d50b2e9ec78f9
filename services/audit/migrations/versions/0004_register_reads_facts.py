"""The register no longer copies Finance's settlement amount: readers join the settlement facts (a copy made while
the register row was being created in another transaction could be lost).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_project_register") as batch:  # SQLite rebuilds the table
        batch.drop_column("settlement_amount")


def downgrade() -> None:
    op.add_column("audit_project_register", sa.Column("settlement_amount", sa.BigInteger))
    # The code before this revision read both facts off the register row: copy them back as they stand now.
    op.execute("UPDATE audit_project_register SET settlement_amount = (SELECT settlement_amount FROM "
               "audit_settlements WHERE audit_settlements.project_id = audit_project_register.project_id)")
    op.execute("UPDATE audit_project_register SET classified = COALESCE((SELECT classified FROM audit_classifications "
               "WHERE audit_classifications.project_id = audit_project_register.project_id), classified)")
