"""Loading and saving the annual plans and their frozen populations; reading the register for a new population.
The only place that knows these tables' shape. Updates are optimistic (version check)."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.audit.adapters.orm import plans, population, register_entries
from services.audit.domain.plan import AuditPlan, PlanStatus, PopulationMember, PopulationRole, RegisterFacts
from services.audit.domain.sampling.commitment import Commitment
from shared.clock import as_utc

CHUNK = 1000  # bound the parameters of one statement (SQLite and asyncpg both cap them)


class ConcurrentUpdate(Exception):
    """Somebody else changed the row between our read and our write."""


def _utc(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None


def plan_from_row(row) -> AuditPlan:
    return AuditPlan(id=row["id"], commitment=Commitment.from_json(row["commitment"]),
                     status=PlanStatus(row["status"]), committed_at=as_utc(row["committed_at"]), seed=row["seed"],
                     randomness_source=row["randomness_source"], drawn_at=_utc(row["drawn_at"]),
                     selection_digest=row["selection_digest"], selected_count=row["selected_count"],
                     selected_amount=row["selected_amount"], version=row["version"])


def member_from_row(row) -> PopulationMember:
    return PopulationMember(plan_id=row["plan_id"], project_id=row["project_id"], code=row["code"],
                            unit_id=row["unit_id"], unit_path=tuple(row["unit_path"]), kind=row["kind"],
                            classified=row["classified"], amount=row["amount"], role=PopulationRole(row["role"]),
                            in_plan=row["in_plan"])


def _chunks(values: Sequence[str]):
    for start in range(0, len(values), CHUNK):
        yield list(values[start:start + CHUNK])


class PlanRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def get(self, plan_id: str) -> AuditPlan | None:
        row = (await self.session.execute(select(plans).where(plans.c.id == plan_id))).mappings().first()
        return plan_from_row(row) if row else None

    async def plan_for(self, jurisdiction: str, year: int) -> AuditPlan | None:
        row = (await self.session.execute(select(plans).where(
            plans.c.jurisdiction == jurisdiction, plans.c.year == year))).mappings().first()
        return plan_from_row(row) if row else None

    async def plans_by_ids(self, plan_ids: Sequence[str]) -> dict[str, AuditPlan]:
        rows = (await self.session.execute(select(plans).where(plans.c.id.in_(list(plan_ids))))).mappings().all()
        return {row["id"]: plan_from_row(row) for row in rows}

    async def list(self, jurisdiction: str | None, year: int | None, limit: int) -> list[AuditPlan]:
        query = select(plans).order_by(plans.c.year.desc(), plans.c.jurisdiction).limit(limit)
        if jurisdiction is not None:
            query = query.where(plans.c.jurisdiction == jurisdiction)
        if year is not None:
            query = query.where(plans.c.year == year)
        return [plan_from_row(row) for row in (await self.session.execute(query)).mappings().all()]

    async def unplanned_population(self, jurisdiction: str, accepted_before: datetime) -> list[RegisterFacts]:
        """Accepted projects of the jurisdiction (R-AUD-3), accepted before the instant, in no plan yet."""
        planned = select(population.c.project_id)
        rows = (await self.session.execute(select(register_entries).where(
            register_entries.c.jurisdiction == jurisdiction, register_entries.c.accepted_at.is_not(None),
            register_entries.c.accepted_at < accepted_before, register_entries.c.project_id.not_in(planned))
            .order_by(register_entries.c.project_id))).mappings().all()
        return [RegisterFacts(project_id=row["project_id"], code=row["code"], unit_id=row["unit_id"],
                              unit_path=tuple(row["unit_path"]), kind=row["kind"], investment=row["investment"],
                              classified=row["classified"]) for row in rows]

    async def add(self, plan: AuditPlan, members: Sequence[PopulationMember]) -> None:
        await self.session.execute(insert(plans).values(
            id=plan.id, jurisdiction=plan.jurisdiction, year=plan.year, status=plan.status.value,
            commitment=plan.commitment.to_json(), commitment_digest=plan.commitment.digest,
            committed_at=plan.committed_at, version=plan.version))
        rows = [dict(plan_id=m.plan_id, project_id=m.project_id, code=m.code, unit_id=m.unit_id,
                     unit_path=list(m.unit_path), kind=m.kind, classified=m.classified, amount=m.amount,
                     role=m.role.value, in_plan=m.in_plan) for m in members]
        for start in range(0, len(rows), CHUNK):
            await self.session.execute(insert(population), rows[start:start + CHUNK])

    async def save_drawn(self, before: AuditPlan, after: AuditPlan, selected_ids: Sequence[str]) -> None:
        result = await self.session.execute(update(plans).where(
            plans.c.id == after.id, plans.c.version == before.version).values(
            status=after.status.value, seed=after.seed, randomness_source=after.randomness_source,
            drawn_at=after.drawn_at, selection_digest=after.selection_digest, selected_count=after.selected_count,
            selected_amount=after.selected_amount, version=after.version))
        if result.rowcount != 1:
            raise ConcurrentUpdate(after.id)
        frame_of_plan = and_(population.c.plan_id == after.id, population.c.role == PopulationRole.FRAME.value)
        await self.session.execute(update(population).where(frame_of_plan).values(in_plan=False))
        for chunk in _chunks(sorted(selected_ids)):
            await self.session.execute(update(population).where(
                frame_of_plan, population.c.project_id.in_(chunk)).values(in_plan=True))

    async def members(self, plan_id: str) -> list[PopulationMember]:
        rows = (await self.session.execute(select(population).where(population.c.plan_id == plan_id)
                                           .order_by(population.c.project_id))).mappings().all()
        return [member_from_row(row) for row in rows]

    async def members_of_projects(self, project_ids: Sequence[str]) -> dict[str, PopulationMember]:
        found: dict[str, PopulationMember] = {}
        for chunk in _chunks(list(project_ids)):
            rows = (await self.session.execute(select(population).where(
                population.c.project_id.in_(chunk)))).mappings().all()
            found.update({row["project_id"]: member_from_row(row) for row in rows})
        return found
