"""The fund plan (R-APP-3 / R-FIN-2) and the special-fund annual plan (R-PLN-2)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from services.finance.adapters import trail_store
from services.finance.adapters.ledgers import LedgerRepository
from services.finance.adapters.plans import PlanRepository
from services.finance.domain import funding
from services.finance.domain import special_fund_plan as sfp
from services.finance.domain.history import Actor
from services.finance.domain.permissions import Command, authorize
from services.finance.domain.trail import plan_chain
from services.finance.service_layer.common import UowFactory, lock_ledger, retrying, write_ledger
from shared.auth import Identity
from shared.clock import budget_year, utc_now
from shared.errors import refuse
from shared.events import SpecialFundPlanApproved, SpecialFundPlanLine
from shared.uow import UnitOfWork


@dataclass(frozen=True)
class SetFundAllocation:
    project_id: str
    year: int
    amount: int
    progress_note: str | None = None


async def _save_plan(uow: UnitOfWork, plans: PlanRepository, before: sfp.SpecialFundPlan | None,
                     after: sfp.SpecialFundPlan, entry) -> sfp.SpecialFundPlan:
    if before is None:
        await plans.add(after)
    else:
        await plans.save(before, after)  # ConcurrentUpdate if someone saved the plan since we read it
    await trail_store.append(uow.session, plan_chain(after.jurisdiction, after.year), [entry])
    return after


async def set_fund_allocation(uow_factory: UowFactory, command: SetFundAllocation, actor: Identity) -> str:
    """R-FIN-2: Finance sets a year's allocation by progress. While the year's plan is being drafted, its line
    follows and its signatures are void; once the plan is submitted the allocation is fixed."""
    authorize(Command.SET_FUND_ALLOCATION, actor)

    async def attempt() -> str:
        async with uow_factory() as uow:
            ledgers, ledger = await lock_ledger(uow, command.project_id)
            application = await ledgers.application(command.project_id)
            jurisdiction = await ledgers.jurisdiction_of(command.project_id)
            if jurisdiction is None:
                raise refuse("R-PLN-2", "Finance has not received the project's approval (its jurisdiction) yet",
                             "input", "projectId")
            plans = PlanRepository(uow.session)
            plan = await plans.get(jurisdiction, command.year)
            allocations = (await ledgers.allocations([command.project_id]))[command.project_id]
            now = utc_now()
            allocation, entry = funding.set_allocation(
                application, ledger, allocations, year=command.year, amount=command.amount,
                note=command.progress_note, current_year=budget_year(now),
                plan_status=plan.status.value if plan else None, actor=Actor.of(actor), now=now)
            await ledgers.save_allocation(allocation, exists=command.year in allocations, now=now)
            await write_ledger(uow, ledgers, ledger, [entry])
            line = plan.line(command.project_id) if plan else None
            if plan is not None and (line.amount if line else 0) != allocation.amount:
                updated, plan_entry = sfp.refresh_line(plan, command.project_id, allocation.amount,
                                                       actor=Actor.of(actor), now=now)
                await _save_plan(uow, plans, plan, updated, plan_entry)
            await uow.commit()
            return command.project_id

    return await retrying(attempt)


async def draft_special_fund_plan(uow_factory: UowFactory, jurisdiction: str, year: int,
                                  actor: Identity) -> sfp.SpecialFundPlan:
    """R-PLN-2: Finance drafts the plan from the year's allocations of the jurisdiction's projects."""
    authorize(Command.DRAFT_SPECIAL_FUND_PLAN, actor)

    async def attempt() -> sfp.SpecialFundPlan:
        async with uow_factory() as uow:
            plans = PlanRepository(uow.session)
            plan = await plans.get(jurisdiction, year)
            lines = [sfp.PlanLine(project_id, amount)
                     for project_id, amount in await LedgerRepository(uow.session).allocations_in(jurisdiction, year)]
            now = utc_now()
            updated, entry = sfp.draft(plan, lines, plan_id=str(uuid.uuid4()), jurisdiction=jurisdiction, year=year,
                                       current_year=budget_year(now), actor=Actor.of(actor), now=now)
            updated = await _save_plan(uow, plans, plan, updated, entry)
            await uow.commit()
            return updated

    return await retrying(attempt)


async def _decide_plan(uow_factory: UowFactory, jurisdiction: str, year: int, decide, *, announce: bool = False):
    async def attempt() -> sfp.SpecialFundPlan:
        async with uow_factory() as uow:
            plans = PlanRepository(uow.session)
            plan = await plans.get(jurisdiction, year)
            if plan is None:
                raise refuse("NOT_FOUND", f"there is no special-fund plan of {jurisdiction} for {year}; Finance "
                             f"drafts it first", "year")
            updated, entry = decide(plan, utc_now())
            updated = await _save_plan(uow, plans, plan, updated, entry)
            if announce and updated.status is sfp.PlanStatus.APPROVED:
                await uow.emit(SpecialFundPlanApproved(
                    plan_id=updated.id, jurisdiction=jurisdiction, year=year, total=updated.total,
                    lines=[SpecialFundPlanLine(project_id=line.project_id, amount=line.amount)
                           for line in updated.lines], approved_at=updated.decided_at),
                    subject=f"special-fund-plan:{jurisdiction}:{year}")  # the plan's events stay in order
            await uow.commit()
            return updated

    return await retrying(attempt)


async def sign_special_fund_plan(uow_factory: UowFactory, jurisdiction: str, year: int,
                                 actor: Identity) -> sfp.SpecialFundPlan:
    """R-PLN-2: Finance and the Approval Bureau each sign the drafted plan, for their own department."""
    authorize(Command.SIGN_SPECIAL_FUND_PLAN, actor)
    return await _decide_plan(uow_factory, jurisdiction, year, lambda plan, now: sfp.sign(
        plan, department=actor.department.value, actor=Actor.of(actor), now=now))


async def review_special_fund_plan(uow_factory: UowFactory, jurisdiction: str, year: int, *, approve: bool,
                                   reason: str | None, actor: Identity) -> sfp.SpecialFundPlan:
    """R-PLN-2: the Leading Group approves the co-signed plan, or returns it with its reasons."""
    authorize(Command.REVIEW_SPECIAL_FUND_PLAN, actor)
    return await _decide_plan(uow_factory, jurisdiction, year, lambda plan, now: sfp.review(
        plan, approve=approve, reason=reason, actor=Actor.of(actor), now=now), announce=True)
