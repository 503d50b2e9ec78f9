"""A project's funds at Finance: its one funding application (一次申请), the yearly allocations Finance sets by
progress (分年按进度安排, R-APP-3 / R-FIN-2), and its ledger (approved budget, sanctions, what was paid).

Pure data and decisions: no I/O. Money is integer fen.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from services.finance.domain.history import Actor
from services.finance.domain.trail import TrailEntry
from services.finance.domain.wording import amount_problems, clean, text_problems, yuan
from shared.errors import DomainError, Violation

NOTE_LIMIT = 2000


@dataclass(frozen=True)
class FundApplication:
    """The cross-year project's one application: the budget review report's approved budget and the yearly
    expenditure plan of the technical review opinion (审查意见, R-APP-3)."""

    project_id: str
    approved_budget: int | None  # None until the budget review report (预算评审报告)
    cross_year: bool
    yearly_plan: tuple[tuple[int, int], ...]  # (budget year, planned fen)

    def planned(self, year: int) -> int | None:
        return next((amount for y, amount in self.yearly_plan if y == year), None)


@dataclass(frozen=True)
class Ledger:
    """The project's running account; one row per project, which every money decision locks first."""

    project_id: str
    approved_budget: int | None = None
    reductions: int = 0  # REDUCE_BUDGET sanctions (核减)
    paid: int = 0
    recovery_ordered: int = 0  # RECOVER sanctions (追回)
    payments_stopped: bool = False  # a STOP_PAYMENTS sanction (停止拨付)
    version: int = 1

    @property
    def effective_budget(self) -> int:
        """The approved budget after reductions: the most the project may ever be paid (R-FIN-1, R-FIN-4)."""
        return max((self.approved_budget or 0) - self.reductions, 0)

    @property
    def remaining(self) -> int:
        return self.effective_budget - self.paid


@dataclass(frozen=True)
class Allocation:
    """One budget year's allocation (年度安排) of a project, and what was paid from it."""

    project_id: str
    year: int
    amount: int
    paid: int = 0
    om_paid: int = 0  # of `paid`, O&M funds (运维经费)
    note: str | None = None


def set_allocation(application: FundApplication, ledger: Ledger, allocations: Mapping[int, Allocation], *,
                   year: int, amount: int, note: str | None, current_year: int, plan_status: str | None,
                   actor: Actor, now: datetime) -> tuple[Allocation, TrailEntry]:
    """R-FIN-2: Finance allocates a year's funds by progress. Setting a year again replaces its allocation; 0
    withdraws it. A year with no planned expenditure gets nothing; the allocations never add up above the
    approved budget (after reductions); a year's allocation never drops below what was paid from it."""
    problems = amount_problems(amount, ("input", "amount"), positive=False)
    problems += text_problems(note, ("input", "progressNote"), rule="INVALID", what="the progress note",
                              limit=NOTE_LIMIT, required=False)
    if problems:
        raise DomainError(problems)
    if application.approved_budget is None:
        raise DomainError(Violation("R-FIN-2", ("input", "projectId"),
                                    "allocations are made on the approved budget of the budget review report "
                                    "(预算评审报告), which is not issued yet"))
    if year < current_year:
        raise DomainError(Violation("R-FIN-2", ("input", "year"),
                                    f"{year} is past: a year in which the project can no longer spend gets no "
                                    f"allocation"))
    if plan_status in ("SUBMITTED", "APPROVED"):
        raise DomainError(Violation("R-PLN-2", ("input", "year"),
                                    f"the special-fund plan of {year} is {plan_status}; its allocations are fixed"))
    if amount > 0:
        problems += _year_problems(application, allocations, year)
    previous = allocations.get(year)
    paid = previous.paid if previous else 0
    if amount < paid:
        problems.append(Violation("R-FIN-1", ("input", "amount"),
                                  f"{yuan(paid)} was already paid from the {year} allocation; it cannot go below"))
    total = sum(a.amount for y, a in allocations.items() if y != year) + amount
    if total > ledger.effective_budget:
        problems.append(Violation(
            "R-FIN-2", ("input", "amount"),
            f"the allocations would add up to {yuan(total)}, {yuan(total - ledger.effective_budget)} above the "
            f"approved budget of {yuan(ledger.effective_budget)}" + (" after reductions" if ledger.reductions else "")))
    if problems:
        raise DomainError(problems)
    allocation = Allocation(application.project_id, year, amount, paid, previous.om_paid if previous else 0,
                            clean(note))
    detail = {"year": year, "amount": amount, "previous": previous.amount if previous else None,
              "allocated_total": total}
    return allocation, TrailEntry(now, "SET_FUND_ALLOCATION", actor, detail, allocation.note)


def _year_problems(application: FundApplication, allocations: Mapping[int, Allocation], year: int) -> list[Violation]:
    planned = application.planned(year)
    if application.yearly_plan:
        if not planned:
            plan = ", ".join(f"{y}: {yuan(a)}" for y, a in application.yearly_plan)
            return [Violation("R-FIN-2", ("input", "year"),
                              f"the application plans no expenditure in {year} ({plan}); a year in which the "
                              f"project cannot spend gets no allocation")]
        return []
    if application.cross_year:
        return [Violation("R-FIN-2", ("input", "year"), "the cross-year application states no yearly plan")]
    funded = sorted(y for y, a in allocations.items() if a.amount > 0 and y != year)
    if funded:
        return [Violation("R-APP-3", ("input", "year"),
                          f"the project is not cross-year: it is funded in one year, and {funded[0]} has its "
                          f"allocation")]
    return []


def record_payment(ledger: Ledger, allocation: Allocation, amount: int, *, om: bool) -> tuple[Ledger, Allocation]:
    return (replace(ledger, paid=ledger.paid + amount),
            replace(allocation, paid=allocation.paid + amount, om_paid=allocation.om_paid + (amount if om else 0)))
