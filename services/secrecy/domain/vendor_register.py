"""The Secrecy Bureau's decisions on the vendor register (R-IMP-2): register or renew a qualification, revoke it."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from services.secrecy.domain.authority import Command, authorize
from services.secrecy.domain.history import Decision, SubjectType, decision
from services.secrecy.domain.qualification import VendorQualification
from shared.auth import Identity
from shared.errors import DomainError, NotFound, Violation, refuse
from shared.qualifications import QualificationGrade, QualificationScope


VENDOR_ID_MAX = 64


@dataclass(frozen=True)
class QualificationApplication:
    """A certificate as the bureau enters it."""

    vendor_id: str
    vendor_name: str
    certificate_number: str
    grade: QualificationGrade
    scopes: tuple[QualificationScope, ...]
    valid_from: date
    valid_until: date


def _validate(application: QualificationApplication) -> None:
    problems = []
    for field, value, what in (("vendorId", application.vendor_id, "the vendor's id"),
                               ("vendorName", application.vendor_name, "the vendor's name"),
                               ("certificateNumber", application.certificate_number, "the certificate number")):
        if not (value or "").strip():
            problems.append(Violation("R-IMP-2", ("input", field), f"give {what}"))
    if len(application.vendor_id.strip()) > VENDOR_ID_MAX:
        problems.append(Violation("INVALID", ("input", "vendorId"),
                                  f"a vendor id has at most {VENDOR_ID_MAX} characters (e.g. its unified social "
                                  f"credit code, 统一社会信用代码)"))
    if not application.scopes:
        problems.append(Violation("R-IMP-2", ("input", "scopes"), "a qualification covers at least one scope"))
    if application.valid_until <= application.valid_from:
        problems.append(Violation("R-IMP-2", ("input", "validUntil"),
                                  f"the end of validity ({application.valid_until.isoformat()}) must come after its "
                                  f"start ({application.valid_from.isoformat()})"))
    if problems:
        raise DomainError(problems)


def register(existing: VendorQualification | None, application: QualificationApplication, *, actor: Identity,
             now: datetime) -> tuple[VendorQualification, Decision]:
    """Register a vendor's certificate, or renew it: the new certificate replaces the old one entirely, a revocation
    included (the bureau registers a new certificate knowingly; the old revocation stays in the history)."""
    authorize(actor, Command.REGISTER_VENDOR_QUALIFICATION)
    _validate(application)
    qualification = VendorQualification(
        vendor_id=application.vendor_id.strip(), vendor_name=application.vendor_name.strip(),
        certificate_number=application.certificate_number.strip(), grade=application.grade,
        scopes=frozenset(application.scopes), valid_from=application.valid_from,
        valid_until=application.valid_until, registered_at=existing.registered_at if existing else now,
        updated_at=now, version=existing.version + 1 if existing else 0)
    action = "RENEW_VENDOR_QUALIFICATION" if existing else Command.REGISTER_VENDOR_QUALIFICATION.value
    line = decision(actor, SubjectType.VENDOR, qualification.vendor_id, action, now,
                    certificate_number=qualification.certificate_number, grade=qualification.grade.value,
                    scopes=sorted(s.value for s in qualification.scopes),
                    valid_from=qualification.valid_from.isoformat(), valid_until=qualification.valid_until.isoformat())
    return qualification, line


def revoke(existing: VendorQualification | None, reason: str, effective_on: date, *, actor: Identity,
           now: datetime) -> tuple[VendorQualification, Decision]:
    authorize(actor, Command.REVOKE_VENDOR_QUALIFICATION)
    if existing is None:
        raise NotFound("vendor qualification", "vendorId")
    if existing.revoked_on is not None:
        raise refuse("R-IMP-2", f"the qualification was already revoked with effect from "
                                f"{existing.revoked_on.isoformat()}", "vendorId")
    reason = (reason or "").strip()
    if not reason:
        raise refuse("R-IMP-2", "a revocation must give its reason", "reason")
    updated = replace(existing.revoked(effective_on, reason), updated_at=now, version=existing.version + 1)
    line = decision(actor, SubjectType.VENDOR, existing.vendor_id, Command.REVOKE_VENDOR_QUALIFICATION.value, now,
                    (reason,), certificate_number=existing.certificate_number, effective_on=effective_on.isoformat())
    return updated, line
