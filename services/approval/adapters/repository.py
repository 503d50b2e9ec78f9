"""Loading and saving projects: the only place that knows the approval tables' shape."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.approval.adapters.orm import fund_sources, history, projects
from services.approval.domain.lifecycle import ProjectStatus
from services.approval.domain.model import FundSource, HistoryEntry, Project, ProjectKind
from shared.clock import as_utc


class ConcurrentUpdate(Exception):
    """Somebody else changed the project between our read and our write."""


class ProjectRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def next_sequence(self, jurisdiction: str, year: int) -> int:
        found = await self.session.execute(
            select(func.max(projects.c.sequence)).where(projects.c.jurisdiction == jurisdiction,
                                                         projects.c.year == year)
        )
        return (found.scalar() or 0) + 1

    async def add(self, project: Project, *, year: int, sequence: int) -> None:
        await self.session.execute(insert(projects).values(
            id=project.id, code=project.code, jurisdiction=project.jurisdiction, year=year, sequence=sequence,
            name=project.name, kind=project.kind.value, unit_id=project.unit_id, unit_path=list(project.unit_path),
            investment_estimate=project.investment_estimate, declared_classified=project.declared_classified,
            status=project.status.value, created_at=project.created_at, updated_at=project.updated_at,
            version=project.version,
        ))
        await self.session.execute(insert(fund_sources), [
            {"project_id": project.id, "source": source.value, "amount": amount}
            for source, amount in project.fund_sources
        ])
        for entry in project.history:
            await self.add_history(project.id, entry)

    async def save_transition(self, before: Project, after: Project, entry: HistoryEntry) -> None:
        result = await self.session.execute(
            update(projects)
            .where(projects.c.id == after.id, projects.c.version == before.version)
            .values(status=after.status.value, updated_at=after.updated_at, version=after.version)
        )
        if result.rowcount != 1:
            raise ConcurrentUpdate(after.id)
        await self.add_history(after.id, entry)

    async def add_history(self, project_id: str, entry: HistoryEntry) -> None:
        await self.session.execute(insert(history).values(
            project_id=project_id, at=entry.at, action=entry.action,
            from_status=entry.from_status.value if entry.from_status else None, to_status=entry.to_status.value,
            department=entry.department, unit=entry.unit, subject=entry.subject, reasons=list(entry.reasons),
        ))

    async def get(self, project_id: str) -> Project | None:
        found = await self.get_many([project_id])
        return found.get(project_id)

    async def get_many(self, ids: Sequence[str]) -> dict[str, Project]:
        if not ids:
            return {}
        rows = (await self.session.execute(select(projects).where(projects.c.id.in_(list(ids))))).mappings().all()
        return await self._hydrate(rows)

    async def list(self, *, status: ProjectStatus | None, limit: int, after_code: str | None) -> list[Project]:
        query = select(projects).order_by(projects.c.code).limit(limit)
        if status is not None:
            query = query.where(projects.c.status == status.value)
        if after_code is not None:
            query = query.where(projects.c.code > after_code)
        rows = (await self.session.execute(query)).mappings().all()
        found = await self._hydrate(rows)
        return [found[row["id"]] for row in rows]

    async def history_of(self, project_id: str) -> list[HistoryEntry]:
        rows = (await self.session.execute(
            select(history).where(history.c.project_id == project_id).order_by(history.c.id)
        )).mappings().all()
        return [
            HistoryEntry(at=as_utc(r["at"]), action=r["action"],
                         from_status=ProjectStatus(r["from_status"]) if r["from_status"] else None,
                         to_status=ProjectStatus(r["to_status"]), department=r["department"], unit=r["unit"],
                         subject=r["subject"], reasons=tuple(r["reasons"]))
            for r in rows
        ]

    async def _hydrate(self, rows) -> dict[str, Project]:
        ids = [row["id"] for row in rows]
        sources: dict[str, list[tuple[FundSource, int]]] = {i: [] for i in ids}
        if ids:
            for row in (await self.session.execute(
                select(fund_sources).where(fund_sources.c.project_id.in_(ids)).order_by(fund_sources.c.source)
            )).mappings():
                sources[row["project_id"]].append((FundSource(row["source"]), row["amount"]))
        return {
            row["id"]: Project(
                id=row["id"], code=row["code"], name=row["name"], kind=ProjectKind(row["kind"]),
                jurisdiction=row["jurisdiction"], unit_id=row["unit_id"], unit_path=tuple(row["unit_path"]),
                investment_estimate=row["investment_estimate"], fund_sources=tuple(sources[row["id"]]),
                declared_classified=row["declared_classified"], status=ProjectStatus(row["status"]),
                created_at=as_utc(row["created_at"]), updated_at=as_utc(row["updated_at"]), version=row["version"],
            )
            for row in rows
        }
