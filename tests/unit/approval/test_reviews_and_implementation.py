"""Technical review (R-REV-1, R-REV-3), procurement and implementation (R-IMP-1..4)."""
from datetime import date

import pytest

from services.approval.domain import dossier as d
from services.approval.domain import model
from services.approval.domain.lifecycle import Action, ProjectStatus
from shared.auth import Department, Identity
from shared.errors import DomainError, PermissionDenied
from tests.unit.approval.builders import (
    CONTEXT, ESTIMATE, MAJOR_ESTIMATE, QUALIFIED, SUPERVISION, act, contract, project_at,
)

OPINION = d.ReviewOpinion(opinion="sound design", approved_estimate=ESTIMATE - 100_000_00)


def problems(project, action, payload=None, context=model.Context()) -> set:
    with pytest.raises(DomainError) as error:
        act(project, action, payload, context=context)
    return {(v.code, v.field) for v in error.value.violations}


def with_findings(project, aspects=tuple(d.ReviewAspect)):
    for aspect in aspects:
        project = act(project, Action.RECORD_REVIEW_FINDING, model.ReviewFinding(aspect=aspect, finding="ok"))
    return project


def test_R_REV_1_the_review_judges_every_aspect_before_its_opinion():
    approved = with_findings(project_at(ProjectStatus.APPROVED), list(d.ReviewAspect)[:-1])
    found = problems(approved, Action.CONCLUDE_TECHNICAL_REVIEW, OPINION)
    assert found == {("R-REV-1", ("findings",))}
    concluded = act(with_findings(approved, [d.ReviewAspect.INVESTMENT_ESTIMATE]), Action.CONCLUDE_TECHNICAL_REVIEW,
                    OPINION)
    assert concluded.status is ProjectStatus.TECHNICAL_REVIEW_PASSED
    assert concluded.investment == ESTIMATE - 100_000_00  # the approved estimate is now the investment


def test_R_REV_1_the_opinion_has_text_and_a_positive_approved_estimate():
    approved = with_findings(project_at(ProjectStatus.APPROVED))
    assert problems(approved, Action.CONCLUDE_TECHNICAL_REVIEW, d.ReviewOpinion(opinion=" ", approved_estimate=0)) == {
        ("R-REV-1", ("opinion",)), ("R-REV-1", ("approvedEstimate",))}


def test_R_REV_1_only_the_approval_bureau_reviews():
    with pytest.raises(PermissionDenied):
        act(project_at(ProjectStatus.APPROVED), Action.RECORD_REVIEW_FINDING,
            model.ReviewFinding(aspect=d.ReviewAspect.SITE, finding="x"),
            actor=Identity(Department.FINANCE_BUREAU, unit="f"))


def test_R_REV_3_a_classified_projects_review_waits_for_the_secrecy_review():
    approved = with_findings(project_at(ProjectStatus.APPROVED, classified=True))
    assert problems(approved, Action.CONCLUDE_TECHNICAL_REVIEW, OPINION) == {("R-REV-3", ("id",))}
    cleared = approved.model_copy(update={"secrecy_review_passed": True})
    assert act(cleared, Action.CONCLUDE_TECHNICAL_REVIEW, OPINION).status is ProjectStatus.TECHNICAL_REVIEW_PASSED


def test_R_REV_3_a_project_the_secrecy_bureau_declassified_needs_no_secrecy_review():
    approved = with_findings(project_at(ProjectStatus.APPROVED, classified=True))
    declassified = approved.model_copy(update={"confirmed_classified": False})
    assert act(declassified, Action.CONCLUDE_TECHNICAL_REVIEW, OPINION).status is ProjectStatus.TECHNICAL_REVIEW_PASSED


def test_R_REV_2_the_budget_review_report_is_recorded_only_from_finance_and_within_the_estimate():
    reviewed = project_at(ProjectStatus.TECHNICAL_REVIEW_PASSED)
    with pytest.raises(PermissionDenied):
        act(reviewed, Action.RECORD_BUDGET_REVIEW, ESTIMATE, actor=Identity(Department.APPROVAL_BUREAU, unit="a"))
    assert problems(reviewed, Action.RECORD_BUDGET_REVIEW, ESTIMATE + 1) == {("R-REV-2", ("approvedBudget",))}
    assert act(reviewed, Action.RECORD_BUDGET_REVIEW, ESTIMATE).approved_budget == ESTIMATE


def test_R_IMP_1_procurement_needs_the_opinion_and_the_report():
    for status in (ProjectStatus.APPROVED, ProjectStatus.TECHNICAL_REVIEW_PASSED):
        assert problems(project_at(status), Action.RECORD_CONTRACT, contract(ESTIMATE)) == {("R-IMP-1", ("id",))}


