"""The annual smart-city construction plan (年度智慧城市建设计划, R-PLN-1, Article 5) of one jurisdiction and year.

The Approval Bureau drafts it from approved projects; the Leading Group reviews it (passes it on, or returns it
with reasons); the city government approves it, with the date and document number (文号) of its decision; only
then is it carried out. An amendment takes the same path as a new, numbered version: the approved version in force
is the latest approved one, and every earlier version stays as it was decided.

A plan is its versions; every action addresses the latest one, as the table of `plan_lifecycle.py` says. Pure: no
I/O.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from services.approval.domain.plan_lifecycle import RULE, TRANSITIONS, PlanAction, PlanStatus
from shared.auth import Department
from shared.clock import budget_year, china_date
from shared.errors import DomainError, PermissionDenied, Violation
from shared.jurisdictions import JURISDICTIONS
from shared.text import text_violations

MAX_ITEMS = 1000  # projects in one version: far above what a jurisdiction builds in a year, bounded all the same


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PlanItem(Record):
    """One project in a version, with the amount planned for it in the plan's year (integer fen)."""

    project_id: str
    planned_amount: int
    note: str | None = None


class PlanReturn(Record):
    """A return to the drafters: by whom (the Leading Group or the city government), when, and why."""

    department: str
    at: datetime
    reasons: tuple[str, ...]


class PlanVersion(Record):
    """One version of a jurisdiction's plan for a year: version 1, then one per amendment."""

    id: str
    jurisdiction: str
    year: int
    number: int
    status: PlanStatus
    items: tuple[PlanItem, ...] = ()
    amendment_reason: str | None = None
    drafted_at: datetime
    submitted_at: datetime | None = None
    reviewed_at: datetime | None = None
    review_opinion: str | None = None
    returns: tuple[PlanReturn, ...] = ()
    approved_on: date | None = None  # the date of the city government's decision
    document_number: str | None = None  # its document number (文号)
    approved_at: datetime | None = None  # when the decision was recorded here
    revision: int = 1  # bumped by every change: a save checks nobody saved the version meanwhile

    @property
    def total(self) -> int:
        """Every item counts, classified ones too: the plan's total is what the city approves to spend."""
        return sum(item.planned_amount for item in self.items)

    def item(self, project_id: str) -> PlanItem | None:
        return next((item for item in self.items if item.project_id == project_id), None)


class PlanDecision(Record):
    """One line of a plan's decision history: who, when, what, why (R-OVS-1)."""

    at: datetime
    action: str
    version: int
    from_status: PlanStatus | None
    to_status: PlanStatus
    department: str
    unit: str | None
    subject: str
    reasons: tuple[str, ...] = ()
    detail: str = ""
    project_id: str | None = None  # the item an edit concerns; shown only to those who may see the project


class PlannedProject(Record):
    """What adding a project needs to know of it, read from the project record."""

    id: str
    jurisdiction: str
    status: str
    investment: int


# A project enters a plan once approved (立项) and until completion acceptance: a cross-year project is planned in
# each year it builds.
PLANNABLE = frozenset({"APPROVED", "TECHNICAL_REVIEW_PASSED", "BUDGET_REVIEW_PASSED", "CONTRACT_SIGNED",
                       "UNDER_CONSTRUCTION", "INITIAL_ACCEPTANCE_PASSED", "COMPLETION_ACCEPTANCE_REQUESTED"})


def _v(message: str, *field: str) -> Violation:
    return Violation(RULE, tuple(field) or None, message)


def in_force(versions: list[PlanVersion]) -> PlanVersion | None:
    """The approved version in force: the latest approved one."""
    approved = [v for v in versions if v.status is PlanStatus.APPROVED]
    return max(approved, key=lambda v: v.number) if approved else None


def check_department(action: PlanAction, department: Department) -> None:
    """Article 5: only the department the table names; checked before the plan is read."""
    transition = TRANSITIONS[action]
    if department not in transition.departments:
        needed = " or ".join(sorted(d.value for d in transition.departments))
        raise PermissionDenied(f"{action.value.lower().replace('_', ' ')} of a construction plan is for {needed}")


def _year_problems(jurisdiction: str, year: int, now: datetime) -> list[Violation]:
    problems = []
    if jurisdiction not in JURISDICTIONS:
        problems.append(Violation("INVALID", ("jurisdiction",),
                                  f"unknown jurisdiction {jurisdiction}; one of {', '.join(JURISDICTIONS)}"))
    current = budget_year(now)
    if not current <= year <= current + 1:
        problems.append(_v(f"a construction plan is drafted for this year ({current}) or the next, not {year}",
                           "year"))
    return problems


