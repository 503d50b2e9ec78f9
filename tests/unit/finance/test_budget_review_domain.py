"""Budget review (预算评审) as pure decisions: no database, no GraphQL. R-REV-2 lines and totals, R-REV-3 gating."""
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from services.finance.domain import decisions
from services.finance.domain.budget_review import (
    BudgetLine,
    BudgetReviewStatus,
    LineCategory,
    SecrecyFacts,
    open_case,
)
from services.finance.domain.history import Actor
from shared.auth import Department, Identity
from shared.errors import DomainError, PermissionDenied

NOW = datetime(2026, 4, 1, 2, 0, tzinfo=timezone.utc)
FINANCE = Identity(Department.FINANCE_BUREAU, unit="finance-bureau", subject="clerk-1")
APPROVAL_EVENT = Actor.event("APPROVAL_BUREAU", "approval", "e-1")
ESTIMATE = 1_000_000_00  # 1,000,000 yuan in fen


def opinion(estimate=ESTIMATE, classified=False, at=NOW, **changes):
    values = dict(approved_estimate=estimate, classified=classified, fund_sources=[("FISCAL", estimate)],
                  cross_year=False, yearly_plan=[], concluded_at=at)
    values.update(changes)
    return decisions.review_opinion(**values)


def in_review(estimate=ESTIMATE, classified=False):
    case = open_case(case_id="c-1", project_id="p-1", now=NOW)
    case, _ = decisions.receive_opinion(case, opinion(estimate, classified), actor=APPROVAL_EVENT, now=NOW)
    return case


def with_line(case, category, requested, approved, note=None):
    return decisions.set_line(case, BudgetLine(category, requested, approved, note), actor=FINANCE, now=NOW)[0]


def codes(error: DomainError):
    return {(v.code, v.field) for v in error.violations}


# --- R-REV-2: lines ---------------------------------------------------------------------------------------------

def test_R_REV_2_a_line_is_approved_at_most_at_what_was_requested():
    case = in_review()
    with pytest.raises(DomainError) as refused:
        with_line(case, LineCategory.EQUIPMENT, 100_00, 100_01)
    assert codes(refused.value) == {("R-REV-2", ("approvedAmount",))}
    at_requested = with_line(case, LineCategory.EQUIPMENT, 100_00, 100_00)
    assert at_requested.line(LineCategory.EQUIPMENT).approved_amount == 100_00


def test_R_REV_2_approved_lines_exactly_equal_to_the_estimate_pass():
    case = with_line(in_review(), LineCategory.EQUIPMENT, 700_000_00, 600_000_00)
    case = with_line(case, LineCategory.SYSTEM_INTEGRATION, 500_000_00, 400_000_00)
    assert case.approved_total == ESTIMATE


def test_R_REV_2_one_fen_above_the_estimate_is_refused_naming_the_line_and_the_totals():
    case = with_line(in_review(), LineCategory.EQUIPMENT, 700_000_00, 600_000_00)
    with pytest.raises(DomainError) as refused:
        with_line(case, LineCategory.SUPERVISION, 500_000_00, 400_000_01)
    (violation,) = refused.value.violations
    assert violation.code == "R-REV-2"
    assert violation.field == ("lines", "SUPERVISION", "approvedAmount")
    assert "1000000.01 yuan (100000001 fen)" in violation.message  # the total it would reach
    assert "1000000.00 yuan (100000000 fen)" in violation.message  # the approved estimate


def test_R_REV_2_setting_a_category_again_replaces_its_line_in_the_total():
    case = with_line(in_review(), LineCategory.EQUIPMENT, ESTIMATE, ESTIMATE)
    case = with_line(case, LineCategory.EQUIPMENT, ESTIMATE, ESTIMATE - 5_00, note="  market price  ")
    case = with_line(case, LineCategory.OTHER, 5_00, 5_00)
    assert [(line.category, line.approved_amount) for line in case.lines] == [
        (LineCategory.EQUIPMENT, ESTIMATE - 5_00), (LineCategory.OTHER, 5_00)]
    assert case.line(LineCategory.EQUIPMENT).note == "market price"


def test_R_REV_2_lines_are_kept_in_the_report_order_whatever_order_they_are_set_in():
    case = in_review()
    for category in reversed(LineCategory):
        case = with_line(case, category, 10_00, 10_00)
    assert [line.category for line in case.lines] == list(LineCategory)


@pytest.mark.parametrize("amount", [1.5, -1, True, "100"])
def test_money_is_integer_fen_a_float_or_negative_amount_is_refused(amount):
    with pytest.raises(DomainError) as refused:
        with_line(in_review(), LineCategory.EQUIPMENT, 100_00, amount)
    assert codes(refused.value) == {("INVALID", ("approvedAmount",))}


