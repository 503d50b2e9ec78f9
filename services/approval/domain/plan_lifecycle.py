"""The annual smart-city construction plan's lifecycle as data (R-PLN-1, Article 5): the statuses of a version, and
one table of every action with the statuses of the plan's latest version it may start from (None: the plan has no
version yet), the status it leads to (None: it stays), the department that takes it and the rule that guards it."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from shared.auth import Department

RULE = "R-PLN-1"


class PlanStatus(str, Enum):
    DRAFT = "DRAFT"  # the Approval Bureau drafts it (编制)
    SUBMITTED = "SUBMITTED"  # with the Leading Group for review (审议)
    REVIEWED = "REVIEWED"  # the Leading Group passed it on to the city government
    APPROVED = "APPROVED"  # the city government approved it (批准); in force until a later version is approved


class PlanAction(str, Enum):
    DRAFT = "DRAFT"
    DRAFT_AMENDMENT = "DRAFT_AMENDMENT"
    ADD_ITEM = "ADD_ITEM"
    REMOVE_ITEM = "REMOVE_ITEM"
    SUBMIT_FOR_REVIEW = "SUBMIT_FOR_REVIEW"
    PASS_REVIEW = "PASS_REVIEW"
    RETURN_FROM_REVIEW = "RETURN_FROM_REVIEW"
    APPROVE = "APPROVE"
    RETURN_FROM_APPROVAL = "RETURN_FROM_APPROVAL"


S = PlanStatus
BUREAU = frozenset({Department.APPROVAL_BUREAU})
LEADING_GROUP = frozenset({Department.LEADING_GROUP})
CITY_GOVERNMENT = frozenset({Department.CITY_GOVERNMENT})


@dataclass(frozen=True)
class PlanTransition:
    action: PlanAction
    sources: frozenset[PlanStatus | None]
    target: PlanStatus | None
    departments: frozenset[Department]
    rule: str
    description: str


def _t(action, sources, target, departments, description) -> PlanTransition:
    return PlanTransition(action, frozenset(sources), target, departments, RULE, description)


TRANSITIONS: dict[PlanAction, PlanTransition] = {t.action: t for t in (
    _t(PlanAction.DRAFT, {None}, S.DRAFT, BUREAU, "the Approval Bureau drafts the year's plan (version 1)"),
    _t(PlanAction.DRAFT_AMENDMENT, {S.APPROVED}, S.DRAFT, BUREAU,
       "the Approval Bureau drafts an amendment: a new version, starting from the version in force"),
    _t(PlanAction.ADD_ITEM, {S.DRAFT}, None, BUREAU,
       "the Approval Bureau puts an approved project of the jurisdiction in the draft, with its planned amount"),
    _t(PlanAction.REMOVE_ITEM, {S.DRAFT}, None, BUREAU, "the Approval Bureau takes a project out of the draft"),
    _t(PlanAction.SUBMIT_FOR_REVIEW, {S.DRAFT}, S.SUBMITTED, BUREAU,
       "the Approval Bureau submits the draft to the Leading Group; its items are fixed from now on"),
    _t(PlanAction.PASS_REVIEW, {S.SUBMITTED}, S.REVIEWED, LEADING_GROUP,
       "the Leading Group reviews the plan and passes it on to the city government"),
    _t(PlanAction.RETURN_FROM_REVIEW, {S.SUBMITTED}, S.DRAFT, LEADING_GROUP,
       "the Leading Group returns the plan to the Approval Bureau, with its reasons"),
    _t(PlanAction.APPROVE, {S.REVIEWED}, S.APPROVED, CITY_GOVERNMENT,
       "the city government approves the plan, with the date and document number (文号) of its decision"),
    _t(PlanAction.RETURN_FROM_APPROVAL, {S.REVIEWED}, S.DRAFT, CITY_GOVERNMENT,
       "the city government returns the plan to the Approval Bureau, with its reasons"),
)}
