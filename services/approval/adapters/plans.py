"""Loading and saving construction-plan versions and their decision history: the only place that knows those
tables' shape."""
from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.approval.adapters.orm import construction_plan_history, construction_plans
from services.approval.adapters.repository import ConcurrentUpdate
from services.approval.domain.construction_plan import PlanDecision, PlanVersion
from services.approval.domain.plan_lifecycle import PlanStatus
from shared.clock import as_utc

MAX_PLANS_LISTED = 200


class PlanRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def versions(self, jurisdiction: str, year: int, *, lock: bool = False) -> list[PlanVersion]:
        """Every version of the jurisdiction's plan for the year, oldest first."""
        query = (select(construction_plans.c.record)
                 .where(construction_plans.c.jurisdiction == jurisdiction, construction_plans.c.year == year)
                 .order_by(construction_plans.c.number))
        rows = await self.session.execute(query.with_for_update() if lock else query)
        return [PlanVersion.model_validate(row.record) for row in rows]

    async def in_force(self, jurisdiction: str, year: int) -> PlanVersion | None:
        """The approved version in force: the latest approved one."""
        row = (await self.session.execute(
            select(construction_plans.c.record)
            .where(construction_plans.c.jurisdiction == jurisdiction, construction_plans.c.year == year,
                   construction_plans.c.status == PlanStatus.APPROVED.value)
            .order_by(construction_plans.c.number.desc()).limit(1))).first()
        return PlanVersion.model_validate(row.record) if row else None

    async def plans(self, *, jurisdiction: str | None, year: int | None) -> list[list[PlanVersion]]:
        """Plans (each its versions, oldest first) by year and jurisdiction, at most MAX_PLANS_LISTED."""
        keys = select(construction_plans.c.jurisdiction, construction_plans.c.year).distinct()
        if jurisdiction is not None:
            keys = keys.where(construction_plans.c.jurisdiction == jurisdiction)
        if year is not None:
            keys = keys.where(construction_plans.c.year == year)
        keys = keys.order_by(construction_plans.c.year, construction_plans.c.jurisdiction).limit(MAX_PLANS_LISTED)
        return [await self.versions(row.jurisdiction, row.year) for row in await self.session.execute(keys)]

    async def save(self, before: PlanVersion | None, after: PlanVersion, entry: PlanDecision) -> None:
        """Write a new version, or the changed one if nobody saved it since `before` was read; then its history line.
        A version number taken meanwhile by someone else is a concurrent update too."""
        record = after.model_dump(mode="json")
        if before is None or before.id != after.id:
            try:  # the transaction is lost with the error: the caller decides again in a new one
                await self.session.execute(insert(construction_plans).values(
                    id=after.id, jurisdiction=after.jurisdiction, year=after.year, number=after.number,
                    status=after.status.value, revision=after.revision, record=record))
            except IntegrityError as error:
                raise ConcurrentUpdate(after.id) from error
        else:
            result = await self.session.execute(
                update(construction_plans)
                .where(construction_plans.c.id == after.id, construction_plans.c.revision == before.revision)
                .values(status=after.status.value, revision=after.revision, record=record))
            if result.rowcount != 1:
                raise ConcurrentUpdate(after.id)
        await self.session.execute(insert(construction_plan_history).values(
            plan_version_id=after.id, at=entry.at, action=entry.action, version=entry.version,
            from_status=entry.from_status.value if entry.from_status else None, to_status=entry.to_status.value,
            department=entry.department, unit=entry.unit, subject=entry.subject, reasons=list(entry.reasons),
            detail=entry.detail, project_id=entry.project_id))

    async def history_of(self, version_ids: list[str]) -> dict[str, list[PlanDecision]]:
        found: dict[str, list[PlanDecision]] = {version_id: [] for version_id in version_ids}
        if not version_ids:
            return found
        rows = (await self.session.execute(
            select(construction_plan_history).where(construction_plan_history.c.plan_version_id.in_(version_ids))
            .order_by(construction_plan_history.c.id))).mappings().all()
        for r in rows:
            found[r["plan_version_id"]].append(PlanDecision(
                at=as_utc(r["at"]), action=r["action"], version=r["version"],
                from_status=PlanStatus(r["from_status"]) if r["from_status"] else None,
                to_status=PlanStatus(r["to_status"]), department=r["department"], unit=r["unit"],
                subject=r["subject"], reasons=tuple(r["reasons"]), detail=r["detail"], project_id=r["project_id"]))
        return found
