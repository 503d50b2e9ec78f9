"""The secrecy service's tables: the register of projects with their classification, the review cases, the
graded-protection evaluations, the vendor-qualification register and the decision history."""
from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from shared.outbox import messaging_tables
from shared.trail_store import trail_tables

metadata = MetaData()

classifications = Table(
    "secrecy_classifications",
    metadata,
    Column("project_id", String(36), primary_key=True),
    Column("code", String(40), nullable=False),
    Column("unit_id", String(100), nullable=False),
    Column("unit_path", JSON, nullable=False),
    Column("declared_classified", Boolean, nullable=False),
    Column("level", String(20)),
    Column("status", String(30), nullable=False, index=True),
    Column("declared_at", DateTime(timezone=True), nullable=False),
    # 0002: the bureau's decision, and what the register knows of the project's lifecycle
    Column("decided_at", DateTime(timezone=True)),
    Column("approved_at", DateTime(timezone=True)),
    Column("accepted_at", DateTime(timezone=True)),
    Column("version", Integer, nullable=False, server_default="0"),
)

secrecy_reviews = Table(
    "secrecy_reviews",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("project_id", String(36), ForeignKey("secrecy_classifications.project_id"), nullable=False, unique=True),
    Column("status", String(20), nullable=False, index=True),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
    Column("opinion", Text),
    Column("reasons", JSON, nullable=False),
    Column("version", Integer, nullable=False),
)

pre_use_reviews = Table(
    "secrecy_pre_use_reviews",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("project_id", String(36), ForeignKey("secrecy_classifications.project_id"), nullable=False, unique=True),
    Column("status", String(30), nullable=False, index=True),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True)),
    Column("latest_evaluation_id", String(36)),
    Column("reasons", JSON, nullable=False),
    Column("version", Integer, nullable=False),
)

evaluations = Table(
    "secrecy_evaluations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("pre_use_review_id", String(36), ForeignKey("secrecy_pre_use_reviews.id"), nullable=False, index=True),
    Column("project_id", String(36), nullable=False, index=True),
    Column("evaluator", String(200), nullable=False),
    Column("report_number", String(100), nullable=False),
    Column("evaluated_on", Date, nullable=False),
    Column("conclusion", String(10), nullable=False),
    Column("findings", JSON, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

vendor_qualifications = Table(
    "secrecy_vendor_qualifications",
    metadata,
    Column("vendor_id", String(64), primary_key=True),
    Column("vendor_name", Text, nullable=False),
    Column("certificate_number", String(100), nullable=False),
    Column("grade", String(2), nullable=False),
    Column("scopes", JSON, nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_until", Date, nullable=False),
    Column("revoked_on", Date),
    Column("revocation_reason", Text),
    Column("registered_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
)

# R-OVS-1: the decision history is the service's hash-chained decision trail (shared.trail_store).
trail = trail_tables(metadata)

outbox, inbox = messaging_tables(metadata)
