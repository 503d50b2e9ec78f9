"""Reading what waits on the caller (`myWork`) from the approval tables: three statements whatever the number of
projects (the candidate projects, their trail entries of the waiting actions, the plans under decision)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.approval.adapters.orm import construction_plans, projects, trail
from services.approval.adapters.repository import PROJECT, _history_entry, visible_to, _in_unit
from services.approval.domain import work
from services.approval.domain.model import HistoryEntry, Project
from services.approval.domain.plan_records import PlanVersion
from shared.auth import Identity
from shared.trail_store import entry_from_row
from shared.visibility import APPLICANTS
from shared.work import Work


async def approval_work(session: AsyncSession, identity: Identity, _now: datetime) -> list[Work]:
    statuses = work.candidate_statuses(identity)
    found: list[Project] = []
    entries: dict[str, list[HistoryEntry]] = {}
    if statuses:
        where = and_(visible_to(identity), projects.c.status.in_([s.value for s in statuses]))
        if identity.department in APPLICANTS:
            where = and_(where, _in_unit(identity.unit))
        rows = await session.execute(select(projects.c.record).where(where))
        found = [Project.model_validate(row.record) for row in rows]
        if found:
            table = trail.entries
            candidates = select(projects.c.id).where(where).scalar_subquery()
            query = (select(table).where(table.c.subject_type == PROJECT, table.c.action.in_(work.ACTIONS),
                                         table.c.subject_id.in_(candidates)).order_by(table.c.seq))
            for row in (await session.execute(query)).mappings():
                entries.setdefault(row["subject_id"], []).append(_history_entry(entry_from_row(row).decision()))
    plans: list[PlanVersion] = []
    plan_statuses = work.plan_statuses(identity)
    if plan_statuses:
        rows = await session.execute(select(construction_plans.c.record).where(
            construction_plans.c.status.in_([s.value for s in plan_statuses])))
        plans = [PlanVersion.model_validate(row.record) for row in rows]
    return work.approval_work(identity, found, entries, plans)


async def titles(session: AsyncSession, identity: Identity, project_ids: list[str]) -> dict[str, str]:
    """The names of the projects the caller may see, for work another service listed without one."""
    if not project_ids:
        return {}
    rows = await session.execute(select(projects.c.id, projects.c.name).where(
        projects.c.id.in_(project_ids), visible_to(identity)))
    return {row.id: row.name for row in rows}
