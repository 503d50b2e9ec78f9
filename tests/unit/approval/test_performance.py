"""Performance management (Art 18): targets with the budget (R-PER-1), the yearly self-evaluation, the experts'
review and rectification (R-PER-2), announced to Finance, which releases O&M funds on it."""
from datetime import date

import pytest

from services.approval.announcements import announcement
from services.approval.domain import dossier as d
from services.approval.domain import model
from services.approval.domain.lifecycle import Action, ProjectStatus
from shared.errors import DomainError, PermissionDenied
from shared.events import PerformanceReviewed
from tests.unit.approval.builders import BUREAU, ESTIMATE, NOW, UNIT, act, contract, project_at


def problems(project, action, payload) -> set:
    with pytest.raises(DomainError) as error:
        act(project, action, payload)
    return {(v.code, v.field) for v in error.value.violations}


def test_R_PER_1_targets_are_set_with_the_budget_before_procurement():
    budgeted = project_at(ProjectStatus.BUDGET_REVIEW_PASSED).model_copy(update={"performance_targets": ()})
    assert ("R-PER-1", ("performanceTargets",)) in problems(budgeted, Action.RECORD_CONTRACT, contract(ESTIMATE))
    assert problems(budgeted, Action.SET_PERFORMANCE_TARGETS, ()) == {("R-PER-1", ("targets",))}
    blank = (d.PerformanceTarget(indicator=" ", target="x"),)
    assert problems(budgeted, Action.SET_PERFORMANCE_TARGETS, blank) == {("R-PER-1", ("targets", "0"))}


def test_R_PER_1_progress_is_tracked_against_the_targets_during_construction():
    building = project_at(ProjectStatus.UNDER_CONSTRUCTION)
    unknown = d.ProgressReport(indicator="page views", actual="1M", reported_on=date(2026, 8, 1))
    assert problems(building, Action.RECORD_PROGRESS, unknown) == {("R-PER-1", ("input", "indicator"))}
    tracked = act(building, Action.RECORD_PROGRESS, d.ProgressReport(
        indicator="hospitals connected", actual="7 of 12", reported_on=date(2026, 8, 1)))
    assert tracked.progress[0].actual == "7 of 12"


def evaluated(year=2027, claims=True):
    return act(project_at(ProjectStatus.IN_OPERATION), Action.FILE_SELF_EVALUATION,
               d.PerformanceCycle(year=year, self_evaluation="self-evaluation 2027", claims_targets_met=claims))


def review(project, met: bool, year=2027):
    updated, entry = model.decide(project, Action.REVIEW_PERFORMANCE,
                                  d.PerformanceReview(year=year, targets_met=met, opinion="experts' opinion"),
                                  actor=BUREAU, now=NOW)
    return updated, announcement(Action.REVIEW_PERFORMANCE, updated, entry,
                                 d.PerformanceReview(year=year, targets_met=met, opinion="x"))


def test_R_PER_2_met_targets_need_no_rectification_and_finance_is_told():
    reviewed, event = review(evaluated(), True)
    assert reviewed.performance_cycles[0].rectification is d.Rectification.NOT_NEEDED
    assert isinstance(event, PerformanceReviewed) and event.rectification == "NOT_NEEDED" and event.targets_met


def test_R_PER_2_missed_targets_get_a_rectification_order_until_the_bureau_confirms_it_done():
    reviewed, event = review(evaluated(claims=True), False)  # the experts disagree with the unit's claim
    assert event.rectification == "ORDERED" and not event.targets_met
    assert problems(reviewed, Action.CONFIRM_RECTIFICATION, 2027) == {("R-PER-2", ("year",))}
    reported = act(reviewed, Action.REPORT_RECTIFICATION, (2027, "added two hospitals"))
    with pytest.raises(PermissionDenied):
        act(reported, Action.CONFIRM_RECTIFICATION, 2027, actor=UNIT)
    done, entry = model.decide(reported, Action.CONFIRM_RECTIFICATION, 2027, actor=BUREAU, now=NOW)
    assert done.performance_cycles[0].rectification is d.Rectification.DONE
    assert announcement(Action.CONFIRM_RECTIFICATION, done, entry, 2027).rectification == "DONE"


def test_R_PER_2_one_self_evaluation_per_year_reviewed_once():
    project = evaluated()
    assert problems(project, Action.FILE_SELF_EVALUATION, d.PerformanceCycle(
        year=2027, self_evaluation="again", claims_targets_met=True)) == {("R-PER-2", ("input", "year"))}
    assert problems(project, Action.REVIEW_PERFORMANCE, d.PerformanceReview(year=2026, targets_met=True,
                                                                          opinion="o")) == {
        ("R-PER-2", ("input", "year"))}
    reviewed, _ = review(project, True)
    assert problems(reviewed, Action.REVIEW_PERFORMANCE, d.PerformanceReview(year=2027, targets_met=False,
                                                                           opinion="o")) == {
        ("R-PER-2", ("input", "year"))}


def test_R_PER_2_self_evaluation_belongs_to_projects_in_operation():
    assert problems(project_at(ProjectStatus.ACCEPTED), Action.FILE_SELF_EVALUATION, d.PerformanceCycle(
        year=2027, self_evaluation="r", claims_targets_met=True)) == {("R-PER-2", ("id",))}
