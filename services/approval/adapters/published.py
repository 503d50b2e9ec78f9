"""Reading the published projects (R-PUB-1) for the public: lists, counts and one project, in SQL.

Publication is decided in the WHERE clause of every query, never by filtering rows after reading them: a
classified or withheld project is not read at all, so asking for its id takes the same path as asking for an id
that does not exist (one index lookup that finds nothing), and no count, page or cursor can include it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, func, select

from services.approval.adapters.orm import projects
from services.approval.adapters.repository import ProjectRepository, _in_unit
from services.approval.domain.lifecycle import ProjectStatus
from services.approval.domain.model import HistoryEntry, Project
from services.approval.domain.publicity import PUBLIC_HISTORY_ACTIONS, PUBLISHED_STATUSES, PublishedView, published_view


@dataclass(frozen=True)
class PublishedFilter:
    jurisdiction: str | None = None
    year: int | None = None
    statuses: tuple[ProjectStatus, ...] = ()
    kinds: tuple[str, ...] = ()
    unit: str | None = None  # the unit and its subordinate units
    name_contains: str | None = None


def published():
    """R-PUB-1 in SQL: approved onwards, not classified (R-SEC-2), not withheld. Same as publicity.is_published."""
    return and_(projects.c.status.in_([s.value for s in PUBLISHED_STATUSES]), projects.c.classified.is_(False),
                projects.c.withheld.is_(False))


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(criteria: PublishedFilter) -> list:
    conditions = [published()]
    if criteria.jurisdiction:
        conditions.append(projects.c.jurisdiction == criteria.jurisdiction)
    if criteria.year is not None:
        conditions.append(projects.c.year == criteria.year)
    if criteria.statuses:
        conditions.append(projects.c.status.in_([s.value for s in criteria.statuses]))
    if criteria.kinds:
        conditions.append(projects.c.kind.in_(criteria.kinds))
    if criteria.unit:
        conditions.append(_in_unit(criteria.unit))
    if criteria.name_contains and criteria.name_contains.strip():
        conditions.append(projects.c.name.ilike(_like_pattern(criteria.name_contains.strip()), escape="\\"))
    return conditions


class PublishedProjects:
    def __init__(self, session):
        self.session = session

    async def find(self, criteria: PublishedFilter, *, limit: int,
                   after_code: str | None) -> tuple[list[PublishedView], int]:
        """A page of the published projects matching the filter, in project-code order, and their total."""
        where = and_(*_conditions(criteria))
        total = (await self.session.execute(select(func.count()).select_from(projects).where(where))).scalar_one()
        page = select(projects.c.record, projects.c.year).where(where).order_by(projects.c.code).limit(limit)
        if after_code is not None:
            page = page.where(projects.c.code > after_code)
        return await self._views((await self.session.execute(page)).all()), total

    async def get_many(self, ids: Sequence[str]) -> dict[str, PublishedView]:
        if not ids:
            return {}
        rows = (await self.session.execute(select(projects.c.record, projects.c.year).where(
            projects.c.id.in_(list(ids)), published()))).all()
        return {view.id: view for view in await self._views(rows)}

    async def _views(self, rows) -> list[PublishedView]:
        found = [(Project.model_validate(row.record), row.year) for row in rows]
        lines = await self._public_history([p.id for p, _ in found])
        return [published_view(p, lines.get(p.id, []), year=year) for p, year in found]

    async def _public_history(self, project_ids: list[str]) -> dict[str, list[HistoryEntry]]:
        """The history lines the public view is built from (milestones and change decisions), oldest first, without
        who in the unit decided nor the reasons given."""
        found = await ProjectRepository(self.session).histories(project_ids, actions=PUBLIC_HISTORY_ACTIONS)
        return {project_id: [line.model_copy(update={"unit": None, "reasons": ()}) for line in lines]
                for project_id, lines in found.items() if lines}
