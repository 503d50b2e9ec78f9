"""Who may read the audit service's events (R-SEC-2): the need-to-know facts of their projects, read from the
audit register inside the committing transaction (shared.uow stamps them on each event as its `audience`)."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.audit.adapters.orm import engagements, population, register_entries
from shared.events import Audience


async def project_audiences(session: AsyncSession, project_ids: list[str]) -> dict[str, Audience]:
    """The projects in the audit register, with their unit path and jurisdiction. Classified if the register holds
    it classified now (the Secrecy Bureau's decision, else the approval's flag) or the plan's population or the
    engagement froze it classified: the subgraph hides a project from a reader without clearance on either count,
    and its events say no more than the subgraph. An audit plan's subject matches no row and gets no audience."""
    classified = or_(register_entries.c.classified.is_(True), population.c.classified.is_(True),
                     engagements.c.classified.is_(True))
    rows = await session.execute(
        select(register_entries.c.project_id, register_entries.c.unit_path, register_entries.c.jurisdiction,
               classified.label("classified"))
        .select_from(register_entries
                     .outerjoin(population, population.c.project_id == register_entries.c.project_id)
                     .outerjoin(engagements, engagements.c.project_id == register_entries.c.project_id))
        .where(register_entries.c.project_id.in_(project_ids)))
    return {row.project_id: Audience(project_id=row.project_id, unit_path=list(row.unit_path or ()),
                                     jurisdiction=row.jurisdiction, classified=bool(row.classified))
            for row in rows}
