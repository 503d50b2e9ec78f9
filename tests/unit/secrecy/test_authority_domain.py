"""Article 5: every decision of this service is the Secrecy Bureau's; every other department is refused, by every
decision function of the domain (the FORBIDDEN error at the GraphQL level is in test_service_permissions.py)."""
from datetime import date, datetime, timezone

import pytest

from services.secrecy.domain import classification, pre_use, review, vendor_register
from services.secrecy.domain.authority import AUTHORITY, Command, authorize
from services.secrecy.domain.classification import ProjectFacts, SecrecyLevel
from services.secrecy.domain.pre_use import EvaluationConclusion, PreUseStatus
from services.secrecy.domain.qualification import VendorQualification
from services.secrecy.domain.review import SecrecyReviewStatus
from shared.auth import Department, Identity
from shared.errors import PermissionDenied
from shared.qualifications import QualificationGrade, QualificationScope

NOW = datetime(2026, 9, 1, 2, 0, tzinfo=timezone.utc)
ENTRY = classification.record_declaration(None, ProjectFacts("p-1", "C-1", "psb", ("psb",)),
                                          declared_classified=True, at=NOW)
OPEN = review.SecrecyReview("r-1", "p-1", SecrecyReviewStatus.OPEN, NOW)
FAILED = review.SecrecyReview("r-1", "p-1", SecrecyReviewStatus.FAILED, NOW, reasons=("x",))
AWAITING = pre_use.PreUseReview("u-1", "p-1", PreUseStatus.AWAITING_EVALUATION, NOW)
EVALUATED = pre_use.PreUseReview("u-1", "p-1", PreUseStatus.EVALUATION_PASSED, NOW, latest_evaluation_id="e-1")
VENDOR = VendorQualification("v-1", "Co.", "JC-1", QualificationGrade.A,
                             frozenset({QualificationScope.OVERALL_INTEGRATION}), date(2026, 1, 1),
                             date(2027, 1, 1))
APPLICATION = vendor_register.QualificationApplication("v-1", "Co.", "JC-1", QualificationGrade.A,
                                                       (QualificationScope.OVERALL_INTEGRATION,),
                                                       date(2026, 1, 1), date(2027, 1, 1))

# Each command, decided by `actor` on a record where the Secrecy Bureau itself would succeed.
DECISIONS = {
    Command.CONFIRM_CLASSIFICATION: lambda a: classification.confirm(ENTRY, SecrecyLevel.SECRET, actor=a, now=NOW),
    Command.DECLASSIFY_PROJECT: lambda a: classification.declassify(ENTRY, "no secret", actor=a, now=NOW),
    Command.PASS_SECRECY_REVIEW: lambda a: review.pass_review(OPEN, "ok", actor=a, now=NOW),
    Command.FAIL_SECRECY_REVIEW: lambda a: review.fail_review(OPEN, ["no plan"], actor=a, now=NOW),
    Command.REOPEN_SECRECY_REVIEW: lambda a: review.reopen_review(FAILED, actor=a, now=NOW),
    Command.REGISTER_VENDOR_QUALIFICATION: lambda a: vendor_register.register(None, APPLICATION, actor=a, now=NOW),
    Command.REVOKE_VENDOR_QUALIFICATION: lambda a: vendor_register.revoke(VENDOR, "fraud", date(2026, 6, 1),
                                                                          actor=a, now=NOW),
    Command.RECORD_GRADED_PROTECTION_EVALUATION: lambda a: pre_use.record_evaluation(
        AWAITING, evaluation_id="e-1", evaluator="Center", report_number="FB-1", evaluated_on=date(2026, 8, 1),
        conclusion=EvaluationConclusion.PASSED, findings=[], today=date(2026, 9, 1), actor=a, now=NOW),
    Command.APPROVE_PRE_USE: lambda a: pre_use.approve(EVALUATED, actor=a, now=NOW),
    Command.REFUSE_PRE_USE: lambda a: pre_use.refuse_use(AWAITING, ["no"], actor=a, now=NOW),
}
OTHERS = [d for d in Department if d is not Department.SECRECY_BUREAU]


def test_article_5_every_command_is_the_secrecy_bureaus_alone_and_every_one_is_tested_here():
    assert set(AUTHORITY) == set(Command) == set(DECISIONS)
    assert all(departments == {Department.SECRECY_BUREAU} for departments in AUTHORITY.values())


@pytest.mark.parametrize("command", list(Command))
def test_article_5_the_secrecy_bureau_may_decide(command):
    DECISIONS[command](Identity(Department.SECRECY_BUREAU, unit="secrecy", subject="clerk"))


@pytest.mark.parametrize("department", OTHERS)
@pytest.mark.parametrize("command", list(Command))
def test_article_5_every_other_department_is_refused_and_told_who_may(command, department):
    actor = Identity(department, unit="some-unit", roles=("SECRECY_CLEARANCE",), subject="x")
    with pytest.raises(PermissionDenied, match=f"is for SECRECY_BUREAU; you are {department.value}"):
        DECISIONS[command](actor)
    with pytest.raises(PermissionDenied):
        authorize(actor, command)