def test_R_IMP_1_the_contract_sum_may_not_exceed_the_approved_budget():
    budgeted = project_at(ProjectStatus.BUDGET_REVIEW_PASSED)
    assert problems(budgeted, Action.RECORD_CONTRACT, contract(ESTIMATE + 1)) == {("R-IMP-1", ("input", "contractSum"))}
    assert act(budgeted, Action.RECORD_CONTRACT, contract(ESTIMATE)).status is ProjectStatus.CONTRACT_SIGNED


@pytest.mark.parametrize("qualification,signed_on,reason", [
    (None, date(2026, 6, 1), "no classified-integration qualification"),
    (QUALIFIED, date(2028, 1, 2), "expired on 2028-01-01"),
    (QUALIFIED, date(2024, 12, 31), "valid only from 2025-01-01"),
    (QUALIFIED.model_copy(update={"revoked_on": date(2026, 5, 1)}), date(2026, 6, 1), "revoked"),
    (QUALIFIED.model_copy(update={"scopes": frozenset({"SOFTWARE_DEVELOPMENT"})}), date(2026, 6, 1), "does not cover"),
])
def test_R_IMP_2_every_vendor_of_a_classified_project_holds_a_valid_qualification(qualification, signed_on, reason):
    budgeted = project_at(ProjectStatus.BUDGET_REVIEW_PASSED, classified=True)
    context = model.Context(vendor_qualifications={"v-1": qualification} if qualification else {})
    with pytest.raises(DomainError) as error:
        act(budgeted, Action.RECORD_CONTRACT, contract(ESTIMATE, signed_on=signed_on), context=context)
    assert error.value.violations[0].code == "R-IMP-2" and reason in error.value.violations[0].message


def test_R_IMP_2_a_qualified_vendor_is_accepted_and_an_ordinary_project_needs_no_qualification():
    assert act(project_at(ProjectStatus.BUDGET_REVIEW_PASSED, classified=True), Action.RECORD_CONTRACT,
               contract(ESTIMATE, signed_on=date(2028, 1, 1)), context=CONTEXT).contract is not None
    assert act(project_at(ProjectStatus.BUDGET_REVIEW_PASSED), Action.RECORD_CONTRACT,
               contract(ESTIMATE, vendor="unregistered")).contract is not None


def test_R_IMP_4_a_major_project_names_its_certified_supervision_before_construction():
    signed = project_at(ProjectStatus.CONTRACT_SIGNED, estimate=MAJOR_ESTIMATE)
    assert signed.is_major()
    assert problems(signed, Action.START_CONSTRUCTION, context=CONTEXT) == {("R-IMP-4", ("supervision",))}
    incomplete = SUPERVISION.model_copy(update={"lead_certificate_number": ""})
    assert problems(signed, Action.RECORD_SUPERVISION, incomplete) == {("R-IMP-4", ("input", "leadCertificateNumber"))}
    supervised = act(signed, Action.RECORD_SUPERVISION, SUPERVISION)
    assert act(supervised, Action.START_CONSTRUCTION, context=CONTEXT).status is ProjectStatus.UNDER_CONSTRUCTION


def test_R_IMP_4_twenty_million_exactly_is_major_and_the_bureau_may_flag_a_smaller_one():
    at_threshold = project_at(ProjectStatus.DRAFT, estimate=20_000_000_00)
    assert at_threshold.is_major() and not project_at(ProjectStatus.DRAFT, estimate=19_999_999_99).is_major()
    small = project_at(ProjectStatus.CONTRACT_SIGNED)
    assert act(small, Action.START_CONSTRUCTION, context=CONTEXT).status is ProjectStatus.UNDER_CONSTRUCTION
    flagged = act(small, Action.FLAG_MAJOR, "city-wide platform")
    assert flagged.is_major() and problems(flagged, Action.START_CONSTRUCTION, context=CONTEXT) == {
        ("R-IMP-4", ("supervision",))}
    assert model.Context(major_threshold=10).major_threshold == 10  # the threshold is configuration


def test_R_IMP_3_changes_are_requested_then_decided_by_the_approval_bureau():
    building = project_at(ProjectStatus.UNDER_CONSTRUCTION)
    requested = act(building, Action.REQUEST_CHANGE, d.Change(change_id="c1", plan="add a module",
                                                               status=d.ChangeStatus.REQUESTED))
    with pytest.raises(PermissionDenied):
        act(requested, Action.APPROVE_CHANGE, "c1", actor=Identity(Department.CONSTRUCTION_UNIT, unit="health-commission"))
    assert problems(requested, Action.REJECT_CHANGE, ("c1", ())) == {("R-IMP-3", ("reasons",))}
    approved = act(requested, Action.APPROVE_CHANGE, "c1")
    assert approved.changes[0].status is d.ChangeStatus.APPROVED
    assert problems(approved, Action.APPROVE_CHANGE, "c1") == {("R-IMP-3", ("changeId",))}
    assert problems(approved, Action.APPROVE_CHANGE, "nope") == {("NOT_FOUND", ("changeId",))}
