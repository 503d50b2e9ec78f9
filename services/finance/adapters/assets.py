"""Loading and saving asset registrations (R-FIN-7): the only place that knows the asset tables' shape.

`lock` is how every asset decision on a project starts: it creates the project's registration row if there is
none, then takes its write lock with an UPDATE that reads it in the same statement (as the ledger lock does), so
the decisions on one project's register happen one after another on its current lines and trail head.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.adapters.asset_tables import asset_registrations, asset_reminders, project_assets
from services.finance.adapters.money_tables import project_facts
from services.finance.adapters.orm import projects
from services.finance.domain.asset_oversight import Reminder
from services.finance.domain.assets import (
    AssetCategory,
    AssetDetails,
    AssetLine,
    AssetLineStatus,
    AssetRegistration,
)
from services.finance.domain.history import Actor
from shared.clock import as_utc
from shared.db import upsert


def _who(actor: Actor) -> dict:
    return dict(department=actor.department, unit=actor.unit, subject=actor.subject)


def _utc(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None


def _line(row) -> AssetLine:
    details = AssetDetails(AssetCategory(row["category"]), row["name"], row["quantity"], row["value"],
                           row["custodian"], row["location"], row["card_number"])
    return AssetLine(row["id"], row["project_id"], row["unit_id"], details, AssetLineStatus(row["status"]),
                     as_utc(row["registered_at"]), Actor(**row["registered_by"]), as_utc(row["updated_at"]),
                     row["revision"], _utc(row["withdrawn_at"]), row["withdrawal_reason"])


def _line_values(line: AssetLine) -> dict:
    d = line.details
    return dict(category=d.category.value, name=d.name, quantity=d.quantity, value=d.value, custodian=d.custodian,
                location=d.location, card_number=d.card_number,
                active_card_number=d.card_number if line.active else None, status=line.status.value,
                revision=line.revision, updated_at=line.updated_at, withdrawn_at=line.withdrawn_at,
                withdrawal_reason=line.withdrawal_reason)


def _registration(project_id: str, row, lines: list[AssetLine]) -> AssetRegistration:
    if row is None:
        return AssetRegistration(project_id, lines=tuple(lines))
    return AssetRegistration(
        project_id, lines=tuple(lines), completed_at=_utc(row["completed_at"]),
        completed_by=Actor(**row["completed_by"]) if row["completed_by"] else None,
        completion_note=row["completion_note"], reminder_count=row["reminder_count"],
        last_reminded_at=_utc(row["last_reminded_at"]), version=row["version"])


@dataclass(frozen=True)
class UnregisteredProject:
    """An accepted project whose registration is not complete, as Finance's list shows it."""

    project_id: str
    code: str | None
    unit_id: str | None
    accepted_at: datetime
    reminder_count: int
    last_reminded_at: datetime | None
    active_lines: int
    registered_value: int


class AssetRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def lock(self, project_id: str) -> AssetRegistration:
        """The project's registration, its row locked until the transaction ends (created on the first decision)."""
        await self.session.execute(upsert(self.session, asset_registrations).values(project_id=project_id)
                                   .on_conflict_do_nothing(index_elements=[asset_registrations.c.project_id]))
        row = (await self.session.execute(
            update(asset_registrations).where(asset_registrations.c.project_id == project_id)
            .values(version=asset_registrations.c.version + 1).returning(*asset_registrations.c))).mappings().one()
        return _registration(project_id, row, (await self._lines([project_id]))[project_id])

    async def get_many(self, project_ids: Sequence[str]) -> dict[str, AssetRegistration]:
        ids = list(project_ids)
        rows = {row["project_id"]: row for row in (await self.session.execute(select(asset_registrations).where(
            asset_registrations.c.project_id.in_(ids)))).mappings()} if ids else {}
        lines = await self._lines(ids)
        return {project_id: _registration(project_id, rows.get(project_id), lines[project_id]) for project_id in ids}

    async def _lines(self, project_ids: list[str]) -> dict[str, list[AssetLine]]:
        found: dict[str, list[AssetLine]] = {project_id: [] for project_id in project_ids}
        if project_ids:
            rows = (await self.session.execute(select(project_assets).where(
                project_assets.c.project_id.in_(project_ids)).order_by(project_assets.c.registered_at,
                                                                       project_assets.c.id))).mappings()
            for row in rows:
                found[row["project_id"]].append(_line(row))
        return found

    async def save(self, registration: AssetRegistration) -> None:
        """Write a registration this transaction holds locked."""
        completed_by = _who(registration.completed_by) if registration.completed_by else None
        await self.session.execute(update(asset_registrations).where(
            asset_registrations.c.project_id == registration.project_id).values(
            completed_at=registration.completed_at, completed_by=completed_by,
            completion_note=registration.completion_note, reminder_count=registration.reminder_count,
            last_reminded_at=registration.last_reminded_at))

    async def add_line(self, line: AssetLine) -> None:
        await self.session.execute(insert(project_assets).values(
            id=line.id, project_id=line.project_id, unit_id=line.unit_id, registered_at=line.registered_at,
            registered_by=_who(line.registered_by), **_line_values(line)))

    async def save_line(self, line: AssetLine) -> None:
        await self.session.execute(update(project_assets).where(project_assets.c.id == line.id)
                                   .values(**_line_values(line)))

    async def project_of_line(self, asset_id: str) -> str | None:
        return (await self.session.execute(select(project_assets.c.project_id).where(
            project_assets.c.id == asset_id))).scalar()

    async def card_holder(self, unit_id: str, card_number: str, *, other_than: str | None = None) -> str | None:
        """The id of the unit's active line holding this card number, if any (other than `other_than`)."""
        query = select(project_assets.c.id).where(project_assets.c.unit_id == unit_id,
                                                  project_assets.c.active_card_number == card_number)
        if other_than is not None:
            query = query.where(project_assets.c.id != other_than)
        return (await self.session.execute(query.limit(1))).scalar()

    async def unit_of(self, project_id: str) -> str | None:
        return (await self.session.execute(select(projects.c.unit_id).where(projects.c.id == project_id))).scalar()

    async def add_reminder(self, reminder: Reminder) -> None:
        await self.session.execute(insert(asset_reminders).values(
            id=reminder.id, project_id=reminder.project_id, reminded_at=reminder.reminded_at, note=reminder.note,
            **_who(reminder.actor)))

    async def reminders_of(self, project_ids: Sequence[str]) -> dict[str, list[Reminder]]:
        found: dict[str, list[Reminder]] = {project_id: [] for project_id in project_ids}
        if project_ids:
            rows = (await self.session.execute(select(asset_reminders).where(
                asset_reminders.c.project_id.in_(list(project_ids))).order_by(asset_reminders.c.reminded_at,
                                                                              asset_reminders.c.id))).mappings()
            for row in rows:
                found[row["project_id"]].append(Reminder(
                    row["id"], row["project_id"], as_utc(row["reminded_at"]),
                    Actor(row["department"], row["unit"], row["subject"]), row["note"]))
        return found

    async def unregistered(self, *, accepted_before: datetime, limit: int) -> list[UnregisteredProject]:
        """Accepted projects, accepted before the instant given, whose registration is not complete; the longest
        waiting first."""
        rows = (await self.session.execute(
            select(project_facts.c.project_id, project_facts.c.accepted_at, projects.c.code, projects.c.unit_id,
                   asset_registrations.c.reminder_count, asset_registrations.c.last_reminded_at)
            .outerjoin(asset_registrations, asset_registrations.c.project_id == project_facts.c.project_id)
            .outerjoin(projects, projects.c.id == project_facts.c.project_id)
            .where(project_facts.c.accepted_at.is_not(None), project_facts.c.accepted_at < accepted_before,
                   asset_registrations.c.completed_at.is_(None))
            .order_by(project_facts.c.accepted_at, project_facts.c.project_id).limit(limit))).mappings().all()
        ids = [row["project_id"] for row in rows]
        counts = {}
        if ids:
            counts = {project_id: (n, int(total)) for project_id, n, total in (await self.session.execute(
                select(project_assets.c.project_id, func.count(), func.coalesce(func.sum(project_assets.c.value), 0))
                .where(project_assets.c.project_id.in_(ids),
                       project_assets.c.status == AssetLineStatus.ACTIVE.value)
                .group_by(project_assets.c.project_id))).all()}
        return [UnregisteredProject(row["project_id"], row["code"], row["unit_id"], as_utc(row["accepted_at"]),
                                    row["reminder_count"] or 0, _utc(row["last_reminded_at"]),
                                    *counts.get(row["project_id"], (0, 0))) for row in rows]
