"""Asset registration (R-FIN-7): a registration row per accepted project (its lock and the head of its trail chain),
its asset lines (a card number names one active asset of a unit), and Finance's reminders.

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
        "asset_registrations",
        sa.Column("project_id", sa.String(36), primary_key=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_by", sa.JSON, nullable=True),
        sa.Column("completion_note", sa.Text, nullable=True),
        sa.Column("reminder_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("trail_hash", sa.String(64), nullable=True),
    )
    op.create_table(
        "project_assets",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("project_id", sa.String(36), nullable=False),
        sa.Column("unit_id", sa.String(100), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("quantity", sa.Integer, nullable=False),
        sa.Column("value", sa.BigInteger, nullable=False),
        sa.Column("custodian", sa.String(200), nullable=False),
        sa.Column("location", sa.String(200), nullable=False),
        sa.Column("card_number", sa.String(64), nullable=False),
        sa.Column("active_card_number", sa.String(64), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False, server_default="1"),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registered_by", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawal_reason", sa.Text, nullable=True),
        sa.UniqueConstraint("unit_id", "active_card_number", name="uq_project_assets_unit_card"),
        sa.CheckConstraint("quantity > 0", name="ck_project_asset_quantity_positive"),
        sa.CheckConstraint("value >= 0", name="ck_project_asset_value_not_negative"),
    )
    op.create_index("ix_project_assets_project_id", "project_assets", ["project_id"])
    op.create_table(
        "asset_registration_reminders",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("project_id", sa.String(36), nullable=False),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("department", sa.String(40), nullable=False),
        sa.Column("unit", sa.String(100), nullable=True),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("note", sa.Text, nullable=True),
    )
    op.create_index("ix_asset_registration_reminders_project_id", "asset_registration_reminders", ["project_id"])


def downgrade() -> None:
    op.drop_index("ix_asset_registration_reminders_project_id", table_name="asset_registration_reminders")
    op.drop_table("asset_registration_reminders")
    op.drop_index("ix_project_assets_project_id", table_name="project_assets")
    op.drop_table("project_assets")
    op.drop_table("asset_registrations")
