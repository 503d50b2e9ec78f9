"""Who may read the approval service's events (R-SEC-2): the need-to-know facts of their projects, read from the
project table inside the committing transaction (shared.uow stamps them on each event as its `audience`)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.approval.adapters.orm import projects
from shared.events import Audience


async def project_audiences(session: AsyncSession, project_ids: list[str]) -> dict[str, Audience]:
    """The unit path (nearest unit first, as the record keeps it), jurisdiction and classification of the projects
    the approval service holds. `classified` is the column the subgraph filters on: the unit's declaration until the
    Secrecy Bureau's confirmation replaces it (Project.classified). Other subjects (a construction plan's) match no
    row and get no audience."""
    rows = await session.execute(select(projects.c.id, projects.c.jurisdiction, projects.c.classified,
                                        projects.c.record["unit_path"].label("unit_path"))
                                 .where(projects.c.id.in_(project_ids)))
    return {row.id: Audience(project_id=row.id, unit_path=list(row.unit_path or ()), jurisdiction=row.jurisdiction,
                             classified=bool(row.classified)) for row in rows}
