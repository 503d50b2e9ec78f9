"""The classified-integration qualification (涉密信息系统集成资质) and the R-IMP-2 check, as pure code.

For a classified project every participating vendor must hold a valid qualification registered with the Secrecy
Bureau, covering the work it does. `check_qualification` is the one statement of that rule: the secrecy service
applies it to its register, and the approval service applies it to its own copy fed by
`secrecy.vendor.qualified.v1` / `secrecy.vendor.disqualified.v1` (build a `VendorQualification` from the first,
then `.revoked(effective_on, reason)` on the second). This module imports nothing but the standard library and the
shared enums, so importing it does no I/O.

Dates are calendar dates in China's time zone. Both ends of the validity period are inclusive: a certificate
valid from 2026-01-01 until 2028-12-31 qualifies on both of those days. A revocation takes effect on its
`revoked_on` date, inclusive; checks on earlier dates (say, the date a contract was signed) still pass.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import Enum

from shared.qualifications import QualificationGrade, QualificationScope


@dataclass(frozen=True)
class VendorQualification:
    vendor_id: str  # the vendor's stable id, as the approval service's contracts name it
    vendor_name: str
    certificate_number: str
    grade: QualificationGrade  # 甲级 A / 乙级 B
    scopes: frozenset[QualificationScope]
    valid_from: date
    valid_until: date
    revoked_on: date | None = None
    revocation_reason: str | None = None
    registered_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 0

    def revoked(self, effective_on: date, reason: str) -> "VendorQualification":
        return replace(self, revoked_on=effective_on, revocation_reason=reason)


class QualificationFailure(str, Enum):
    UNKNOWN_VENDOR = "UNKNOWN_VENDOR"
    REVOKED = "REVOKED"
    NOT_YET_VALID = "NOT_YET_VALID"
    EXPIRED = "EXPIRED"
    SCOPE_NOT_COVERED = "SCOPE_NOT_COVERED"


@dataclass(frozen=True)
class QualificationCheck:
    qualified: bool
    reason: str | None = None  # why not, in words a clerk understands
    failure: QualificationFailure | None = None  # why not, for code

    @classmethod
    def passed(cls) -> "QualificationCheck":
        return cls(True)


def _fail(failure: QualificationFailure, reason: str) -> QualificationCheck:
    return QualificationCheck(False, reason, failure)


def check_qualification(qualification: VendorQualification | None, *, on: date,
                        scope: QualificationScope) -> QualificationCheck:
    """R-IMP-2: does the vendor hold a valid qualification for `scope` on the date `on`?"""
    if qualification is None:
        return _fail(QualificationFailure.UNKNOWN_VENDOR,
                     "the vendor holds no classified-integration qualification registered with the Secrecy Bureau")
    q = qualification
    if q.revoked_on is not None and on >= q.revoked_on:
        return _fail(QualificationFailure.REVOKED,
                     f"certificate {q.certificate_number} was revoked with effect from {q.revoked_on.isoformat()}"
                     + (f": {q.revocation_reason}" if q.revocation_reason else ""))
    if on < q.valid_from:
        return _fail(QualificationFailure.NOT_YET_VALID,
                     f"certificate {q.certificate_number} is not yet valid: valid from {q.valid_from.isoformat()}")
    if on > q.valid_until:
        return _fail(QualificationFailure.EXPIRED,
                     f"certificate {q.certificate_number} expired on {(q.valid_until + timedelta(days=1)).isoformat()}"
                     f" (valid until {q.valid_until.isoformat()})")
    if scope not in q.scopes:
        covered = ", ".join(sorted(s.value for s in q.scopes))
        return _fail(QualificationFailure.SCOPE_NOT_COVERED,
                     f"certificate {q.certificate_number} does not cover {scope.value} (it covers {covered})")
    return QualificationCheck.passed()
