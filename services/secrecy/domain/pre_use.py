"""Graded-protection evaluation (分级保护测评) and the review before use (R-ACC-5, R-SEC-1).

A classified project that passed completion acceptance may go into formal operation only after the Secrecy Bureau's
review before use, and the bureau approves use only on a PASSED graded-protection evaluation: the latest evaluation
recorded decides. A refused review can be taken up again by recording a new evaluation after the unit's fixes.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import Enum

from services.secrecy.domain.authority import Command, authorize
from services.secrecy.domain.classification import RegisterEntry
from services.secrecy.domain.history import Decision, SubjectType, decision, system_decision
from shared.auth import Identity
from shared.errors import DomainError, Violation, refuse
from shared.text import non_blank


class PreUseStatus(str, Enum):
    AWAITING_EVALUATION = "AWAITING_EVALUATION"
    EVALUATION_FAILED = "EVALUATION_FAILED"  # the latest evaluation failed: the unit fixes, a new one is recorded
    EVALUATION_PASSED = "EVALUATION_PASSED"  # the bureau may approve use
    APPROVED = "APPROVED"  # formal operation may start (R-ACC-5)
    REFUSED = "REFUSED"


class EvaluationConclusion(str, Enum):
    PASSED = "PASSED"
    FAILED = "FAILED"


class Step(str, Enum):
    RECORD_PASSED_EVALUATION = "RECORD_PASSED_EVALUATION"
    RECORD_FAILED_EVALUATION = "RECORD_FAILED_EVALUATION"
    APPROVE = "APPROVE"
    REFUSE = "REFUSE"


_NOT_DECIDED = frozenset({PreUseStatus.AWAITING_EVALUATION, PreUseStatus.EVALUATION_FAILED,
                          PreUseStatus.EVALUATION_PASSED})


@dataclass(frozen=True)
class Transition:
    step: Step
    command: Command
    sources: frozenset[PreUseStatus]
    target: PreUseStatus
    rule: str


TRANSITIONS: dict[Step, Transition] = {
    t.step: t
    for t in (
        Transition(Step.RECORD_PASSED_EVALUATION, Command.RECORD_GRADED_PROTECTION_EVALUATION,
                   _NOT_DECIDED | {PreUseStatus.REFUSED}, PreUseStatus.EVALUATION_PASSED, "R-SEC-1"),
        Transition(Step.RECORD_FAILED_EVALUATION, Command.RECORD_GRADED_PROTECTION_EVALUATION,
                   _NOT_DECIDED | {PreUseStatus.REFUSED}, PreUseStatus.EVALUATION_FAILED, "R-SEC-1"),
        Transition(Step.APPROVE, Command.APPROVE_PRE_USE, frozenset({PreUseStatus.EVALUATION_PASSED}),
                   PreUseStatus.APPROVED, "R-ACC-5"),
        Transition(Step.REFUSE, Command.REFUSE_PRE_USE, _NOT_DECIDED, PreUseStatus.REFUSED, "R-ACC-5"),
    )
}


@dataclass(frozen=True)
class Evaluation:
    """A graded-protection evaluation report (分级保护测评报告)."""

    id: str
    project_id: str
    evaluator: str
    report_number: str
    evaluated_on: date
    conclusion: EvaluationConclusion
    findings: tuple[str, ...]
    recorded_at: datetime


@dataclass(frozen=True)
class PreUseReview:
    id: str
    project_id: str
    status: PreUseStatus
    opened_at: datetime
    decided_at: datetime | None = None
    latest_evaluation_id: str | None = None
    reasons: tuple[str, ...] = ()
    version: int = 0


def needs_pre_use_review(entry: RegisterEntry, existing: PreUseReview | None) -> bool:
    return existing is None and entry.accepted_at is not None and entry.classified


def open_pre_use_review(entry: RegisterEntry, *, review_id: str, now: datetime,
                        because_of: str) -> tuple[PreUseReview, Decision]:
    review = PreUseReview(id=review_id, project_id=entry.project_id, status=PreUseStatus.AWAITING_EVALUATION,
                          opened_at=now)
    return review, system_decision(entry.project_id, "OPEN_PRE_USE_REVIEW", now, because_of)


def _transition(review: PreUseReview, step: Step, actor: Identity) -> Transition:
    transition = TRANSITIONS[step]
    authorize(actor, transition.command)
    if review.status not in transition.sources:
        if step is Step.APPROVE:
            message = (f"use can be approved only on a PASSED graded-protection evaluation; the review is "
                       f"{review.status.value}")
        else:
            message = f"the review before use is {review.status.value}; it is already decided"
        raise refuse(transition.rule, message, "projectId")
    return transition


def record_evaluation(review: PreUseReview, *, evaluation_id: str, evaluator: str, report_number: str,
                      evaluated_on: date, conclusion: EvaluationConclusion, findings: tuple[str, ...] | list[str],
                      today: date, actor: Identity, now: datetime) -> tuple[PreUseReview, Evaluation, Decision]:
    step = Step.RECORD_PASSED_EVALUATION if conclusion is EvaluationConclusion.PASSED else Step.RECORD_FAILED_EVALUATION
    transition = _transition(review, step, actor)
    findings = non_blank(findings)
    problems = []
    if not (evaluator or "").strip():
        problems.append(Violation("R-SEC-1", ("input", "evaluator"), "name the evaluation body (测评机构)"))
    if not (report_number or "").strip():
        problems.append(Violation("R-SEC-1", ("input", "reportNumber"), "give the evaluation report's number"))
    if evaluated_on > today:
        problems.append(Violation("R-SEC-1", ("input", "evaluatedOn"),
                                  f"an evaluation cannot be dated after today ({today.isoformat()})"))
    if conclusion is EvaluationConclusion.FAILED and not findings:
        problems.append(Violation("R-SEC-1", ("input", "findings"), "a FAILED evaluation must list its findings"))
    if problems:
        raise DomainError(problems)
    evaluation = Evaluation(id=evaluation_id, project_id=review.project_id, evaluator=evaluator.strip(),
                            report_number=report_number.strip(), evaluated_on=evaluated_on, conclusion=conclusion,
                            findings=findings, recorded_at=now)
    updated = replace(review, status=transition.target, latest_evaluation_id=evaluation_id, decided_at=None,
                      reasons=(), version=review.version + 1)
    line = decision(actor, SubjectType.PROJECT, review.project_id, transition.command.value, now, findings,
                    evaluation_id=evaluation_id, report_number=evaluation.report_number,
                    conclusion=conclusion.value, evaluated_on=evaluated_on.isoformat())
    return updated, evaluation, line


def approve(review: PreUseReview, *, actor: Identity, now: datetime) -> tuple[PreUseReview, Decision]:
    transition = _transition(review, Step.APPROVE, actor)
    updated = replace(review, status=transition.target, decided_at=now, version=review.version + 1)
    return updated, decision(actor, SubjectType.PROJECT, review.project_id, transition.command.value, now,
                             evaluation_id=review.latest_evaluation_id)


def refuse_use(review: PreUseReview, reasons: tuple[str, ...] | list[str], *, actor: Identity,
               now: datetime) -> tuple[PreUseReview, Decision]:
    transition = _transition(review, Step.REFUSE, actor)
    reasons = non_blank(reasons)
    if not reasons:
        raise refuse("R-ACC-5", "a refusal of use must give its reasons", "reasons")
    updated = replace(review, status=transition.target, decided_at=now, reasons=reasons, version=review.version + 1)
    return updated, decision(actor, SubjectType.PROJECT, review.project_id, transition.command.value, now, reasons,
                             evaluation_id=review.latest_evaluation_id)
