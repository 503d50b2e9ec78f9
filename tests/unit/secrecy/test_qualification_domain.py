"""R-IMP-2: the classified-integration qualification check and the register's decisions, as pure functions."""
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from services.secrecy.domain import vendor_register
from services.secrecy.domain.qualification import (
    QualificationFailure,
    VendorQualification,
    check_qualification,
)
from services.secrecy.domain.vendor_register import QualificationApplication
from shared.errors import DomainError, PermissionDenied
from shared.qualifications import QualificationGrade, QualificationScope
from tests.unit.secrecy.support import APPROVAL, BUREAU

NOW = datetime(2026, 5, 1, 2, 0, tzinfo=timezone.utc)
INTEGRATION = QualificationScope.OVERALL_INTEGRATION
QUALIFICATION = VendorQualification(
    vendor_id="v-1", vendor_name="Secure Co.", certificate_number="JC-1", grade=QualificationGrade.A,
    scopes=frozenset({INTEGRATION, QualificationScope.SOFTWARE_DEVELOPMENT}),
    valid_from=date(2026, 1, 1), valid_until=date(2028, 12, 31))


def application(**changes) -> QualificationApplication:
    values = dict(vendor_id="v-1", vendor_name="Secure Co.", certificate_number="JC-1", grade=QualificationGrade.B,
                  scopes=(INTEGRATION,), valid_from=date(2026, 1, 1), valid_until=date(2028, 12, 31))
    values.update(changes)
    return QualificationApplication(**values)


def codes(error: DomainError) -> set:
    return {(v.code, v.field) for v in error.violations}


def test_R_IMP_2_a_valid_certificate_covering_the_scope_qualifies():
    check = check_qualification(QUALIFICATION, on=date(2027, 6, 1), scope=INTEGRATION)
    assert check.qualified is True and check.reason is None and check.failure is None


@pytest.mark.parametrize("day", [date(2026, 1, 1), date(2028, 12, 31)])
def test_R_IMP_2_both_ends_of_the_validity_period_are_inclusive(day):
    assert check_qualification(QUALIFICATION, on=day, scope=INTEGRATION).qualified is True


def test_R_IMP_2_the_day_before_validity_is_not_yet_valid():
    check = check_qualification(QUALIFICATION, on=date(2025, 12, 31), scope=INTEGRATION)
    assert (check.qualified, check.failure) == (False, QualificationFailure.NOT_YET_VALID)
    assert "valid from 2026-01-01" in check.reason


def test_R_IMP_2_the_day_after_validity_is_expired_and_says_since_when():
    check = check_qualification(QUALIFICATION, on=date(2029, 1, 1), scope=INTEGRATION)
    assert (check.qualified, check.failure) == (False, QualificationFailure.EXPIRED)
    assert "expired on 2029-01-01" in check.reason and "valid until 2028-12-31" in check.reason


def test_R_IMP_2_a_revocation_counts_from_its_effective_day_not_before():
    revoked = QUALIFICATION.revoked(date(2027, 3, 1), "lost its secure facility")
    assert check_qualification(revoked, on=date(2027, 2, 28), scope=INTEGRATION).qualified is True
    check = check_qualification(revoked, on=date(2027, 3, 1), scope=INTEGRATION)
    assert (check.qualified, check.failure) == (False, QualificationFailure.REVOKED)
    assert "2027-03-01" in check.reason and "lost its secure facility" in check.reason


def test_R_IMP_2_a_scope_the_certificate_does_not_cover_is_refused():
    check = check_qualification(QUALIFICATION, on=date(2027, 6, 1), scope=QualificationScope.SHIELDED_ROOM)
    assert (check.qualified, check.failure) == (False, QualificationFailure.SCOPE_NOT_COVERED)
    assert "SHIELDED_ROOM" in check.reason


def test_R_IMP_2_an_unregistered_vendor_is_not_qualified():
    check = check_qualification(None, on=date(2027, 6, 1), scope=INTEGRATION)
    assert (check.qualified, check.failure) == (False, QualificationFailure.UNKNOWN_VENDOR)
    assert check.reason


def test_R_IMP_2_the_check_imports_without_infrastructure():
    """The approval service applies the same check to its event-fed copy: importing it must pull in no database,
    GraphQL or bus code."""
    code = ("import sys; import services.secrecy.domain.qualification as q; "
            "heavy = [m for m in ('sqlalchemy', 'strawberry', 'aio_pika', 'shared.db', 'shared.uow', 'fastapi') "
            "if m in sys.modules]; print(heavy); sys.exit(1 if heavy else 0)")
    result = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parents[3], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_R_IMP_2_registration_needs_an_end_after_the_start_and_a_scope():
    with pytest.raises(DomainError) as refused:
        vendor_register.register(None, application(valid_until=date(2026, 1, 1), scopes=()), actor=BUREAU, now=NOW)
    assert codes(refused.value) == {("R-IMP-2", ("input", "validUntil")), ("R-IMP-2", ("input", "scopes"))}


def test_R_IMP_2_registration_needs_the_certificate_number_and_names():
    with pytest.raises(DomainError) as refused:
        vendor_register.register(None, application(certificate_number=" ", vendor_name=""), actor=BUREAU, now=NOW)
    assert codes(refused.value) == {("R-IMP-2", ("input", "certificateNumber")),
                                    ("R-IMP-2", ("input", "vendorName"))}


def test_R_IMP_2_a_renewal_replaces_the_certificate_and_lifts_an_old_revocation():
    first, _ = vendor_register.register(None, application(), actor=BUREAU, now=NOW)
    revoked, _ = vendor_register.revoke(first, "expired facility permit", date(2026, 6, 1), actor=BUREAU, now=NOW)
    renewed, line = vendor_register.register(
        revoked, application(certificate_number="JC-2", valid_from=date(2026, 7, 1), valid_until=date(2029, 6, 30)),
        actor=BUREAU, now=NOW)
    assert line.action == "RENEW_VENDOR_QUALIFICATION"
    assert renewed.revoked_on is None and renewed.certificate_number == "JC-2"
    assert renewed.version == revoked.version + 1
    assert check_qualification(renewed, on=date(2026, 7, 1), scope=INTEGRATION).qualified


def test_R_IMP_2_a_revocation_needs_a_reason_and_happens_once():
    with pytest.raises(DomainError) as no_reason:
        vendor_register.revoke(QUALIFICATION, "  ", date(2027, 1, 1), actor=BUREAU, now=NOW)
    assert codes(no_reason.value) == {("R-IMP-2", ("reason",))}
    revoked, line = vendor_register.revoke(QUALIFICATION, "fraud", date(2027, 1, 1), actor=BUREAU, now=NOW)
    assert line.reasons == ("fraud",) and line.department == "SECRECY_BUREAU" and line.actor == BUREAU.subject
    with pytest.raises(DomainError) as twice:
        vendor_register.revoke(revoked, "fraud again", date(2027, 2, 1), actor=BUREAU, now=NOW)
    assert codes(twice.value) == {("R-IMP-2", ("vendorId",))}


def test_revoking_an_unregistered_vendor_is_not_found():
    with pytest.raises(DomainError) as refused:
        vendor_register.revoke(None, "fraud", date(2027, 1, 1), actor=BUREAU, now=NOW)
    assert codes(refused.value) == {("NOT_FOUND", ("vendorId",))}


def test_article_5_only_the_secrecy_bureau_keeps_the_vendor_register():
    with pytest.raises(PermissionDenied, match="SECRECY_BUREAU"):
        vendor_register.register(None, application(), actor=APPROVAL, now=NOW)
