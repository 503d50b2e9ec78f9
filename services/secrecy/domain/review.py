"""The secrecy review (保密审查) of a classified project, R-REV-3: it must pass before the technical review and the
budget review of the project can conclude.

A case is opened when a classified project is approved, or when the bureau confirms an approved project classified.
The state machine is data: the table below names each transition, its sources and target, and the rule.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum

from services.secrecy.domain.authority import Command, authorize
from services.secrecy.domain.classification import RegisterEntry
from services.secrecy.domain.history import Decision, SubjectType, decision, system_decision
from shared.auth import Identity
from shared.errors import refuse
from shared.text import non_blank


class SecrecyReviewStatus(str, Enum):
    OPEN = "OPEN"  # awaits the bureau's review
    PASSED = "PASSED"  # technical and budget review may conclude (R-REV-3)
    FAILED = "FAILED"  # the unit must fix what the reasons say; the bureau then reopens the case


@dataclass(frozen=True)
class Transition:
    command: Command
    sources: frozenset[SecrecyReviewStatus]
    target: SecrecyReviewStatus
    rule: str
    description: str


TRANSITIONS: dict[Command, Transition] = {
    t.command: t
    for t in (
        Transition(Command.PASS_SECRECY_REVIEW, frozenset({SecrecyReviewStatus.OPEN}), SecrecyReviewStatus.PASSED,
                   "R-REV-3", "the bureau passes the secrecy review, with its opinion"),
        Transition(Command.FAIL_SECRECY_REVIEW, frozenset({SecrecyReviewStatus.OPEN}), SecrecyReviewStatus.FAILED,
                   "R-REV-3", "the bureau fails the secrecy review, with its reasons"),
        Transition(Command.REOPEN_SECRECY_REVIEW, frozenset({SecrecyReviewStatus.FAILED}), SecrecyReviewStatus.OPEN,
                   "R-REV-3", "the unit fixed what failed; the bureau reviews again"),
    )
}


@dataclass(frozen=True)
class SecrecyReview:
    id: str
    project_id: str
    status: SecrecyReviewStatus
    opened_at: datetime
    decided_at: datetime | None = None
    opinion: str | None = None
    reasons: tuple[str, ...] = ()
    version: int = 0


def needs_review(entry: RegisterEntry, existing: SecrecyReview | None) -> bool:
    """An approved project that is classified by the bureau's latest fact gets one secrecy-review case."""
    return existing is None and entry.approved_at is not None and entry.classified


def open_review(entry: RegisterEntry, *, review_id: str, now: datetime,
                because_of: str) -> tuple[SecrecyReview, Decision]:
    review = SecrecyReview(id=review_id, project_id=entry.project_id, status=SecrecyReviewStatus.OPEN, opened_at=now)
    return review, system_decision(entry.project_id, "OPEN_SECRECY_REVIEW", now, because_of)


def _transition(review: SecrecyReview, command: Command, actor: Identity) -> Transition:
    authorize(actor, command)
    transition = TRANSITIONS[command]
    if review.status not in transition.sources:
        if review.status is SecrecyReviewStatus.PASSED:
            message = "the secrecy review has already passed; it cannot be decided again"
        else:
            needed = " or ".join(sorted(s.value for s in transition.sources))
            message = f"the secrecy review is {review.status.value}; to {transition.description} it must be {needed}"
        raise refuse(transition.rule, message, "projectId")
    return transition


def pass_review(review: SecrecyReview, opinion: str, *, actor: Identity,
                now: datetime) -> tuple[SecrecyReview, Decision]:
    transition = _transition(review, Command.PASS_SECRECY_REVIEW, actor)
    opinion = (opinion or "").strip()
    if not opinion:
        raise refuse("R-REV-3", "a passed secrecy review records the bureau's opinion (审查意见)", "opinion")
    updated = replace(review, status=transition.target, decided_at=now, opinion=opinion, reasons=(),
                      version=review.version + 1)
    return updated, decision(actor, SubjectType.PROJECT, review.project_id, transition.command.value, now, (opinion,),
                             review_id=review.id)


def fail_review(review: SecrecyReview, reasons: tuple[str, ...] | list[str], *, actor: Identity,
                now: datetime) -> tuple[SecrecyReview, Decision]:
    transition = _transition(review, Command.FAIL_SECRECY_REVIEW, actor)
    reasons = non_blank(reasons)
    if not reasons:
        raise refuse("R-REV-3", "a failed secrecy review must give its reasons, so the unit knows what to fix",
                     "reasons")
    updated = replace(review, status=transition.target, decided_at=now, opinion=None, reasons=reasons,
                      version=review.version + 1)
    return updated, decision(actor, SubjectType.PROJECT, review.project_id, transition.command.value, now, reasons,
                             review_id=review.id)


def reopen_review(review: SecrecyReview, *, actor: Identity, now: datetime) -> tuple[SecrecyReview, Decision]:
    transition = _transition(review, Command.REOPEN_SECRECY_REVIEW, actor)
    # The failed reasons stay in the decision history; the reopened case starts clean.
    updated = replace(review, status=transition.target, decided_at=None, opinion=None, reasons=(),
                      version=review.version + 1)
    return updated, decision(actor, SubjectType.PROJECT, review.project_id, transition.command.value, now,
                             review_id=review.id)
