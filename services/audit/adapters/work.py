"""Reading what waits on the Audit Bureau (`myWork`) from the audit tables: four statements whatever the number of
projects."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.audit.adapters.orm import engagements, findings, plans, population, register_entries as entries
from services.audit.domain import work
from services.audit.domain.engagement import EngagementStatus
from services.audit.domain.plan import PlanStatus, PopulationRole
from shared.auth import Identity
from shared.clock import as_utc
from shared.work import ProjectRef, Work


def _at(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None


def _project(row) -> ProjectRef:
    return ProjectRef(row["project_id"], row["code"], row["jurisdiction"], tuple(row["unit_path"] or ()),
                           bool(row["classified"]))


async def audit_work(session: AsyncSession, identity: Identity, _now: datetime) -> list[Work]:
    if not work.acts(identity):
        return []
    found: list[Work] = []
    in_population = exists().where(population.c.project_id == entries.c.project_id)
    for jurisdiction, first in (await session.execute(
            select(entries.c.jurisdiction, func.min(entries.c.accepted_at))
            .where(entries.c.accepted_at.is_not(None), ~in_population).group_by(entries.c.jurisdiction))).all():
        found += work.unplanned_work(identity, jurisdiction, as_utc(first))
    for row in (await session.execute(select(plans.c.jurisdiction, plans.c.year, plans.c.committed_at)
                                      .where(plans.c.status == PlanStatus.COMMITTED.value))).mappings():
        found += work.draw_work(identity, row["jurisdiction"], row["year"], as_utc(row["committed_at"]))
    engaged = exists().where(engagements.c.project_id == population.c.project_id)
    query = (select(population.c.project_id, population.c.code, population.c.unit_path, population.c.role,
                    entries.c.jurisdiction, entries.c.classified, plans.c.committed_at, plans.c.drawn_at)
             .join(plans, plans.c.id == population.c.plan_id)
             .join(entries, entries.c.project_id == population.c.project_id)
             .where(population.c.in_plan.is_(True), ~engaged))
    for row in (await session.execute(query)).mappings():
        frame = row["role"] == PopulationRole.FRAME.value
        since = _at(row["drawn_at"]) if frame and row["drawn_at"] else as_utc(row["committed_at"])
        found += work.engagement_to_open(identity, _project(row), since)
    last_finding = (select(findings.c.engagement_id, func.max(findings.c.published_at).label("last"))
                    .group_by(findings.c.engagement_id).subquery())
    query = (select(engagements.c.project_id, engagements.c.status, engagements.c.opened_at,
                    engagements.c.fieldwork_started_at, engagements.c.unit_path, entries.c.classified,
                    entries.c.code, entries.c.jurisdiction, last_finding.c.last)
             .join(entries, entries.c.project_id == engagements.c.project_id)
             .outerjoin(last_finding, last_finding.c.engagement_id == engagements.c.id)
             .where(engagements.c.status != EngagementStatus.CLOSED.value))
    for row in (await session.execute(query)).mappings():
        found += work.engagement_work(identity, _project(row), row["status"], as_utc(row["opened_at"]),
                                      _at(row["fieldwork_started_at"]), _at(row["last"]))
    return found
