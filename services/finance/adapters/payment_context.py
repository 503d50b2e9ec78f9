"""Everything a payment decision reads, in one statement once the ledger is locked: the payment already made
under the request's key, the project's contract and operation facts, the year's allocation, and the approved
special-fund plan's line for the project. A payment is the hot path (R-FIN-1): every round trip here is time the
project's ledger stays locked."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.adapters.facts import FactsRepository
from services.finance.adapters.money_records import payment_from_row
from services.finance.adapters.money_tables import (
    allocations,
    ledgers,
    payments,
    plan_lines,
    plans,
    project_facts,
)
from services.finance.adapters.orm import projects
from services.finance.domain.disbursement import Payment
from services.finance.domain.funding import Allocation
from services.finance.domain.project_facts import ContractFacts, OperationFacts, ProjectFacts
from services.finance.domain.special_fund_plan import PlanLine, PlanStatus, SpecialFundPlan


@dataclass(frozen=True)
class PaymentFacts:
    existing: Payment | None
    facts: ProjectFacts
    allocation: Allocation | None
    plan: SpecialFundPlan | None  # the year's plan of the project's jurisdiction, with this project's line only


def _query():
    """Built once: the payment path runs it for every request (binds: project_id, year, key)."""
    plan_line = plan_lines.alias("line")
    year = bindparam("year")
    return (
        select(projects.c.jurisdiction, project_facts.c.contract_id, project_facts.c.contract_sum,
               project_facts.c.contract_signed_on, project_facts.c.operation_started_on, project_facts.c.om_years,
               project_facts.c.om_annual_funding, project_facts.c.operating_organisation,
               allocations.c.amount.label("a_amount"), allocations.c.paid.label("a_paid"),
               allocations.c.om_paid.label("a_om_paid"), allocations.c.note.label("a_note"),
               plans.c.id.label("plan_id"), plans.c.status.label("plan_status"),
               plan_line.c.amount.label("line_amount"),
               *[column.label(f"p_{column.name}") for column in payments.c])
        .select_from(ledgers)
        .outerjoin(projects, projects.c.id == ledgers.c.project_id)
        .outerjoin(project_facts, project_facts.c.project_id == ledgers.c.project_id)
        .outerjoin(allocations, and_(allocations.c.project_id == ledgers.c.project_id, allocations.c.year == year))
        .outerjoin(plans, and_(plans.c.jurisdiction == projects.c.jurisdiction, plans.c.year == year))
        .outerjoin(plan_line, and_(plan_line.c.plan_id == plans.c.id, plan_line.c.project_id == ledgers.c.project_id))
        .outerjoin(payments, payments.c.idempotency_key == bindparam("key"))
        .where(ledgers.c.project_id == bindparam("project_id"))
    )


QUERY = _query()


async def read(session: AsyncSession, project_id: str, year: int, key: str, *,
               with_performance: bool) -> PaymentFacts:
    row = (await session.execute(QUERY, {"project_id": project_id, "year": year, "key": key})).mappings().one()
    existing = None
    if row["p_id"] is not None:
        existing = payment_from_row({name[2:]: row[name] for name in row.keys() if name.startswith("p_")})
    contract = operation = None
    if row["contract_id"] is not None:
        contract = ContractFacts(row["contract_id"], row["contract_sum"], row["contract_signed_on"])
    if row["operation_started_on"] is not None:
        operation = OperationFacts(row["operation_started_on"], row["om_years"], row["om_annual_funding"],
                                   row["operating_organisation"])
    performance = (await FactsRepository(session).get(project_id)).performance if with_performance else ()
    allocation = None
    if row["a_amount"] is not None:
        allocation = Allocation(project_id, year, row["a_amount"], row["a_paid"], row["a_om_paid"], row["a_note"])
    plan = None
    if row["plan_id"] is not None:
        lines = (PlanLine(project_id, row["line_amount"]),) if row["line_amount"] is not None else ()
        plan = SpecialFundPlan(id=row["plan_id"], jurisdiction=row["jurisdiction"], year=year,
                               status=PlanStatus(row["plan_status"]), lines=lines)
    return PaymentFacts(existing, ProjectFacts(project_id, contract, None, operation, tuple(performance)), allocation,
                        plan)
