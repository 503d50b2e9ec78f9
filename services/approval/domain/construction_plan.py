"""The annual smart-city construction plan (年度智慧城市建设计划, R-PLN-1, Article 5) of one jurisdiction and year.

The Approval Bureau drafts it from approved projects; the Leading Group reviews it (passes it on, or returns it
with reasons); the city government approves it, with the date and document number (文号) of its decision; only
then is it carried out. An amendment takes the same path as a new, numbered version: the approved version in force
is the latest approved one, and every earlier version stays as it was decided.

A plan is its versions; every action addresses the latest one, as the table of `plan_lifecycle.py` says. Pure: no
I/O.
"""
from __future__ import annotations

from datetime import datetime

from services.approval.domain.plan_lifecycle import RULE, TRANSITIONS, PlanAction, PlanStatus
from services.approval.domain.plan_records import (
    Amendment, Approval, Draft, NewItem, PlanDecision, PlanItem, PlannedProject, PlanReturn, PlanVersion, in_force,
)
from shared.auth import Department
from shared.clock import budget_year, china_date
from shared.errors import DomainError, PermissionDenied, Violation
from shared.jurisdictions import JURISDICTIONS
from shared.text import text_violations
from shared.text import non_blank

__all__ = ["Amendment", "Approval", "Draft", "NewItem", "PlanDecision", "PlanItem", "PlannedProject", "PlanReturn",
           "PlanVersion", "in_force", "decide", "check_department", "construction_problems", "PLANNABLE"]

MAX_ITEMS = 1000  # projects in one version: far above what a jurisdiction builds in a year, bounded all the same


# A project enters a plan once approved (立项) and until completion acceptance: a cross-year project is planned in
# each year it builds.
PLANNABLE = frozenset({"APPROVED", "TECHNICAL_REVIEW_PASSED", "BUDGET_REVIEW_PASSED", "CONTRACT_SIGNED",
                       "UNDER_CONSTRUCTION", "INITIAL_ACCEPTANCE_PASSED", "COMPLETION_ACCEPTANCE_REQUESTED"})


def _v(message: str, *field: str) -> Violation:
    return Violation(RULE, tuple(field) or None, message)


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


def _return_problems(_versions, _latest, reasons, _now) -> list[Violation]:
    return [] if non_blank(reasons) else [_v("a returned plan carries the reasons why", "reasons")]


# Each guard returns every violation it finds: (the plan's versions, the latest, the payload, now) -> violations.
GUARDS = {
    PlanAction.DRAFT: lambda versions, latest, draft, now: _year_problems(draft.jurisdiction, draft.year, now),
    PlanAction.DRAFT_AMENDMENT: lambda versions, latest, amendment, now: (
        _year_problems(latest.jurisdiction, latest.year, now)
        + text_violations(amendment.reason, ("reason",), required=True, rule=RULE,
                          what="the reason for the amendment")),
    PlanAction.ADD_ITEM: lambda versions, latest, new, now: _item_problems(latest, new),
    PlanAction.REMOVE_ITEM: lambda versions, latest, project_id, now: (
        [] if latest.item(project_id) else [_v("the project is not an item of this version", "projectId")]),
    PlanAction.SUBMIT_FOR_REVIEW: lambda versions, latest, _, now: _submission_problems(versions, latest),
    PlanAction.RETURN_FROM_REVIEW: _return_problems,
    PlanAction.RETURN_FROM_APPROVAL: _return_problems,
    PlanAction.APPROVE: lambda versions, latest, approval, now: _approval_problems(latest, approval, now),
}


def _text(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


def _new_version(versions, latest, payload, department, now):
    if latest is None:
        version = PlanVersion(id=payload.version_id, jurisdiction=payload.jurisdiction, year=payload.year, number=1,
                              status=PlanStatus.DRAFT, drafted_at=now)
        return version, (), f"version 1 of {payload.jurisdiction} {payload.year}", None
    reason = payload.reason.strip()
    version = PlanVersion(id=payload.version_id, jurisdiction=latest.jurisdiction, year=latest.year,
                          number=latest.number + 1, status=PlanStatus.DRAFT, items=in_force(versions).items,
                          amendment_reason=reason, drafted_at=now)
    return version, (reason,), f"version {version.number} amends version {latest.number}", None


def _added(new: NewItem) -> PlanItem:
    return PlanItem(project_id=new.project.id, planned_amount=new.planned_amount, note=_text(new.note))


def _returned(versions, latest, reasons, department, now):
    reasons = non_blank(reasons)
    back = PlanReturn(department=department, at=now, reasons=reasons)
    return ({"returns": latest.returns + (back,), "submitted_at": None, "reviewed_at": None, "review_opinion": None},
            reasons, "returned to the Approval Bureau", None)


# Each effect: (the plan's versions, the latest, the payload, the department, now) -> (a new version or the changed
# fields of the latest, the history line's reasons, its one-line detail, the project an item edit concerns).
EFFECTS = {
    PlanAction.DRAFT: _new_version,
    PlanAction.DRAFT_AMENDMENT: _new_version,
    PlanAction.ADD_ITEM: lambda versions, latest, new, department, now: (
        {"items": latest.items + (_added(new),)}, (), f"item added: {new.planned_amount} fen",
        new.project.id),
    PlanAction.REMOVE_ITEM: lambda versions, latest, project_id, department, now: (
        {"items": tuple(i for i in latest.items if i.project_id != project_id)}, (), "item removed", project_id),
    PlanAction.SUBMIT_FOR_REVIEW: lambda versions, latest, _, department, now: (
        {"submitted_at": now}, (), f"{len(latest.items)} projects, {latest.total} fen", None),
    PlanAction.PASS_REVIEW: lambda versions, latest, opinion, department, now: (
        {"reviewed_at": now, "review_opinion": _text(opinion)}, tuple(filter(None, [_text(opinion)])),
        "passed on to the city government", None),
    PlanAction.RETURN_FROM_REVIEW: _returned,
    PlanAction.RETURN_FROM_APPROVAL: _returned,
    PlanAction.APPROVE: lambda versions, latest, approval, department, now: (
        {"approved_on": approval.approved_on, "document_number": approval.document_number.strip(),
         "approved_at": now}, (), f"approved on {approval.approved_on}, {approval.document_number.strip()}", None),
}


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
    problems = GUARDS.get(action, lambda *_: [])(versions, latest, payload, now)
    if problems:
        raise DomainError(problems)
    result, reasons, detail, project_id = EFFECTS[action](versions, latest, payload, department.value, now)
    version = result if isinstance(result, PlanVersion) else latest.model_copy(update={
        **result, "status": transition.target or latest.status, "revision": latest.revision + 1})
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
