"""The secrecy service's tables: the register of projects with their classification, the review cases, the
graded-protection evaluations, the vendor-qualification register and the decision history."""
from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from shared.outbox import messaging_tables

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

decisions = Table(
    "secrecy_decisions",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("subject_type", String(20), nullable=False),
    Column("subject_id", String(100), nullable=False),
    Column("action", String(60), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("department", String(40), nullable=False),
    Column("unit", String(100)),
    Column("actor", String(200), nullable=False),
    Column("reasons", JSON, nullable=False),
    Column("details", JSON, nullable=False),
    # R-OVS-1: each subject's lines form a hash chain; one line per predecessor keeps the chain linear even when
    # two transactions append to the same subject at once (the second fails and is retried).
    Column("previous_hash", String(64), nullable=False),
    Column("entry_hash", String(64), nullable=False),
    Index("ix_secrecy_decisions_subject", "subject_type", "subject_id"),
    UniqueConstraint("subject_type", "subject_id", "previous_hash", name="uq_secrecy_decisions_chain"),
)

outbox, inbox = messaging_tables(metadata)
