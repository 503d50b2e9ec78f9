"""Finance's commands on a budget-review case, each inside one unit of work: the case, its history entry and
its outbox event commit together, or nothing does."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from services.finance.adapters import trail_store
from services.finance.adapters.ledgers import LedgerRepository
from services.finance.adapters.repository import BudgetReviewRepository, ConcurrentUpdate
from services.finance.domain import decisions
from services.finance.domain.budget_review import BudgetLine, BudgetReviewCase, LineCategory
from services.finance.domain.history import Actor
from services.finance.domain.trail import TrailEntry, project_chain
from services.finance.domain.lifecycle import Action
from shared.auth import Identity
from shared.clock import utc_now
from shared.errors import NotFound, refuse
from shared.events import BudgetLine as ReportLine
from shared.events import BudgetReviewReported
from shared.uow import UnitOfWork
from shared.visibility import can_see_project

UowFactory = Callable[[], UnitOfWork]


def visible(case: BudgetReviewCase, identity: Identity) -> bool:
    return can_see_project(identity, unit_path=case.unit_path, classified=case.classified)


@dataclass(frozen=True)
class SetBudgetLine:
    project_id: str
    category: LineCategory
    requested_amount: int
    approved_amount: int
    note: str | None = None


async def _load(repository: BudgetReviewRepository, project_id: str, actor: Identity) -> BudgetReviewCase:
    case = await repository.get(project_id)
    if case is None or not visible(case, actor):
        raise NotFound("project", "projectId")
    return case


async def _save(repository: BudgetReviewRepository, before, after, entry) -> None:
    try:
        await repository.save(before, after, [entry])
    except ConcurrentUpdate:
        raise refuse("CONFLICT", "the budget review changed while you were deciding; reload it and try again",
                     "projectId") from None


async def set_budget_line(uow_factory: UowFactory, command: SetBudgetLine, actor: Identity) -> BudgetReviewCase:
    """R-REV-2: Finance approves one cost line of the budget."""
    decisions.authorize(Action.SET_LINE, actor)  # a wrong department learns nothing about the project
    async with uow_factory() as uow:
        repository = BudgetReviewRepository(uow.session)
        case = await _load(repository, command.project_id, actor)
        line = BudgetLine(command.category, command.requested_amount, command.approved_amount, command.note)
        updated, entry = decisions.set_line(case, line, actor=actor, now=utc_now())
        await _save(repository, case, updated, entry)
        await uow.commit()
        return updated


async def issue_budget_review_report(uow_factory: UowFactory, project_id: str, actor: Identity) -> BudgetReviewCase:
    """R-REV-2 / R-REV-3: the budget review report (预算评审报告), announced through the outbox."""
    decisions.authorize(Action.ISSUE_REPORT, actor)
    async with uow_factory() as uow:
        repository = BudgetReviewRepository(uow.session)
        case = await _load(repository, project_id, actor)
        updated, entry = decisions.issue_report(case, actor=actor, now=utc_now())
        await _save(repository, case, updated, entry)
        await _open_ledger(uow, updated, actor)
        await uow.emit(BudgetReviewReported(
            project_id=updated.project_id, case_id=updated.id, approved_budget=updated.approved_budget,
            lines=[ReportLine(category=line.category.value, amount=line.approved_amount) for line in updated.lines],
            reported_at=updated.reported_at), subject=updated.project_id)
        await uow.commit()
        return updated


async def _open_ledger(uow: UnitOfWork, case: BudgetReviewCase, actor: Identity) -> None:
    """The report's approved budget is what the project may be paid (R-FIN-1); the money trail starts here."""
    ledgers = LedgerRepository(uow.session)
    ledger = await ledgers.lock(case.project_id)
    entry = TrailEntry(case.reported_at, "BUDGET_REPORTED", Actor.of(actor),
                       {"case_id": case.id, "approved_budget": case.approved_budget})
    await trail_store.append(uow.session, project_chain(case.project_id), [entry])
    await ledgers.save(replace(ledger, approved_budget=case.approved_budget))
