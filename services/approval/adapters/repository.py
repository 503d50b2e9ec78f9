"""Loading and saving projects: the only place that knows the approval tables' shape."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.approval.adapters.orm import code_counters, project_units, projects, trail, vendor_qualifications
from services.approval.domain.lifecycle import ProjectStatus
from services.approval.domain.model import HistoryEntry, Project, VendorQualification
from shared.auth import Identity
from shared.clock import as_utc
from shared.db import upsert
from shared.trail import Decision
from shared.trail_store import DecisionTrail, entry_from_row
from shared.visibility import project_visible_sql


PROJECT = "PROJECT"  # what the approval service's trail entries are about


def _history_entry(content: dict) -> HistoryEntry:
    details = content["details"]
    return HistoryEntry(at=as_utc(datetime.fromisoformat(content["at"])), action=content["action"],
                        from_status=ProjectStatus(details["from_status"]) if details["from_status"] else None,
                        to_status=ProjectStatus(details["to_status"]), department=content["department"],
                        unit=content["unit"], subject=content["actor"], reasons=tuple(details["reasons"]),
                        detail=details["detail"], rule=content["rule"])


async def classified_among(session: AsyncSession, project_ids: Sequence[str]) -> set[str]:
    """Which of these projects are classified (R-SEC-2): their trail entries are withheld without need to know."""
    rows = await session.execute(select(projects.c.id).where(projects.c.id.in_(list(project_ids)),
                                                             projects.c.classified.is_(True)))
    return set(rows.scalars())


class ConcurrentUpdate(Exception):
    """Somebody else changed the project between our read and our write."""


@dataclass(frozen=True)
class ProjectFilter:
    statuses: tuple[ProjectStatus, ...] = ()
    unit: str | None = None  # the unit and its subordinate units
    jurisdiction: str | None = None
    year: int | None = None
    kinds: tuple[str, ...] = ()
    min_investment: int | None = None
    max_investment: int | None = None
    classified: bool | None = None


def visible_to(identity: Identity):
    """Need to know (shared.visibility) over the projects table: the unit path is the project_units rows. The
    project list, the work queue and a batch of projects by id read only what the caller may see."""
    return project_visible_sql(identity, classified=projects.c.classified, unit_managed=_in_unit)


def _in_unit(unit: str):
    return exists().where(project_units.c.project_id == projects.c.id, project_units.c.unit == unit)


def _row(project: Project) -> dict:
    return dict(name=project.name, kind=project.kind.value, status=project.status.value,
                classified=project.classified, withheld=project.withholding is not None,
                investment=project.investment, updated_at=project.updated_at,
                version=project.version, record=project.model_dump(mode="json"))


class ProjectRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def next_sequence(self, jurisdiction: str, year: int) -> int:
        """Take the next number of the jurisdiction's year. The counter row stays locked until this transaction
        ends: a concurrent draft waits for it and takes the number after, or this one if we roll back."""
        taken = upsert(self.session, code_counters).values(jurisdiction=jurisdiction, year=year, last_sequence=1)
        taken = taken.on_conflict_do_update(
            index_elements=[code_counters.c.jurisdiction, code_counters.c.year],
            set_={"last_sequence": code_counters.c.last_sequence + 1}).returning(code_counters.c.last_sequence)
        return (await self.session.execute(taken)).scalar_one()

    async def add(self, project: Project, entry: HistoryEntry, *, year: int, sequence: int) -> None:
        await self.session.execute(insert(projects).values(
            id=project.id, code=project.code, jurisdiction=project.jurisdiction, year=year, sequence=sequence,
            unit_id=project.unit_id, created_at=project.created_at, **_row(project)))
        await self.session.execute(insert(project_units), [{"project_id": project.id, "unit": unit}
                                                           for unit in dict.fromkeys(project.unit_path)])
        await self.add_history(project.id, entry, classified=project.classified)

    async def save(self, before: Project, after: Project, entry: HistoryEntry) -> None:
        result = await self.session.execute(
            update(projects).where(projects.c.id == after.id, projects.c.version == before.version)
            .values(**_row(after)))
        if result.rowcount != 1:
            raise ConcurrentUpdate(after.id)
        await self.add_history(after.id, entry, classified=after.classified)

    async def add_history(self, project_id: str, entry: HistoryEntry, *, classified: bool | None = None) -> None:
        """Chain the entry onto the service's decision trail (R-OVS-1), withheld from readers without need to know
        when the project is classified (R-SEC-2)."""
        if classified is None:
            classified = bool((await self.session.execute(
                select(projects.c.classified).where(projects.c.id == project_id))).scalar())
        await DecisionTrail(trail, self.session).append(Decision(
            at=entry.at, department=entry.department, unit=entry.unit, actor=entry.subject, action=entry.action,
            subject_type=PROJECT, subject_id=project_id, project_id=project_id, rule=entry.rule,
            reason="; ".join(entry.reasons) or None, classified=classified,
            details={"from_status": entry.from_status, "to_status": entry.to_status, "reasons": entry.reasons,
                     "detail": entry.detail}))

    async def get(self, project_id: str, *, lock: bool = False) -> Project | None:
        """With `lock`, the row stays locked until the transaction ends: a consumer recording another bureau's fact
        waits for a concurrent change of the project instead of failing with ConcurrentUpdate on save."""
        return (await self.get_many([project_id], lock=lock)).get(project_id)

    async def get_many(self, ids: Sequence[str], *, lock: bool = False) -> dict[str, Project]:
        if not ids:
            return {}
        query = select(projects.c.id, projects.c.record).where(projects.c.id.in_(list(ids)))
        rows = await self.session.execute(query.with_for_update() if lock else query)
        return {row.id: Project.model_validate(row.record) for row in rows}

    async def get_visible(self, ids: Sequence[str], identity: Identity) -> dict[str, Project]:
        """The projects of `ids` the caller may see (need to know in the WHERE clause), by id."""
        rows = await self.session.execute(select(projects.c.id, projects.c.record).where(
            projects.c.id.in_(list(ids)), visible_to(identity)))
        return {row.id: Project.model_validate(row.record) for row in rows}

    async def find(self, identity: Identity, criteria: ProjectFilter, *, limit: int,
                   after_code: str | None) -> tuple[list[Project], int]:
        """A page of the projects the caller may see that match the filter, in code order, and their total."""
        conditions = [visible_to(identity)]
        if criteria.statuses:
            conditions.append(projects.c.status.in_([s.value for s in criteria.statuses]))
        if criteria.unit:
            conditions.append(_in_unit(criteria.unit))
        if criteria.jurisdiction:
            conditions.append(projects.c.jurisdiction == criteria.jurisdiction)
        if criteria.year is not None:
            conditions.append(projects.c.year == criteria.year)
        if criteria.kinds:
            conditions.append(projects.c.kind.in_(criteria.kinds))
        if criteria.min_investment is not None:
            conditions.append(projects.c.investment >= criteria.min_investment)
        if criteria.max_investment is not None:
            conditions.append(projects.c.investment <= criteria.max_investment)
        if criteria.classified is not None:
            conditions.append(projects.c.classified.is_(criteria.classified))
        where = and_(*conditions)
        total = (await self.session.execute(select(func.count()).select_from(projects).where(where))).scalar_one()
        page = select(projects.c.record).where(where).order_by(projects.c.code).limit(limit)
        if after_code is not None:
            page = page.where(projects.c.code > after_code)
        rows = await self.session.execute(page)
        return [Project.model_validate(row.record) for row in rows], total

    async def history_of(self, project_id: str) -> list[HistoryEntry]:
        """The project's entries of the decision trail, oldest first."""
        return (await self.histories([project_id]))[project_id]

    async def histories(self, project_ids: Sequence[str], *,
                        actions: Sequence[str] | None = None) -> dict[str, list[HistoryEntry]]:
        """Each project's entries of the decision trail (only `actions`, if given), oldest first."""
        table = trail.entries
        found: dict[str, list[HistoryEntry]] = {project_id: [] for project_id in project_ids}
        for start in range(0, len(project_ids), 1000):
            query = select(table).where(table.c.subject_type == PROJECT,
                                        table.c.subject_id.in_(list(project_ids[start:start + 1000])))
            if actions is not None:
                query = query.where(table.c.action.in_(list(actions)))
            for row in (await self.session.execute(query.order_by(table.c.seq))).mappings():
                found[row["subject_id"]].append(_history_entry(entry_from_row(row).decision()))
        return found

    async def vendor_qualifications(self, vendor_ids: Sequence[str]) -> dict[str, VendorQualification]:
        if not vendor_ids:
            return {}
        rows = (await self.session.execute(select(vendor_qualifications).where(
            vendor_qualifications.c.vendor_id.in_(list(vendor_ids))))).mappings().all()
        return {r["vendor_id"]: VendorQualification(vendor_id=r["vendor_id"], scopes=frozenset(r["scopes"]),
                                                    valid_from=r["valid_from"], valid_until=r["valid_until"],
                                                    revoked_on=r["revoked_on"]) for r in rows}

    async def put_vendor_qualification(self, qualification: VendorQualification) -> None:
        values = dict(scopes=sorted(qualification.scopes), valid_from=qualification.valid_from,
                      valid_until=qualification.valid_until, revoked_on=qualification.revoked_on)
        await self.session.execute(
            upsert(self.session, vendor_qualifications).values(vendor_id=qualification.vendor_id, **values)
            .on_conflict_do_update(index_elements=[vendor_qualifications.c.vendor_id], set_=values))
