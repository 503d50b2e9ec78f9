"""Reading asset registers for the graph: by project id (callers have already filtered the ids by visibility), and
Finance's list of unregistered projects."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.adapters import trail_store
from services.finance.adapters.assets import AssetRepository
from services.finance.adapters.facts import FactsRepository
from services.finance.adapters.money_records import MoneyRecords
from services.finance.domain import asset_oversight as oversight
from services.finance.domain import assets
from services.finance.domain.assets import RegistrationStatus
from services.finance.graphql import asset_types as t
from services.finance.graphql.readers import decision


def line(a: assets.AssetLine) -> t.AssetLine:
    d = a.details
    return t.AssetLine(id=strawberry.ID(a.id), project_id=strawberry.ID(a.project_id), category=d.category,
                       name=d.name, quantity=d.quantity, value=d.value, custodian=d.custodian, location=d.location,
                       card_number=d.card_number, status=a.status, revision=a.revision, registered_at=a.registered_at,
                       registered_by=a.registered_by.subject, updated_at=a.updated_at, withdrawn_at=a.withdrawn_at,
                       withdrawal_reason=a.withdrawal_reason)


def reminder(r: oversight.Reminder) -> t.AssetReminder:
    return t.AssetReminder(id=strawberry.ID(r.id), reminded_at=r.reminded_at, department=r.actor.department,
                           actor=r.actor.subject, note=r.note)


def value_check(check: oversight.ValueCheck) -> t.AssetValueCheck:
    return t.AssetValueCheck(registered_value=check.registered_value, basis=check.basis,
                             settled_value=check.settled_value, difference=check.difference, matches=check.matches,
                             explanation=check.explanation)


async def asset_registers(session: AsyncSession, ids: Sequence[str], *, grace: timedelta,
                          now: datetime) -> dict[str, t.AssetRegister]:
    registrations = await AssetRepository(session).get_many(ids)
    facts = await FactsRepository(session).get_many(ids)
    settlements = await MoneyRecords(session).settlements_of(ids)
    reminders = await AssetRepository(session).reminders_of(ids)
    chains = await trail_store.entries_of(session, [assets.asset_chain(i) for i in ids])
    result = {}
    for project_id in ids:
        acceptance = facts[project_id].acceptance
        accepted_at = acceptance.accepted_at if acceptance else None
        registration = replace(registrations[project_id], accepted_at=accepted_at)
        check = oversight.value_check(registration.registered_value, acceptance, settlements[project_id])
        result[project_id] = t.AssetRegister(
            project_id=strawberry.ID(project_id), status=registration.status, accepted_at=accepted_at,
            grace_ends_at=oversight.grace_ends_at(accepted_at, grace) if accepted_at else None,
            overdue=accepted_at is not None and oversight.overdue(registration, grace, now),
            lines=[line(a) for a in registration.lines], registered_value=registration.registered_value,
            completed_at=registration.completed_at,
            completed_by=registration.completed_by.subject if registration.completed_by else None,
            completion_note=registration.completion_note, reminders=[reminder(r) for r in reminders[project_id]],
            value_check=value_check(check),
            history=[decision(entry, own) for entry, _p, own in chains[assets.asset_chain(project_id)]])
    return result


async def unregistered(session: AsyncSession, *, grace: timedelta, now: datetime,
                       limit: int) -> list[t.UnregisteredAssetProject]:
    """R-FIN-7: accepted projects not registered once the grace period has passed, the longest waiting first."""
    found = await AssetRepository(session).unregistered(accepted_before=now - grace, limit=limit)
    return [t.UnregisteredAssetProject(
        project_id=strawberry.ID(p.project_id), code=p.code, unit_id=p.unit_id,
        status=RegistrationStatus.IN_PROGRESS if p.active_lines else RegistrationStatus.NOT_STARTED,
        accepted_at=p.accepted_at, grace_ended_at=oversight.grace_ends_at(p.accepted_at, grace),
        days_since_acceptance=oversight.whole_days(p.accepted_at, now),
        days_overdue=oversight.whole_days(oversight.grace_ends_at(p.accepted_at, grace), now),
        active_lines=p.active_lines, registered_value=p.registered_value, reminder_count=p.reminder_count,
        last_reminded_at=p.last_reminded_at) for p in found]
