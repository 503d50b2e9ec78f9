"""The project's ledger and yearly allocations: the only place that knows their tables' shape.

`lock` is how every money decision starts: it takes the ledger row's write lock (an UPDATE, which PostgreSQL
holds as a row lock until commit, like SELECT ... FOR UPDATE) and reads the row in the same statement. On SQLite
the same UPDATE takes the database's single write lock before anything is read, so there too decisions on a
project's money happen one after another on current figures.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.adapters.money_tables import allocations, ledgers
from services.finance.adapters.orm import budget_reviews, projects, review_yearly_plan
from services.finance.domain.funding import Allocation, FundApplication, Ledger


# The ledger lock, built once (every money decision runs it first).
LOCK = (update(ledgers).where(ledgers.c.project_id == bindparam("pid")).values(version=ledgers.c.version + 1)
        .returning(*ledgers.c))


def _ledger(row) -> Ledger:
    return Ledger(project_id=row["project_id"], approved_budget=row["approved_budget"],
                  reductions=row["reductions"], paid=row["paid"], recovery_ordered=row["recovery_ordered"],
                  payments_stopped=bool(row["payments_stopped"]), version=row["version"])


def _allocation(row) -> Allocation:
    return Allocation(row["project_id"], row["year"], row["amount"], row["paid"], row["om_paid"], row["note"])


class LedgerRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def create(self, project_id: str, approved_budget: int | None = None) -> None:
        await self.session.execute(insert(ledgers).values(project_id=project_id, approved_budget=approved_budget))

    async def lock(self, project_id: str) -> Ledger | None:
        row = (await self.session.execute(LOCK, {"pid": project_id})).mappings().first()
        return _ledger(row) if row is not None else None

    async def save(self, ledger: Ledger) -> None:
        """Write a ledger this transaction holds locked."""
        await self.session.execute(update(ledgers).where(ledgers.c.project_id == ledger.project_id).values(
            approved_budget=ledger.approved_budget, reductions=ledger.reductions, paid=ledger.paid,
            recovery_ordered=ledger.recovery_ordered, payments_stopped=ledger.payments_stopped))

    async def get_many(self, project_ids: Sequence[str]) -> dict[str, Ledger]:
        if not project_ids:
            return {}
        rows = (await self.session.execute(select(ledgers).where(ledgers.c.project_id.in_(list(project_ids))))
                ).mappings().all()
        return {row["project_id"]: _ledger(row) for row in rows}

    async def application(self, project_id: str) -> FundApplication | None:
        return (await self.applications([project_id])).get(project_id)

    async def applications(self, project_ids: Sequence[str]) -> dict[str, FundApplication]:
        """The one funding application (一次申请): the report's budget and the opinion's yearly plan."""
        if not project_ids:
            return {}
        rows = (await self.session.execute(
            select(budget_reviews.c.id, budget_reviews.c.project_id, budget_reviews.c.cross_year,
                   budget_reviews.c.approved_budget).where(budget_reviews.c.project_id.in_(list(project_ids)))
        )).mappings().all()
        years: dict[str, list[tuple[int, int]]] = {row["id"]: [] for row in rows}
        if rows:
            for case_id, year, amount in (await self.session.execute(
                    select(review_yearly_plan.c.case_id, review_yearly_plan.c.year, review_yearly_plan.c.amount)
                    .where(review_yearly_plan.c.case_id.in_(list(years))).order_by(review_yearly_plan.c.year))):
                years[case_id].append((year, amount))
        return {row["project_id"]: FundApplication(row["project_id"], row["approved_budget"], bool(row["cross_year"]),
                                                   tuple(years[row["id"]])) for row in rows}

    async def jurisdiction_of(self, project_id: str) -> str | None:
        return (await self.jurisdictions([project_id])).get(project_id)

    async def jurisdictions(self, project_ids: Sequence[str]) -> dict[str, str]:
        if not project_ids:
            return {}
        rows = await self.session.execute(select(projects.c.id, projects.c.jurisdiction)
                                          .where(projects.c.id.in_(list(project_ids))))
        return dict(rows.all())

    async def allocations(self, project_ids: Sequence[str]) -> dict[str, dict[int, Allocation]]:
        found: dict[str, dict[int, Allocation]] = {project_id: {} for project_id in project_ids}
        if project_ids:
            rows = (await self.session.execute(select(allocations).where(
                allocations.c.project_id.in_(list(project_ids))).order_by(allocations.c.year))).mappings().all()
            for row in rows:
                found[row["project_id"]][row["year"]] = _allocation(row)
        return found

    async def allocation(self, project_id: str, year: int) -> Allocation | None:
        row = (await self.session.execute(select(allocations).where(
            allocations.c.project_id == project_id, allocations.c.year == year))).mappings().first()
        return _allocation(row) if row is not None else None

    async def save_allocation(self, allocation: Allocation, *, exists: bool, now: datetime) -> None:
        values = dict(amount=allocation.amount, paid=allocation.paid, om_paid=allocation.om_paid,
                      note=allocation.note, updated_at=now)
        where = and_(allocations.c.project_id == allocation.project_id, allocations.c.year == allocation.year)
        if allocation.amount == 0 and allocation.paid == 0:  # withdrawn, or never there
            if exists:
                await self.session.execute(delete(allocations).where(where))
        elif exists:
            await self.session.execute(update(allocations).where(where).values(**values))
        else:
            await self.session.execute(insert(allocations).values(project_id=allocation.project_id,
                                                                  year=allocation.year, **values))

    async def record_paid(self, allocation: Allocation) -> None:
        await self.session.execute(update(allocations).where(
            allocations.c.project_id == allocation.project_id, allocations.c.year == allocation.year)
            .values(paid=allocation.paid, om_paid=allocation.om_paid))

    async def allocations_in(self, jurisdiction: str, year: int) -> list[tuple[str, int]]:
        """The year's allocations of the jurisdiction's projects: the special-fund plan's lines."""
        rows = (await self.session.execute(
            select(allocations.c.project_id, allocations.c.amount)
            .join(projects, projects.c.id == allocations.c.project_id)
            .where(projects.c.jurisdiction == jurisdiction, allocations.c.year == year, allocations.c.amount > 0)
            .order_by(allocations.c.project_id))).all()
        return [(project_id, amount) for project_id, amount in rows]

