"""The outbox parks a row the broker keeps refusing (parked_at), so the rows behind it flow and an operator sees it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-12
"""
from alembic import op

from shared.outbox import add_outbox_parking_v2, drop_outbox_parking_v2

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_outbox_parking_v2(op)


def downgrade() -> None:
    drop_outbox_parking_v2(op)
