"""Reading Finance's money records for the graph: each function takes a session and project ids and returns the
GraphQL objects by project id (callers have already filtered the ids by visibility)."""
from __future__ import annotations

from collections.abc import Sequence

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.adapters import trail_store
from services.finance.adapters.facts import FactsRepository
from services.finance.adapters.ledgers import LedgerRepository
from services.finance.adapters.money_records import MoneyRecords
from services.finance.adapters.plans import PlanRepository
from services.finance.adapters.repository import BudgetReviewRepository
from services.finance.commands import visible
from services.finance.domain import disbursement, oversight, sanctions, special_fund_plan
from services.finance.domain.project_facts import om_funds
from services.finance.domain.trail import plan_chain, project_chain
from services.finance.graphql import money_types as t
from shared.auth import Identity


def decision(entry, own_hash: str) -> t.MoneyDecision:
    return t.MoneyDecision(at=entry.at, action=entry.action, department=entry.actor.department,
                           unit=entry.actor.unit, actor=entry.actor.subject, detail=dict(entry.detail),
                           reason=entry.reason, entry_hash=own_hash)


def payment(p: disbursement.Payment) -> t.Payment:
    return t.Payment(id=strawberry.ID(p.id), project_id=strawberry.ID(p.project_id), year=p.year, kind=p.kind,
                     tranche=p.tranche, purpose=p.purpose, amount=p.amount, paid_at=p.paid_at,
                     idempotency_key=p.idempotency_key, department=p.actor.department, actor=p.actor.subject)


def sanction(s: sanctions.Sanction) -> t.Sanction:
    return t.Sanction(id=strawberry.ID(s.id), project_id=strawberry.ID(s.project_id), kind=s.kind, amount=s.amount,
                      reason=s.reason, imposed_at=s.imposed_at, finding_id=s.finding_id,
                      spot_check_id=s.spot_check_id, department=s.actor.department, actor=s.actor.subject)


def settlement(s: oversight.SettlementReview) -> t.FinanceSettlementReview:
    return t.FinanceSettlementReview(settlement_amount=s.settlement_amount, note=s.note, reviewed_at=s.reviewed_at)


def reward(r: oversight.Reward) -> t.RewardGrant:
    return t.RewardGrant(amount=r.amount, reason=r.reason, granted_at=r.granted_at)


def spot_check(c: oversight.SpotCheck) -> t.SpotCheck:
    return t.SpotCheck(id=strawberry.ID(c.id), project_id=strawberry.ID(c.project_id),
                       status=t.SpotCheckStatus.OPEN if c.open else t.SpotCheckStatus.CONCLUDED, scope=c.scope,
                       opened_at=c.opened_at, concluded_at=c.concluded_at,
                       irregularities_found=c.irregularities_found, result=c.result)


def finding(f: sanctions.Finding) -> t.FinanceAuditFinding:
    return t.FinanceAuditFinding(finding_id=strawberry.ID(f.finding_id), project_id=strawberry.ID(f.project_id),
                                 engagement_id=f.engagement_id, violation_type=f.violation_type, amount=f.amount,
                                 summary=f.summary, published_at=f.published_at,
                                 requires_sanction=f.requires_sanction)


async def fund_plans(session: AsyncSession, ids: Sequence[str]) -> dict[str, t.FundPlan]:
    ledgers = LedgerRepository(session)
    found_ledgers = await ledgers.get_many(ids)
    allocations = await ledgers.allocations(ids)
    plans = {(p.jurisdiction, p.year): p for year in {y for a in allocations.values() for y in a}
             for p in await PlanRepository(session).list(year=year)}
    applications = await ledgers.applications(list(found_ledgers))
    jurisdictions = await ledgers.jurisdictions(list(found_ledgers))
    result = {}
    for project_id, ledger in found_ledgers.items():
        application = applications.get(project_id)
        jurisdiction = jurisdictions.get(project_id)
        rows = []
        for year, allocation in allocations[project_id].items():
            plan = plans.get((jurisdiction, year))
            approved = special_fund_plan.draws_through(plan, project_id, year) is None
            rows.append(t.FundAllocation(year=year, amount=allocation.amount, paid=allocation.paid,
                                         om_paid=allocation.om_paid, available=allocation.amount - allocation.paid,
                                         progress_note=allocation.note, plan_status=plan.status if plan else None,
                                         in_approved_plan=approved))
        result[project_id] = t.FundPlan(
            project_id=strawberry.ID(project_id), cross_year=bool(application and application.cross_year),
            approved_budget=ledger.approved_budget, effective_budget=ledger.effective_budget,
            yearly_plan=[t.PlannedExpenditure(year=y, amount=a) for y, a in (application.yearly_plan
                                                                             if application else ())],
            allocations=rows, allocated_total=sum(row.amount for row in rows))
    return result


