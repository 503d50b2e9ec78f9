"""Secrecy's reactions to other bureaus' events: every submission is registered with its declaration."""
from __future__ import annotations

from sqlalchemy import insert, select, update

from services.secrecy.adapters.orm import classifications
from services.secrecy.domain.classification import status_on_submission
from shared.events import Envelope, ProjectSubmitted
from shared.uow import UnitOfWork


async def on_project_submitted(uow: UnitOfWork, event: ProjectSubmitted, envelope: Envelope) -> None:
    """A (re)submission records the unit's declaration; the bureau's own decision, once made, is kept."""
    status = status_on_submission(event.declared_classified).value
    found = (await uow.session.execute(
        select(classifications.c.level).where(classifications.c.project_id == event.project_id))).first()
    if found is None:
        await uow.session.execute(insert(classifications).values(
            project_id=event.project_id, code=event.code, unit_id=event.unit_id, unit_path=event.unit_path,
            declared_classified=event.declared_classified, level=None, status=status, declared_at=envelope.time))
    elif found.level is None:
        await uow.session.execute(update(classifications).where(
            classifications.c.project_id == event.project_id).values(
            declared_classified=event.declared_classified, status=status, declared_at=envelope.time))


HANDLERS = {ProjectSubmitted.event_type: on_project_submitted}
