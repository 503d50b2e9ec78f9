"""The construction plan's records (R-PLN-1): a version with its items, returns and approval, a line of its decision
history, and the values each step takes. Pure data."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from services.approval.domain.plan_lifecycle import PlanStatus


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


def in_force(versions: list[PlanVersion]) -> PlanVersion | None:
    """The approved version in force: the latest approved one."""
    approved = [v for v in versions if v.status is PlanStatus.APPROVED]
    return max(approved, key=lambda v: v.number) if approved else None