def test_R_REV_2_no_line_before_the_review_opinion_arrives():
    waiting = open_case(case_id="c-1", project_id="p-1", now=NOW)
    with pytest.raises(DomainError) as refused:
        with_line(waiting, LineCategory.EQUIPMENT, 1, 1)
    assert codes(refused.value) == {("R-REV-2", ("projectId",))}
    assert "审查意见" in refused.value.violations[0].message


@pytest.mark.parametrize("department", [d for d in Department if d is not Department.FINANCE_BUREAU])
def test_only_the_finance_bureau_sets_lines_and_issues_the_report(department):
    outsider = Identity(department, unit="someone")
    case = with_line(in_review(), LineCategory.EQUIPMENT, 10, 10)
    with pytest.raises(PermissionDenied, match="FINANCE_BUREAU"):
        decisions.set_line(case, BudgetLine(LineCategory.OTHER, 1, 1), actor=outsider, now=NOW)
    with pytest.raises(PermissionDenied, match="FINANCE_BUREAU"):
        decisions.issue_report(case, actor=outsider, now=NOW)


# --- R-REV-2: the report ----------------------------------------------------------------------------------------

def test_R_REV_2_the_report_carries_the_approved_budget_and_makes_the_case_final():
    case = with_line(in_review(), LineCategory.EQUIPMENT, 600_00, 500_00)
    case = with_line(case, LineCategory.THIRD_PARTY_TESTING, 50_00, 40_00)
    reported, entry = decisions.issue_report(case, actor=FINANCE, now=NOW + timedelta(hours=1))
    assert reported.status is BudgetReviewStatus.REPORTED
    assert reported.approved_budget == 540_00 and reported.reported_at == NOW + timedelta(hours=1)
    assert entry.action == "ISSUE_REPORT" and entry.actor.department == "FINANCE_BUREAU"
    with pytest.raises(DomainError) as refused:
        with_line(reported, LineCategory.OTHER, 1, 1)
    assert codes(refused.value) == {("R-REV-2", ("projectId",))} and "final" in str(refused.value)
    with pytest.raises(DomainError):
        decisions.issue_report(reported, actor=FINANCE, now=NOW)


def test_R_REV_2_a_report_needs_at_least_one_line():
    with pytest.raises(DomainError) as refused:
        decisions.issue_report(in_review(), actor=FINANCE, now=NOW)
    assert codes(refused.value) == {("R-REV-2", ("lines",))}


def test_R_REV_2_a_report_above_a_lowered_estimate_is_refused_until_a_line_is_lowered():
    case = with_line(in_review(), LineCategory.EQUIPMENT, ESTIMATE, ESTIMATE)
    lowered, _ = decisions.receive_opinion(case, opinion(ESTIMATE - 1, at=NOW + timedelta(days=1)),
                                           actor=APPROVAL_EVENT, now=NOW)
    with pytest.raises(DomainError) as refused:
        decisions.issue_report(lowered, actor=FINANCE, now=NOW)
    assert codes(refused.value) == {("R-REV-2", ("lines",))}
    fixed = with_line(lowered, LineCategory.EQUIPMENT, ESTIMATE, ESTIMATE - 1)
    assert decisions.issue_report(fixed, actor=FINANCE, now=NOW)[0].approved_budget == ESTIMATE - 1


# --- R-REV-3: classified projects wait for the secrecy review ---------------------------------------------------

def passed(facts=SecrecyFacts(), at=NOW):
    return decisions.record_secrecy_review(facts, passed=True, review_id="r-1", decided_at=at)


def test_R_REV_3_a_classified_project_cannot_be_reported_before_the_secrecy_review_passed():
    case = with_line(in_review(classified=True), LineCategory.EQUIPMENT, 10, 10)
    with pytest.raises(DomainError) as refused:
        decisions.issue_report(case, actor=FINANCE, now=NOW)
    assert codes(refused.value) == {("R-REV-3", ("projectId",))}
    cleared = replace(case, secrecy=passed())
    assert decisions.issue_report(cleared, actor=FINANCE, now=NOW)[0].status is BudgetReviewStatus.REPORTED


def test_R_REV_3_lines_may_be_reviewed_while_the_secrecy_review_is_pending():
    case = with_line(in_review(classified=True), LineCategory.EQUIPMENT, 10, 10)
    assert case.approved_total == 10


