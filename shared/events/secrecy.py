"""Events published by the secrecy service. Classification is the secrecy service's fact; others learn it here."""
from __future__ import annotations

from datetime import date, datetime

from shared.events.envelope import EventPayload, event

__all__ = ["ClassificationConfirmed", "SecrecyReviewPassed", "SecrecyReviewFailed", "VendorQualified",
           "VendorDisqualified", "PreUseApproved"]


@event("secrecy.classification.confirmed.v1")
class ClassificationConfirmed(EventPayload):
    """The Secrecy Bureau confirmed, corrected or lifted a project's classification (定密 / 解密)."""

    project_id: str
    classified: bool
    level: str | None  # SECRET 秘密 / CONFIDENTIAL 机密 / TOP_SECRET 绝密; None when not classified
    decided_at: datetime


@event("secrecy.review.passed.v1")
class SecrecyReviewPassed(EventPayload):
    """The secrecy review of a classified project passed: technical and budget review may conclude (R-REV-3)."""

    project_id: str
    review_id: str
    passed_at: datetime


@event("secrecy.review.failed.v1")
class SecrecyReviewFailed(EventPayload):
    project_id: str
    review_id: str
    reasons: list[str]


@event("secrecy.vendor.qualified.v1")
class VendorQualified(EventPayload):
    """A vendor's classified-integration qualification was registered or renewed (R-IMP-2)."""

    vendor_id: str
    vendor_name: str
    certificate_number: str
    grade: str
    scopes: list[str]  # QualificationScope values
    valid_from: date
    valid_until: date


@event("secrecy.vendor.disqualified.v1")
class VendorDisqualified(EventPayload):
    """A vendor's qualification was revoked or suspended before its end date."""

    vendor_id: str
    reason: str
    effective_on: date


@event("secrecy.pre_use.approved.v1")
class PreUseApproved(EventPayload):
    """The Secrecy Bureau's review before use passed, after graded-protection evaluation (R-ACC-5, R-SEC-1)."""

    project_id: str
    evaluation_id: str
    approved_at: datetime
