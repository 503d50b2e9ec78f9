"""The project lifecycle as data: states, and the table of transitions with who may make each and the rule."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from shared.auth import Department
from shared.visibility import APPLICANTS


class ProjectStatus(str, Enum):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    TECHNICAL_REVIEW_PASSED = "TECHNICAL_REVIEW_PASSED"
    BUDGET_REVIEW_PASSED = "BUDGET_REVIEW_PASSED"
    PROCUREMENT = "PROCUREMENT"
    UNDER_CONSTRUCTION = "UNDER_CONSTRUCTION"
    INITIAL_ACCEPTANCE_PASSED = "INITIAL_ACCEPTANCE_PASSED"
    COMPLETION_ACCEPTANCE_REQUESTED = "COMPLETION_ACCEPTANCE_REQUESTED"
    ACCEPTED = "ACCEPTED"
    IN_OPERATION = "IN_OPERATION"
    CLOSED = "CLOSED"


class Action(str, Enum):
    SUBMIT = "SUBMIT"
    APPROVE = "APPROVE"
    REJECT = "REJECT"


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[ProjectStatus]
    target: ProjectStatus
    departments: frozenset[Department]
    rule: str
    description: str


TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in (
        Transition(Action.SUBMIT, frozenset({ProjectStatus.DRAFT}), ProjectStatus.SUBMITTED, APPLICANTS,
                   "R-APP-1", "the unit submits the project for approval (立项审查)"),
        Transition(Action.APPROVE, frozenset({ProjectStatus.SUBMITTED}), ProjectStatus.APPROVED,
                   frozenset({Department.APPROVAL_BUREAU}), "R-APP-2", "the Approval Bureau approves (立项审批)"),
        Transition(Action.REJECT, frozenset({ProjectStatus.SUBMITTED}), ProjectStatus.REJECTED,
                   frozenset({Department.APPROVAL_BUREAU}), "R-APP-2", "the Approval Bureau rejects, with reasons"),
    )
}
