"""The budget-review case's lifecycle as data: which action moves it where, who may take it, and the rule."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from services.finance.domain.budget_review import BudgetReviewStatus as Status
from shared.auth import Department


class Action(str, Enum):
    OPEN = "OPEN"
    RECEIVE_REVIEW_OPINION = "RECEIVE_REVIEW_OPINION"
    SET_LINE = "SET_LINE"
    ISSUE_REPORT = "ISSUE_REPORT"


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[Status]
    target: Status | None  # None: the status stays what it was
    departments: frozenset[Department]
    rule: str
    description: str


FINANCE = frozenset({Department.FINANCE_BUREAU})

TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in (
        # Taken on the approval service's events, not by a caller: the department is the one that decided.
        Transition(Action.OPEN, frozenset(), Status.WAITING_FOR_REVIEW_OPINION,
                   frozenset({Department.APPROVAL_BUREAU}), "R-REV-2",
                   "opening a budget review (预算评审) for an approved project"),
        Transition(Action.RECEIVE_REVIEW_OPINION,
                   frozenset({Status.WAITING_FOR_REVIEW_OPINION, Status.IN_REVIEW}), Status.IN_REVIEW,
                   frozenset({Department.APPROVAL_BUREAU}), "R-REV-1",
                   "receiving the technical review opinion (审查意见)"),
        Transition(Action.SET_LINE, frozenset({Status.IN_REVIEW}), None, FINANCE, "R-REV-2",
                   "setting a budget line (预算评审)"),
        Transition(Action.ISSUE_REPORT, frozenset({Status.IN_REVIEW}), Status.REPORTED, FINANCE, "R-REV-2",
                   "issuing the budget review report (预算评审报告)"),
    )
}
