"""The project lifecycle as data: the states, and one table of every action with the states it may start from,
the state it leads to (None: the project stays where it is), who may take it and the rule that guards it."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from shared.auth import Department
from shared.visibility import APPLICANTS


class ProjectStatus(str, Enum):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    REJECTED = "REJECTED"
    APPROVED = "APPROVED"
    TECHNICAL_REVIEW_PASSED = "TECHNICAL_REVIEW_PASSED"
    BUDGET_REVIEW_PASSED = "BUDGET_REVIEW_PASSED"
    CONTRACT_SIGNED = "CONTRACT_SIGNED"
    UNDER_CONSTRUCTION = "UNDER_CONSTRUCTION"
    INITIAL_ACCEPTANCE_PASSED = "INITIAL_ACCEPTANCE_PASSED"
    COMPLETION_ACCEPTANCE_REQUESTED = "COMPLETION_ACCEPTANCE_REQUESTED"
    ACCEPTED = "ACCEPTED"
    IN_OPERATION = "IN_OPERATION"
    CLOSED = "CLOSED"


class Action(str, Enum):
    UPDATE_DOSSIER = "UPDATE_DOSSIER"
    RECORD_INFRASTRUCTURE_EXEMPTION = "RECORD_INFRASTRUCTURE_EXEMPTION"
    FLAG_MAJOR = "FLAG_MAJOR"
    SUBMIT = "SUBMIT"
    APPROVE = "APPROVE"
    REJECT = "REJECT"
    REVISE = "REVISE"
    RECORD_REVIEW_FINDING = "RECORD_REVIEW_FINDING"
    CONCLUDE_TECHNICAL_REVIEW = "CONCLUDE_TECHNICAL_REVIEW"
    RECORD_BUDGET_REVIEW = "RECORD_BUDGET_REVIEW"
    RECORD_CONTRACT = "RECORD_CONTRACT"
    RECORD_SUPERVISION = "RECORD_SUPERVISION"
    START_CONSTRUCTION = "START_CONSTRUCTION"
    REQUEST_CHANGE = "REQUEST_CHANGE"
    APPROVE_CHANGE = "APPROVE_CHANGE"
    REJECT_CHANGE = "REJECT_CHANGE"
    RECORD_UNAUTHORIZED_CHANGE = "RECORD_UNAUTHORIZED_CHANGE"
    RECORD_TEST_REPORT = "RECORD_TEST_REPORT"
    PASS_INITIAL_ACCEPTANCE = "PASS_INITIAL_ACCEPTANCE"
    APPLY_FOR_COMPLETION_ACCEPTANCE = "APPLY_FOR_COMPLETION_ACCEPTANCE"
    PASS_COMPLETION_ACCEPTANCE = "PASS_COMPLETION_ACCEPTANCE"
    REFUSE_COMPLETION_ACCEPTANCE = "REFUSE_COMPLETION_ACCEPTANCE"
    START_OPERATION = "START_OPERATION"
    CLOSE = "CLOSE"
    SET_PERFORMANCE_TARGETS = "SET_PERFORMANCE_TARGETS"
    RECORD_PROGRESS = "RECORD_PROGRESS"
    FILE_SELF_EVALUATION = "FILE_SELF_EVALUATION"
    REVIEW_PERFORMANCE = "REVIEW_PERFORMANCE"
    REPORT_RECTIFICATION = "REPORT_RECTIFICATION"
    CONFIRM_RECTIFICATION = "CONFIRM_RECTIFICATION"
    WITHHOLD_PUBLICATION = "WITHHOLD_PUBLICATION"
    RELEASE_PUBLICATION = "RELEASE_PUBLICATION"


S = ProjectStatus
BUREAU = frozenset({Department.APPROVAL_BUREAU})
FINANCE = frozenset({Department.FINANCE_BUREAU})
BEFORE_APPROVAL = frozenset({S.DRAFT, S.SUBMITTED, S.REJECTED})
BUILDING = frozenset({S.CONTRACT_SIGNED, S.UNDER_CONSTRUCTION, S.INITIAL_ACCEPTANCE_PASSED})


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[ProjectStatus]
    target: ProjectStatus | None
    departments: frozenset[Department]
    rule: str
    description: str


def _t(action, sources, target, departments, rule, description) -> Transition:
    sources = frozenset({sources}) if isinstance(sources, ProjectStatus) else frozenset(sources)
    return Transition(action, sources, target, frozenset(departments), rule, description)


TRANSITIONS: dict[Action, Transition] = {t.action: t for t in (
    _t(Action.UPDATE_DOSSIER, S.DRAFT, None, APPLICANTS, "R-APP-1", "the unit builds its dossier"),
    _t(Action.RECORD_INFRASTRUCTURE_EXEMPTION, BEFORE_APPROVAL, None, BUREAU, "R-GEN-2",
       "the Approval Bureau exempts an infrastructure request, with a reason"),
    _t(Action.FLAG_MAJOR, set(S) - {S.ACCEPTED, S.IN_OPERATION, S.CLOSED}, None, BUREAU, "R-IMP-4",
       "the Approval Bureau flags the project as major"),
    _t(Action.SUBMIT, S.DRAFT, S.SUBMITTED, APPLICANTS, "R-APP-1", "the unit submits for approval (立项审查)"),
    _t(Action.APPROVE, S.SUBMITTED, S.APPROVED, BUREAU, "R-APP-2", "the Approval Bureau approves (立项审批)"),
    _t(Action.REJECT, S.SUBMITTED, S.REJECTED, BUREAU, "R-APP-2", "the Approval Bureau rejects, with reasons"),
    _t(Action.REVISE, S.REJECTED, S.DRAFT, APPLICANTS, "R-APP-2", "the unit takes the project back to revise it"),
    _t(Action.RECORD_REVIEW_FINDING, S.APPROVED, None, BUREAU, "R-REV-1",
       "the Approval Bureau records its finding on one aspect of the technical review"),
    _t(Action.CONCLUDE_TECHNICAL_REVIEW, S.APPROVED, S.TECHNICAL_REVIEW_PASSED, BUREAU, "R-REV-1",
       "the technical review ends in a review opinion with the approved estimate (技术评审)"),
    _t(Action.RECORD_BUDGET_REVIEW, S.TECHNICAL_REVIEW_PASSED, S.BUDGET_REVIEW_PASSED, FINANCE, "R-REV-2",
       "Finance's budget review report arrives (预算评审报告)"),
    _t(Action.RECORD_CONTRACT, S.BUDGET_REVIEW_PASSED, S.CONTRACT_SIGNED, APPLICANTS, "R-IMP-1",
       "procurement ends in a contract within the approved budget"),
    _t(Action.RECORD_SUPERVISION, {S.BUDGET_REVIEW_PASSED} | BUILDING, None, APPLICANTS, "R-IMP-4",
       "the unit names the supervision company and its lead"),
    _t(Action.START_CONSTRUCTION, S.CONTRACT_SIGNED, S.UNDER_CONSTRUCTION, APPLICANTS, "R-IMP-4",
       "construction starts"),
    _t(Action.REQUEST_CHANGE, {S.CONTRACT_SIGNED, S.UNDER_CONSTRUCTION}, None, APPLICANTS, "R-IMP-3",
       "the unit submits a change plan"),
    # A plan still pending at initial acceptance can still be decided: it blocks the application until it is.
    _t(Action.APPROVE_CHANGE, BUILDING, None, BUREAU, "R-IMP-3", "the Approval Bureau approves a change"),
    _t(Action.REJECT_CHANGE, BUILDING, None, BUREAU, "R-IMP-3", "the Approval Bureau rejects a change"),
    _t(Action.RECORD_UNAUTHORIZED_CHANGE, BUILDING | {S.COMPLETION_ACCEPTANCE_REQUESTED}, None, BUREAU, "R-IMP-3",
       "the Approval Bureau records a change made without approval"),
    _t(Action.RECORD_TEST_REPORT, {S.UNDER_CONSTRUCTION, S.INITIAL_ACCEPTANCE_PASSED}, None, APPLICANTS, "R-ACC-1",
       "the unit records a test report"),
    _t(Action.PASS_INITIAL_ACCEPTANCE, S.UNDER_CONSTRUCTION, S.INITIAL_ACCEPTANCE_PASSED, APPLICANTS, "R-ACC-3",
       "the unit's initial acceptance (初步验收) passes"),
    _t(Action.APPLY_FOR_COMPLETION_ACCEPTANCE, S.INITIAL_ACCEPTANCE_PASSED, S.COMPLETION_ACCEPTANCE_REQUESTED,
       APPLICANTS, "R-ACC-4", "the unit applies for completion acceptance (竣工验收申请)"),
    _t(Action.PASS_COMPLETION_ACCEPTANCE, S.COMPLETION_ACCEPTANCE_REQUESTED, S.ACCEPTED, BUREAU, "R-ACC-4",
       "the Approval Bureau passes completion acceptance; the project goes to the Audit Bureau (R-AUD-3)"),
    _t(Action.REFUSE_COMPLETION_ACCEPTANCE, S.COMPLETION_ACCEPTANCE_REQUESTED, S.INITIAL_ACCEPTANCE_PASSED, BUREAU,
       "R-ACC-4", "the Approval Bureau refuses completion acceptance, with reasons"),
    _t(Action.START_OPERATION, S.ACCEPTED, S.IN_OPERATION, APPLICANTS, "R-ACC-5",
       "formal operation (正式运行) begins"),
    _t(Action.CLOSE, S.IN_OPERATION, S.CLOSED, BUREAU, "R-OPS-1", "the Approval Bureau closes the project"),
    _t(Action.SET_PERFORMANCE_TARGETS, {S.TECHNICAL_REVIEW_PASSED, S.BUDGET_REVIEW_PASSED}, None, APPLICANTS,
       "R-PER-1", "the unit sets its performance targets while the budget is detailed"),
    _t(Action.RECORD_PROGRESS, BUILDING, None, APPLICANTS, "R-PER-1",
       "the unit reports progress against a target during construction"),
    _t(Action.FILE_SELF_EVALUATION, S.IN_OPERATION, None, APPLICANTS, "R-PER-2",
       "the unit files a year's performance self-evaluation (自评)"),
    _t(Action.REVIEW_PERFORMANCE, S.IN_OPERATION, None, BUREAU, "R-PER-2",
       "the Approval Bureau's experts review the self-evaluation; missed targets get a rectification order"),
    _t(Action.REPORT_RECTIFICATION, S.IN_OPERATION, None, APPLICANTS, "R-PER-2",
       "the unit reports its rectification (整改落实)"),
    _t(Action.CONFIRM_RECTIFICATION, S.IN_OPERATION, None, BUREAU, "R-PER-2",
       "the Approval Bureau confirms the rectification is done"),
    # R-PUB-1: publicity is the Approval Bureau's; it may withhold a project in any state (before approval too, so
    # that it is never published) and release it again.
    _t(Action.WITHHOLD_PUBLICATION, set(S), None, BUREAU, "R-PUB-1",
       "the Approval Bureau withholds the project from publication, citing the law that forbids disclosure"),
    _t(Action.RELEASE_PUBLICATION, set(S), None, BUREAU, "R-PUB-1",
       "the Approval Bureau releases a withheld project for publication again"),
)}