def test_R_REV_3_a_later_failed_review_withdraws_the_pass_and_an_older_one_arriving_late_does_not():
    facts = passed(at=NOW)
    failed_later = decisions.record_secrecy_review(facts, passed=False, review_id="r-2",
                                                   decided_at=NOW + timedelta(days=1))
    assert failed_later.review_passed is False
    assert decisions.record_secrecy_review(facts, passed=False, review_id="r-0",
                                           decided_at=NOW - timedelta(days=1)) is None
    case = replace(with_line(in_review(classified=True), LineCategory.EQUIPMENT, 10, 10), secrecy=failed_later)
    with pytest.raises(DomainError) as refused:
        decisions.issue_report(case, actor=FINANCE, now=NOW)
    assert codes(refused.value) == {("R-REV-3", ("projectId",))} and "failed" in str(refused.value)


def test_R_REV_3_classification_is_the_secrecy_bureaus_fact_and_its_latest_decision_wins():
    case = with_line(in_review(classified=False), LineCategory.EQUIPMENT, 10, 10)
    classified = decisions.record_classification(SecrecyFacts(), classified=True, level="SECRET", decided_at=NOW)
    gated = replace(case, secrecy=classified)
    assert gated.classified  # the Secrecy Bureau overrides the review opinion's flag
    with pytest.raises(DomainError) as refused:
        decisions.issue_report(gated, actor=FINANCE, now=NOW)
    assert codes(refused.value) == {("R-REV-3", ("projectId",))}
    lifted = decisions.record_classification(classified, classified=False, level=None,
                                             decided_at=NOW + timedelta(hours=1))
    assert decisions.record_classification(lifted, classified=True, level="SECRET",
                                           decided_at=NOW + timedelta(minutes=30)) is None  # stale, arrived late
    assert decisions.issue_report(replace(case, secrecy=lifted), actor=FINANCE, now=NOW)[0].approved_budget == 10


def test_R_REV_3_an_unclassified_project_needs_no_secrecy_review():
    case = with_line(in_review(classified=False), LineCategory.EQUIPMENT, 10, 10)
    assert decisions.issue_report(case, actor=FINANCE, now=NOW)[0].status is BudgetReviewStatus.REPORTED


# --- events in any order ----------------------------------------------------------------------------------------

def test_the_review_opinion_moves_a_waiting_case_into_review_with_its_facts():
    case = open_case(case_id="c-1", project_id="p-1", now=NOW)
    updated, entry = decisions.receive_opinion(
        case, opinion(fund_sources=[("FISCAL", 60), ("SELF_RAISED", 40), ("FISCAL", 1)], cross_year=True,
                      yearly_plan=[(2027, 50), (2026, 50)]), actor=APPROVAL_EVENT, now=NOW)
    assert updated.status is BudgetReviewStatus.IN_REVIEW and updated.approved_estimate == ESTIMATE
    assert updated.opinion.fund_sources == (("FISCAL", 61), ("SELF_RAISED", 40))
    assert updated.opinion.cross_year and updated.opinion.yearly_plan == ((2026, 50), (2027, 50))
    assert entry.from_status is BudgetReviewStatus.WAITING_FOR_REVIEW_OPINION and entry.actor == APPROVAL_EVENT


def test_an_older_review_opinion_arriving_after_a_newer_one_changes_nothing():
    case = in_review()
    newer, _ = decisions.receive_opinion(case, opinion(ESTIMATE * 2, at=NOW + timedelta(days=2)),
                                         actor=APPROVAL_EVENT, now=NOW)
    unchanged, entry = decisions.receive_opinion(newer, opinion(ESTIMATE, at=NOW + timedelta(days=1)),
                                                 actor=APPROVAL_EVENT, now=NOW)
    assert entry is None and unchanged is newer and unchanged.approved_estimate == ESTIMATE * 2


def test_a_review_opinion_after_the_report_is_recorded_but_not_applied():
    case = with_line(in_review(), LineCategory.EQUIPMENT, 10, 10)
    reported, _ = decisions.issue_report(case, actor=FINANCE, now=NOW)
    after, entry = decisions.receive_opinion(reported, opinion(5, at=NOW + timedelta(days=1)),
                                             actor=APPROVAL_EVENT, now=NOW)
    assert after.status is BudgetReviewStatus.REPORTED and after.approved_estimate == ESTIMATE
    assert entry.action == "REVIEW_OPINION_NOT_APPLIED"


# --- R-OVS-1: the decision history ------------------------------------------------------------------------------

def test_R_OVS_1_each_decision_on_a_case_says_who_when_what_and_why():
    case = open_case(case_id="c-1", project_id="p-1", now=NOW)
    case, _entry = decisions.receive_opinion(case, opinion(), actor=APPROVAL_EVENT, now=NOW)
    case, entry = decisions.set_line(case, BudgetLine(LineCategory.EQUIPMENT, 10, 9, "cut"), actor=FINANCE, now=NOW)
    assert entry.actor.subject == "clerk-1" and entry.reason == "cut" and entry.detail["approved_amount"] == 9
    assert entry.action == "SET_LINE" and entry.at == NOW
