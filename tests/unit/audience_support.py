"""R-SEC-2: reading the audience a service stamped on its events, as its outbox holds them."""
from __future__ import annotations

from sqlalchemy import select

from shared.events import Envelope, ProjectRevised


async def outbox_envelopes(runtime, event_type: str | None = None) -> list[Envelope]:
    """The service's events as written to its outbox (the relay publishes these bytes), oldest first."""
    query = select(runtime.outbox.c.envelope).order_by(runtime.outbox.c.seq)
    if event_type is not None:
        query = query.where(runtime.outbox.c.type == event_type)
    async with runtime.sessions() as session:
        return [Envelope.model_validate(row) for row in (await session.execute(query)).scalars()]


async def emitted_about(runtime, subject: str) -> Envelope:
    """An event committed through the service's own unit of work about `subject`, as its outbox row stores it. The
    type is one no service consumes, so the in-process bus leaves it alone."""
    async with runtime.uow() as uow:
        sent = await uow.emit(ProjectRevised(project_id=subject, code="CITY-2026-0999"), subject=subject)
        await uow.commit()
    (stored,) = [e for e in await outbox_envelopes(runtime, ProjectRevised.event_type) if e.id == sent.id]
    return stored
