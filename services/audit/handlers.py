"""Audit's reactions to other bureaus' events: keeping the project register current."""
from __future__ import annotations

from sqlalchemy import insert, select

from services.audit.adapters.orm import register
from shared.events import Envelope, ProjectApproved
from shared.uow import UnitOfWork


async def on_project_approved(uow: UnitOfWork, event: ProjectApproved, envelope: Envelope) -> None:
    found = (await uow.session.execute(
        select(register.c.project_id).where(register.c.project_id == event.project_id))).first()
    if found is None:
        await uow.session.execute(insert(register).values(
            project_id=event.project_id, code=event.code, unit_id=event.unit_id, unit_path=event.unit_path,
            jurisdiction=event.jurisdiction, kind=event.kind, investment=event.investment_estimate,
            classified=event.classified, approved_at=event.approved_at))


HANDLERS = {ProjectApproved.event_type: on_project_approved}