def _reasons(reasons) -> tuple[str, ...]:
    return tuple(r.strip() for r in reasons or () if r and r.strip())


@dataclass(frozen=True)
class Draft:
    jurisdiction: str
    year: int
    version_id: str


@dataclass(frozen=True)
class Amendment:
    reason: str
    version_id: str


@dataclass(frozen=True)
class NewItem:
    project: PlannedProject | None  # None: no such project visible
    planned_amount: int
    note: str | None = None


@dataclass(frozen=True)
class Approval:
    approved_on: date
    document_number: str


def _guard(action: PlanAction, versions: list[PlanVersion], latest: PlanVersion | None, payload,
           now: datetime) -> list[Violation]:
    if action is PlanAction.DRAFT:
        return _year_problems(payload.jurisdiction, payload.year, now)
    if action is PlanAction.DRAFT_AMENDMENT:
        return (_year_problems(latest.jurisdiction, latest.year, now)
                + text_violations(payload.reason, ("reason",), required=True, rule=RULE,
                                  what="the reason for the amendment"))
    if action is PlanAction.ADD_ITEM:
        return _item_problems(latest, payload)
    if action is PlanAction.REMOVE_ITEM:
        return [] if latest.item(payload) else [_v("the project is not an item of this version", "projectId")]
    if action is PlanAction.SUBMIT_FOR_REVIEW:
        return _submission_problems(versions, latest)
    if action in (PlanAction.RETURN_FROM_REVIEW, PlanAction.RETURN_FROM_APPROVAL):
        return [] if _reasons(payload) else [_v("a returned plan carries the reasons why", "reasons")]
    if action is PlanAction.APPROVE:
        return _approval_problems(latest, payload, now)
    return []


def _item_problems(latest: PlanVersion, new: NewItem) -> list[Violation]:
    project = new.project
    if project is None:
        return [Violation("NOT_FOUND", ("projectId",), "no project with this id is visible to you")]
    problems = []
    if project.status not in PLANNABLE:
        problems.append(_v(f"only an approved project (立项) not yet accepted is planned; this one is "
                           f"{project.status}", "projectId"))
    if project.jurisdiction != latest.jurisdiction:
        problems.append(_v(f"the project belongs to {project.jurisdiction}, not to {latest.jurisdiction}",
                           "projectId"))
    if latest.item(project.id):
        problems.append(_v("the project is already an item of this version; remove it first to change it",
                           "projectId"))
    if not 0 < new.planned_amount <= project.investment:
        problems.append(_v(f"the planned amount is more than 0 and at most the project's investment "
                           f"({project.investment} fen)", "plannedAmount"))
    if len(latest.items) >= MAX_ITEMS:
        problems.append(_v(f"a version holds at most {MAX_ITEMS} projects", "projectId"))
    return problems + text_violations(new.note, ("note",), what="the note")


def _submission_problems(versions: list[PlanVersion], latest: PlanVersion) -> list[Violation]:
    if not latest.items:
        return [_v("an empty plan is not submitted: add the year's projects first", "jurisdiction")]
    previous = in_force(versions)
    if previous is not None and set(previous.items) == set(latest.items):
        return [_v(f"the amendment changes nothing in version {previous.number}", "jurisdiction")]
    return []


def _approval_problems(latest: PlanVersion, approval: Approval, now: datetime) -> list[Violation]:
    problems = text_violations(approval.document_number, ("documentNumber",), line=True, required=True, rule=RULE,
                               what="the document number (文号) of the city government's decision")
    reviewed_on = china_date(latest.reviewed_at)
    if not reviewed_on <= approval.approved_on <= china_date(now):
        problems.append(_v(f"the decision's date lies between the Leading Group's review ({reviewed_on}) and today",
                           "approvedOn"))
    return problems


