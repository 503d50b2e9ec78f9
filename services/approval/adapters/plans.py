"""Loading and saving construction-plan versions, and their decisions on the service's decision trail: the only
place that knows the plan table's shape."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.approval.adapters.orm import construction_plans, trail
from services.approval.adapters.repository import ConcurrentUpdate, classified_among
from services.approval.domain.construction_plan import PlanDecision, PlanVersion
from services.approval.domain.plan_lifecycle import PlanStatus
from shared.clock import as_utc
from shared.trail import Decision
from shared.trail_store import DecisionTrail

MAX_PLANS_LISTED = 200
CONSTRUCTION_PLAN = "CONSTRUCTION_PLAN"  # what a plan's trail entries are about (a version's id)


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
        chosen = keys.subquery()
        rows = await self.session.execute(
            select(construction_plans.c.jurisdiction, construction_plans.c.year, construction_plans.c.record)
            .join(chosen, (chosen.c.jurisdiction == construction_plans.c.jurisdiction)
                  & (chosen.c.year == construction_plans.c.year))
            .order_by(construction_plans.c.year, construction_plans.c.jurisdiction, construction_plans.c.number))
        found: dict[tuple[str, int], list[PlanVersion]] = {}
        for row in rows:
            found.setdefault((row.jurisdiction, row.year), []).append(PlanVersion.model_validate(row.record))
        return list(found.values())

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
        classified = bool(entry.project_id and await classified_among(self.session, [entry.project_id]))
        await DecisionTrail(trail, self.session).append(Decision(
            at=entry.at, department=entry.department, unit=entry.unit, actor=entry.subject, action=entry.action,
            subject_type=CONSTRUCTION_PLAN, subject_id=after.id, project_id=entry.project_id, rule="R-PLN-1",
            reason="; ".join(entry.reasons) or None, classified=classified,
            details=plan_decision_details(entry)))

    async def history_of(self, version_ids: list[str]) -> dict[str, list[PlanDecision]]:
        """Each version's entries of the decision trail, oldest first."""
        found = await DecisionTrail(trail, self.session).about(CONSTRUCTION_PLAN, version_ids)
        return {version_id: [plan_decision(entry.decision()) for entry in entries]
                for version_id, entries in found.items()}


def plan_decision_details(entry: PlanDecision) -> dict:
    return {"version": entry.version, "from_status": entry.from_status.value if entry.from_status else None,
            "to_status": entry.to_status.value, "reasons": list(entry.reasons), "detail": entry.detail}


def plan_decision(content: dict) -> PlanDecision:
    details = content["details"]
    return PlanDecision(at=as_utc(datetime.fromisoformat(content["at"])), action=content["action"],
                        version=details["version"],
                        from_status=PlanStatus(details["from_status"]) if details["from_status"] else None,
                        to_status=PlanStatus(details["to_status"]), department=content["department"],
                        unit=content["unit"], subject=content["actor"], reasons=tuple(details["reasons"]),
                        detail=details["detail"], project_id=content["project_id"])
