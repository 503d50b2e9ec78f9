"""Audit's reactions to other bureaus' events: keeping the project register current."""
from __future__ import annotations

from sqlalchemy import insert, select, update

from services.audit.adapters.orm import register
from shared.events import Envelope, ProjectAccepted, ProjectApproved
from shared.uow import UnitOfWork


async def on_project_approved(uow: UnitOfWork, event: ProjectApproved, envelope: Envelope) -> None:
    found = (await uow.session.execute(
        select(register.c.project_id).where(register.c.project_id == event.project_id))).first()
    if found is None:
        await uow.session.execute(insert(register).values(
            project_id=event.project_id, code=event.code, unit_id=event.unit_id, unit_path=event.unit_path,
            jurisdiction=event.jurisdiction, kind=event.kind, investment=event.investment_estimate,
            classified=event.classified, approved_at=event.approved_at))


async def on_project_accepted(uow: UnitOfWork, event: ProjectAccepted, envelope: Envelope) -> None:
    """R-AUD-3: the Approval Bureau sends accepted projects to the Audit Bureau, with the approved investment."""
    values = dict(investment=event.investment, accepted_at=event.accepted_at, classified=event.classified)
    result = await uow.session.execute(update(register).where(register.c.project_id == event.project_id)
                                       .values(**values))
    if result.rowcount == 0:  # the approval event has not arrived (or was before this register existed)
        await uow.session.execute(insert(register).values(
            project_id=event.project_id, code=event.code, unit_id=event.unit_id, unit_path=event.unit_path,
            jurisdiction=event.jurisdiction, kind=event.kind, approved_at=event.accepted_at, **values))


HANDLERS = {ProjectApproved.event_type: on_project_approved, ProjectAccepted.event_type: on_project_accepted}