def _effect(action: PlanAction, versions: list[PlanVersion], latest: PlanVersion | None, payload, actor_department,
            now: datetime) -> tuple[PlanVersion, tuple[str, ...], str, str | None]:
    """The version after the action, with the history line's reasons, detail and project."""
    if action is PlanAction.DRAFT:
        version = PlanVersion(id=payload.version_id, jurisdiction=payload.jurisdiction, year=payload.year, number=1,
                              status=PlanStatus.DRAFT, drafted_at=now)
        return version, (), f"version 1 of {payload.jurisdiction} {payload.year}", None
    if action is PlanAction.DRAFT_AMENDMENT:
        reason = payload.reason.strip()
        version = PlanVersion(id=payload.version_id, jurisdiction=latest.jurisdiction, year=latest.year,
                              number=latest.number + 1, status=PlanStatus.DRAFT, items=in_force(versions).items,
                              amendment_reason=reason, drafted_at=now)
        return version, (reason,), f"version {version.number} amends version {latest.number}", None
    changes: dict = {}
    reasons: tuple[str, ...] = ()
    project_id = None
    if action is PlanAction.ADD_ITEM:
        note = payload.note.strip() if payload.note and payload.note.strip() else None
        item = PlanItem(project_id=payload.project.id, planned_amount=payload.planned_amount, note=note)
        changes["items"], project_id = latest.items + (item,), item.project_id
        detail = f"item added: {item.planned_amount} fen"
    elif action is PlanAction.REMOVE_ITEM:
        changes["items"], project_id = tuple(i for i in latest.items if i.project_id != payload), payload
        detail = "item removed"
    elif action is PlanAction.SUBMIT_FOR_REVIEW:
        changes["submitted_at"] = now
        detail = f"{len(latest.items)} projects, {latest.total} fen"
    elif action is PlanAction.PASS_REVIEW:
        opinion = payload.strip() if payload and payload.strip() else None
        changes.update(reviewed_at=now, review_opinion=opinion)
        reasons = (opinion,) if opinion else ()
        detail = "passed on to the city government"
    elif action is PlanAction.APPROVE:
        changes.update(approved_on=payload.approved_on, document_number=payload.document_number.strip(),
                       approved_at=now)
        detail = f"approved on {payload.approved_on}, {payload.document_number.strip()}"
    else:  # a return, by the Leading Group or the city government
        reasons = _reasons(payload)
        changes.update(returns=latest.returns + (PlanReturn(department=actor_department, at=now, reasons=reasons),),
                       submitted_at=None, reviewed_at=None, review_opinion=None)
        detail = "returned to the Approval Bureau"
    target = TRANSITIONS[action].target or latest.status
    updated = latest.model_copy(update={**changes, "status": target, "revision": latest.revision + 1})
    return updated, reasons, detail, project_id


def decide(versions: list[PlanVersion], action: PlanAction, payload, *, department: Department, unit: str | None,
           subject: str, now: datetime) -> tuple[PlanVersion, PlanDecision]:
    """Take one action of the table on the plan whose versions are given (oldest first), or refuse it. Returns the
    new or changed version and its history line."""
    check_department(action, department)
    latest = versions[-1] if versions else None
    status = latest.status if latest else None
    transition = TRANSITIONS[action]
    if status not in transition.sources:
        where = "there is no plan yet" if latest is None else f"version {latest.number} is {status.value}"
        allowed = " or ".join(sorted("no plan yet" if s is None else s.value for s in transition.sources))
        raise DomainError(_v(f"cannot {action.value.lower().replace('_', ' ')} now: {where}; it must be {allowed}",
                             "jurisdiction" if latest is None else "year"))
    problems = _guard(action, versions, latest, payload, now)
    if problems:
        raise DomainError(problems)
    version, reasons, detail, project_id = _effect(action, versions, latest, payload, department.value, now)
    entry = PlanDecision(at=now, action=action.value, version=version.number,
                         from_status=None if action in (PlanAction.DRAFT, PlanAction.DRAFT_AMENDMENT) else status,
                         to_status=version.status, department=department.value, unit=unit, subject=subject,
                         reasons=reasons, detail=detail, project_id=project_id)
    return version, entry


def construction_problems(plan: PlanVersion | None, *, project_id: str, jurisdiction: str,
                          year: int | None) -> list[Violation]:
    """R-PLN-1: only an approved plan is carried out. Construction starts only for an item of the approved plan in
    force of the project's jurisdiction for the year construction starts in."""
    when = f"for {year}" if year is not None else "for this year"
    if plan is None or plan.status is not PlanStatus.APPROVED or plan.jurisdiction != jurisdiction or (
            year is not None and plan.year != year):
        return [_v(f"{jurisdiction} has no approved smart-city construction plan {when}: construction starts only "
                   f"as an item of the plan the city government approved", "id")]
    if plan.item(project_id) is None:
        return [_v(f"the project is not an item of version {plan.number} of {jurisdiction}'s construction plan "
                   f"{when}, the version in force: construction starts only as an item of the approved plan", "id")]
    return []