async def balances(session: AsyncSession, ids: Sequence[str]) -> dict[str, t.FinanceBalance]:
    found = await LedgerRepository(session).get_many(ids)
    facts = await FactsRepository(session).get_many(list(found))
    return {project_id: t.FinanceBalance(
        approved_budget=ledger.approved_budget, reductions=ledger.reductions, effective_budget=ledger.effective_budget,
        paid=ledger.paid, remaining=ledger.remaining, recovery_ordered=ledger.recovery_ordered,
        payments_stopped=ledger.payments_stopped, om_funds=om_funds(facts[project_id]))
        for project_id, ledger in found.items()}


async def payments(session: AsyncSession, ids: Sequence[str]) -> dict[str, list[t.Payment]]:
    return {k: [payment(p) for p in v] for k, v in (await MoneyRecords(session).payments_of(ids)).items()}


async def sanctions_of(session: AsyncSession, ids: Sequence[str]) -> dict[str, list[t.Sanction]]:
    return {k: [sanction(s) for s in v] for k, v in (await MoneyRecords(session).sanctions_of(ids)).items()}


async def settlements(session: AsyncSession, ids: Sequence[str]) -> dict[str, t.FinanceSettlementReview | None]:
    return {k: settlement(v) if v else None for k, v in (await MoneyRecords(session).settlements_of(ids)).items()}


async def rewards(session: AsyncSession, ids: Sequence[str]) -> dict[str, t.RewardGrant | None]:
    return {k: reward(v) if v else None for k, v in (await MoneyRecords(session).rewards_of(ids)).items()}


async def spot_checks(session: AsyncSession, ids: Sequence[str]) -> dict[str, list[t.SpotCheck]]:
    return {k: [spot_check(c) for c in v] for k, v in (await MoneyRecords(session).spot_checks_of(ids)).items()}


async def money_trails(session: AsyncSession, ids: Sequence[str]) -> dict[str, list[t.MoneyDecision]]:
    chains = await trail_store.entries_of(session, [project_chain(i) for i in ids])
    return {i: [decision(entry, own) for entry, _previous, own in chains[project_chain(i)]] for i in ids}


async def special_fund_plan_view(session: AsyncSession, plan: special_fund_plan.SpecialFundPlan,
                                 identity: Identity) -> t.SpecialFundPlan:
    """The plan as the caller may see it: a line of a project the caller may not see (R-SEC-2) keeps its amount,
    not its project."""
    cases = await BudgetReviewRepository(session).get_many([line.project_id for line in plan.lines])
    history = (await trail_store.entries_of(session, [plan_chain(plan.jurisdiction, plan.year)]))
    lines = [t.SpecialFundPlanLine(
        project_id=strawberry.ID(line.project_id) if line.project_id in cases and visible(cases[line.project_id],
                                                                                           identity) else None,
        amount=line.amount) for line in plan.lines]
    return t.SpecialFundPlan(
        id=strawberry.ID(plan.id), jurisdiction=plan.jurisdiction, year=plan.year, status=plan.status,
        total=plan.total, lines=lines,
        signatures=[t.PlanSignature(department=s.department, actor=s.actor.subject, signed_at=s.at)
                    for s in plan.signatures],
        drafted_at=plan.drafted_at, submitted_at=plan.submitted_at, decided_at=plan.decided_at,
        return_reason=plan.return_reason,
        history=[decision(entry, own) for entry, _p, own in history[plan_chain(plan.jurisdiction, plan.year)]])
