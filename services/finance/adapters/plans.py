"""Loading and saving special-fund annual plans (R-PLN-2) with their lines and signatures."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.adapters.money_tables import plan_lines, plans
from services.finance.adapters.repository import ConcurrentUpdate
from services.finance.domain.history import Actor
from services.finance.domain.special_fund_plan import PlanLine, PlanStatus, Signature, SpecialFundPlan
from shared.clock import as_utc


def _utc(value):
    return as_utc(value) if value is not None else None


def _signatures(plan: SpecialFundPlan) -> list[dict]:
    return [{"department": s.department, "at": s.at.isoformat(),
             "actor": {"department": s.actor.department, "unit": s.actor.unit, "subject": s.actor.subject}}
            for s in plan.signatures]


def _plan(row, lines) -> SpecialFundPlan:
    signatures = tuple(Signature(s["department"], Actor(**s["actor"]), datetime.fromisoformat(s["at"]))
                       for s in row["signatures"])
    return SpecialFundPlan(
        id=row["id"], jurisdiction=row["jurisdiction"], year=row["year"], status=PlanStatus(row["status"]),
        lines=tuple(lines), signatures=signatures, drafted_at=_utc(row["drafted_at"]),
        submitted_at=_utc(row["submitted_at"]), decided_at=_utc(row["decided_at"]),
        return_reason=row["return_reason"], version=row["version"])


class PlanRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def get(self, jurisdiction: str, year: int) -> SpecialFundPlan | None:
        found = await self.list(jurisdiction=jurisdiction, year=year)
        return found[0] if found else None

    async def list(self, *, jurisdiction: str | None = None, year: int | None = None,
                   limit: int = 200) -> list[SpecialFundPlan]:
        query = select(plans).order_by(plans.c.year, plans.c.jurisdiction).limit(limit)
        if jurisdiction is not None:
            query = query.where(plans.c.jurisdiction == jurisdiction)
        if year is not None:
            query = query.where(plans.c.year == year)
        rows = (await self.session.execute(query)).mappings().all()
        lines: dict[str, list[PlanLine]] = {row["id"]: [] for row in rows}
        if rows:
            for line in (await self.session.execute(select(plan_lines).where(
                    plan_lines.c.plan_id.in_(list(lines))).order_by(plan_lines.c.project_id))).mappings():
                lines[line["plan_id"]].append(PlanLine(line["project_id"], line["amount"]))
        return [_plan(row, lines[row["id"]]) for row in rows]

    async def add(self, plan: SpecialFundPlan) -> None:
        await self.session.execute(insert(plans).values(id=plan.id, jurisdiction=plan.jurisdiction, year=plan.year,
                                                        **self._values(plan)))
        await self._save_lines(plan)

    async def save(self, before: SpecialFundPlan, after: SpecialFundPlan) -> None:
        """Write the new state if nobody saved the plan since `before` was read."""
        result = await self.session.execute(update(plans).where(plans.c.id == after.id,
                                                                plans.c.version == before.version)
                                            .values(**self._values(after)))
        if result.rowcount != 1:
            raise ConcurrentUpdate(after.id)
        if after.lines != before.lines:
            await self.session.execute(delete(plan_lines).where(plan_lines.c.plan_id == after.id))
            await self._save_lines(after)

    async def _save_lines(self, plan: SpecialFundPlan) -> None:
        if plan.lines:
            await self.session.execute(insert(plan_lines), [
                {"plan_id": plan.id, "project_id": line.project_id, "amount": line.amount} for line in plan.lines])

    @staticmethod
    def _values(plan: SpecialFundPlan) -> dict:
        return dict(status=plan.status.value, drafted_at=plan.drafted_at, submitted_at=plan.submitted_at,
                    decided_at=plan.decided_at, return_reason=plan.return_reason, signatures=_signatures(plan),
                    version=plan.version)
