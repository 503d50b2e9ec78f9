"""The special-fund annual plan (智慧城市建设专项资金项目建设年度计划, R-PLN-2) of one jurisdiction and year.

Finance and the Approval Bureau draft it together: Finance drafts it from the year's allocations of the
jurisdiction's projects, each department signs it, and with both signatures it goes to the Leading Group, which
approves it or returns it with reasons. A project draws special funds in a year only through the approved plan.
While the plan is being drafted an allocation change updates its line and voids the signatures; once submitted,
the year's allocations of the jurisdiction are fixed.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum

from services.finance.domain.history import Actor
from services.finance.domain.trail import TrailEntry
from services.finance.domain.wording import clean, text_problems
from shared.auth import Department
from shared.errors import DomainError, Violation
from shared.jurisdictions import JURISDICTIONS

SIGNERS = (Department.FINANCE_BUREAU.value, Department.APPROVAL_BUREAU.value)


class PlanStatus(str, Enum):
    DRAFTING = "DRAFTING"
    SUBMITTED = "SUBMITTED"  # both signed; awaiting the Leading Group
    APPROVED = "APPROVED"


class PlanAction(str, Enum):
    DRAFT = "DRAFT"
    REFRESH_LINE = "REFRESH_LINE"
    SIGN = "SIGN"
    APPROVE = "APPROVE"
    RETURN = "RETURN"


# The plan's lifecycle as data: the statuses each action may start from. None is "no plan yet".
SOURCES: dict[PlanAction, frozenset] = {
    PlanAction.DRAFT: frozenset({None, PlanStatus.DRAFTING}),
    PlanAction.REFRESH_LINE: frozenset({PlanStatus.DRAFTING}),
    PlanAction.SIGN: frozenset({PlanStatus.DRAFTING}),
    PlanAction.APPROVE: frozenset({PlanStatus.SUBMITTED}),
    PlanAction.RETURN: frozenset({PlanStatus.SUBMITTED}),
}


@dataclass(frozen=True)
class PlanLine:
    project_id: str
    amount: int


@dataclass(frozen=True)
class Signature:
    department: str
    actor: Actor
    at: datetime


@dataclass(frozen=True)
class SpecialFundPlan:
    id: str
    jurisdiction: str
    year: int
    status: PlanStatus
    lines: tuple[PlanLine, ...] = ()
    signatures: tuple[Signature, ...] = ()
    drafted_at: datetime | None = None
    submitted_at: datetime | None = None
    decided_at: datetime | None = None
    return_reason: str | None = None
    version: int = 1

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    def line(self, project_id: str) -> PlanLine | None:
        return next((line for line in self.lines if line.project_id == project_id), None)

    def signed_by(self, department: str) -> bool:
        return any(s.department == department for s in self.signatures)


def _require(plan: SpecialFundPlan | None, action: PlanAction, field: str = "year") -> None:
    status = plan.status if plan else None
    if status in SOURCES[action]:
        return
    where = "there is no plan yet" if plan is None else f"the plan is {status.value}"
    raise DomainError(Violation("R-PLN-2", (field,), f"cannot {action.value.lower().replace('_', ' ')} now: {where}"))


def _lines(lines) -> tuple[PlanLine, ...]:
    return tuple(sorted((line for line in lines if line.amount > 0), key=lambda line: line.project_id))


def _detail(plan: SpecialFundPlan) -> dict:
    return {"jurisdiction": plan.jurisdiction, "year": plan.year, "total": plan.total,
            "lines": {line.project_id: line.amount for line in plan.lines}}


def draft(plan: SpecialFundPlan | None, lines, *, plan_id: str, jurisdiction: str, year: int, current_year: int,
          actor: Actor, now: datetime) -> tuple[SpecialFundPlan, TrailEntry]:
    """Finance drafts (or redrafts) the plan from the year's allocations of the jurisdiction's projects."""
    if jurisdiction not in JURISDICTIONS:
        raise DomainError(Violation("INVALID", ("jurisdiction",),
                                    f"{jurisdiction} is not a jurisdiction ({', '.join(JURISDICTIONS)})"))
    if year < current_year:
        raise DomainError(Violation("R-PLN-2", ("year",), f"{year} is past; plan the current or a coming year"))
    _require(plan, PlanAction.DRAFT)
    lines = _lines(lines)
    if not lines:
        raise DomainError(Violation("R-PLN-2", ("year",),
                                    f"no project of {jurisdiction} has an allocation for {year}: nothing to plan"))
    base = plan or SpecialFundPlan(id=plan_id, jurisdiction=jurisdiction, year=year, status=PlanStatus.DRAFTING)
    updated = replace(base, status=PlanStatus.DRAFTING, lines=lines, signatures=(), drafted_at=now,
                      version=base.version + (1 if plan else 0))
    return updated, TrailEntry(now, PlanAction.DRAFT.value, actor, _detail(updated))


def refresh_line(plan: SpecialFundPlan, project_id: str, amount: int, *, actor: Actor,
                 now: datetime) -> tuple[SpecialFundPlan, TrailEntry]:
    """An allocation changed while the plan is drafted: its line follows, and the signatures given on the old
    content are void."""
    _require(plan, PlanAction.REFRESH_LINE)
    others = [line for line in plan.lines if line.project_id != project_id]
    updated = replace(plan, lines=_lines(others + [PlanLine(project_id, amount)]), signatures=(),
                      version=plan.version + 1)
    detail = {"project_id": project_id, "amount": amount, "total": updated.total,
              "signatures_voided": [s.department for s in plan.signatures]}
    return updated, TrailEntry(now, PlanAction.REFRESH_LINE.value, actor, detail)


def sign(plan: SpecialFundPlan | None, *, department: str, actor: Actor,
         now: datetime) -> tuple[SpecialFundPlan, TrailEntry]:
    """R-PLN-2: each drafting department signs once; with both signatures the plan goes to the Leading Group."""
    _require(plan, PlanAction.SIGN)
    if plan.signed_by(department):
        raise DomainError(Violation("R-PLN-2", ("year",), f"{department} has already signed this plan"))
    signatures = plan.signatures + (Signature(department, actor, now),)
    complete = all(any(s.department == d for s in signatures) for d in SIGNERS)
    updated = replace(plan, signatures=signatures, version=plan.version + 1,
                      status=PlanStatus.SUBMITTED if complete else plan.status,
                      submitted_at=now if complete else None)
    detail = {**_detail(plan), "department": department, "submitted": complete}
    return updated, TrailEntry(now, PlanAction.SIGN.value, actor, detail)


def review(plan: SpecialFundPlan | None, *, approve: bool, reason: str | None, actor: Actor,
           now: datetime) -> tuple[SpecialFundPlan, TrailEntry]:
    """R-PLN-2: the Leading Group approves the co-signed plan, or returns it to the drafters with its reasons."""
    action = PlanAction.APPROVE if approve else PlanAction.RETURN
    problems = text_problems(reason, ("reason",), rule="R-PLN-2", what="the reasons for returning the plan",
                             limit=2000, required=not approve)
    if problems:
        raise DomainError(problems)
    _require(plan, action)
    if approve:
        updated = replace(plan, status=PlanStatus.APPROVED, decided_at=now, version=plan.version + 1)
    else:
        updated = replace(plan, status=PlanStatus.DRAFTING, signatures=(), submitted_at=None, decided_at=now,
                          return_reason=clean(reason), version=plan.version + 1)
    return updated, TrailEntry(now, action.value, actor, _detail(plan), clean(reason))


def draws_through(plan: SpecialFundPlan | None, project_id: str, year: int) -> Violation | None:
    """R-PLN-2: a project draws special funds in a year only through the approved plan of that year."""
    if plan is None or plan.status is not PlanStatus.APPROVED:
        state = "has no special-fund plan" if plan is None else f"has its special-fund plan {plan.status.value}"
        return Violation("R-PLN-2", ("input", "projectId"),
                         f"the project's jurisdiction {state} for {year}; funds are drawn only through the "
                         f"approved plan of the year")
    if plan.line(project_id) is None:
        return Violation("R-PLN-2", ("input", "projectId"),
                         f"the approved special-fund plan of {year} has no line for this project")
    return None
