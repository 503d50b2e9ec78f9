"""Graded-protection evaluation and the review before use (R-ACC-5, R-SEC-1), as pure functions."""
from datetime import date, datetime, timezone

import pytest

from services.secrecy.domain import classification, pre_use
from services.secrecy.domain.classification import ProjectFacts
from services.secrecy.domain.pre_use import EvaluationConclusion, PreUseStatus, needs_pre_use_review
from shared.errors import DomainError
from tests.unit.secrecy.support import BUREAU

NOW = datetime(2026, 9, 1, 2, 0, tzinfo=timezone.utc)
TODAY = date(2026, 9, 1)
FACTS = ProjectFacts(project_id="p-1", code="CITY-2026-0007", unit_id="psb", unit_path=("psb", "city"))


def entry(classified=True, accepted=True):
    found = classification.record_declaration(None, FACTS, declared_classified=classified, at=NOW)
    return classification.mark_accepted(found, NOW) if accepted else found


def open_case() -> pre_use.PreUseReview:
    case, line = pre_use.open_pre_use_review(entry(), review_id="u-1", now=NOW,
                                             because_of="approval.project.accepted.v1")
    assert case.status is PreUseStatus.AWAITING_EVALUATION and line.action == "OPEN_PRE_USE_REVIEW"
    return case


def evaluate(case, conclusion=EvaluationConclusion.PASSED, evaluation_id="e-1", **changes):
    values = dict(evaluation_id=evaluation_id, evaluator="Hunan Evaluation Center", report_number="FB-1",
                  evaluated_on=date(2026, 8, 20), conclusion=conclusion,
                  findings=["weak audit"] if conclusion is EvaluationConclusion.FAILED else [], today=TODAY,
                  actor=BUREAU, now=NOW)
    values.update(changes)
    return pre_use.record_evaluation(case, **values)


def codes(error: DomainError) -> set:
    return {(v.code, v.field) for v in error.violations}


@pytest.mark.parametrize("classified, accepted, expected", [
    (True, True, True), (False, True, False), (True, False, False)])
def test_R_ACC_5_an_accepted_classified_project_needs_a_review_before_use(classified, accepted, expected):
    assert needs_pre_use_review(entry(classified, accepted), None) is expected


def test_R_ACC_5_a_project_gets_one_review_before_use():
    assert needs_pre_use_review(entry(), open_case()) is False


def test_R_ACC_5_use_is_not_approved_without_an_evaluation():
    with pytest.raises(DomainError) as refused:
        pre_use.approve(open_case(), actor=BUREAU, now=NOW)
    assert codes(refused.value) == {("R-ACC-5", ("projectId",))}
    assert "PASSED graded-protection evaluation" in refused.value.violations[0].message


def test_R_ACC_5_use_is_not_approved_on_a_failed_evaluation():
    failed, evaluation, _ = evaluate(open_case(), EvaluationConclusion.FAILED)
    assert failed.status is PreUseStatus.EVALUATION_FAILED and evaluation.findings == ("weak audit",)
    with pytest.raises(DomainError) as refused:
        pre_use.approve(failed, actor=BUREAU, now=NOW)
    assert codes(refused.value) == {("R-ACC-5", ("projectId",))}


def test_R_ACC_5_use_is_approved_on_a_passed_evaluation_naming_it():
    passed, evaluation, line = evaluate(open_case())
    assert passed.status is PreUseStatus.EVALUATION_PASSED and passed.latest_evaluation_id == "e-1"
    assert line.details["conclusion"] == "PASSED"
    approved, line = pre_use.approve(passed, actor=BUREAU, now=NOW)
    assert approved.status is PreUseStatus.APPROVED and approved.decided_at == NOW
    assert line.details["evaluation_id"] == evaluation.id


def test_R_ACC_5_the_latest_evaluation_decides():
    passed, _, _ = evaluate(open_case())
    failed_after, _, _ = evaluate(passed, EvaluationConclusion.FAILED, evaluation_id="e-2")
    with pytest.raises(DomainError):
        pre_use.approve(failed_after, actor=BUREAU, now=NOW)


def test_R_SEC_1_an_evaluation_names_its_body_and_report_is_not_future_dated_and_a_failure_lists_findings():
    with pytest.raises(DomainError) as refused:
        evaluate(open_case(), EvaluationConclusion.FAILED, evaluator=" ", report_number="",
                 evaluated_on=date(2026, 9, 2), findings=[])
    assert codes(refused.value) == {("R-SEC-1", ("input", "evaluator")), ("R-SEC-1", ("input", "reportNumber")),
                                    ("R-SEC-1", ("input", "evaluatedOn")), ("R-SEC-1", ("input", "findings"))}


def test_R_SEC_1_an_evaluation_dated_today_is_accepted():
    passed, _, _ = evaluate(open_case(), evaluated_on=TODAY)
    assert passed.status is PreUseStatus.EVALUATION_PASSED


def test_R_ACC_5_a_refusal_needs_reasons():
    with pytest.raises(DomainError) as refused:
        pre_use.refuse_use(open_case(), [" "], actor=BUREAU, now=NOW)
    assert codes(refused.value) == {("R-ACC-5", ("reasons",))}


def test_R_ACC_5_a_refused_review_is_taken_up_again_by_a_new_evaluation():
    refused, line = pre_use.refuse_use(open_case(), ["no evaluation in 6 months"], actor=BUREAU, now=NOW)
    assert refused.status is PreUseStatus.REFUSED and line.reasons == ("no evaluation in 6 months",)
    with pytest.raises(DomainError):
        pre_use.approve(refused, actor=BUREAU, now=NOW)
    passed, _, _ = evaluate(refused)
    approved, _ = pre_use.approve(passed, actor=BUREAU, now=NOW)
    assert approved.status is PreUseStatus.APPROVED


def test_R_ACC_5_an_approved_review_is_final():
    passed, _, _ = evaluate(open_case())
    approved, _ = pre_use.approve(passed, actor=BUREAU, now=NOW)
    for decide in (lambda: evaluate(approved, evaluation_id="e-9"),
                   lambda: pre_use.approve(approved, actor=BUREAU, now=NOW),
                   lambda: pre_use.refuse_use(approved, ["late"], actor=BUREAU, now=NOW)):
        with pytest.raises(DomainError):
            decide()
