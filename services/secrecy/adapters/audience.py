"""Who may read the secrecy service's events (R-SEC-2): the need-to-know facts of their projects, read from the
secrecy register inside the committing transaction (shared.uow stamps them on each event as its `audience`)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.secrecy.adapters.orm import classifications as register
from services.secrecy.domain.classification import CLASSIFIED_STATUSES
from shared.events import Audience


async def project_audiences(session: AsyncSession, project_ids: list[str]) -> dict[str, Audience]:
    """The projects in the register, classified as RegisterEntry.classified says (declared by the unit and not yet
    decided, or confirmed by the bureau). The register holds no jurisdiction, so the audience names none. A vendor's
    subject matches no row and gets no audience."""
    classified = register.c.status.in_(sorted(status.value for status in CLASSIFIED_STATUSES))
    rows = await session.execute(select(register.c.project_id, register.c.unit_path, classified.label("classified"))
                                 .where(register.c.project_id.in_(project_ids)))
    return {row.project_id: Audience(project_id=row.project_id, unit_path=list(row.unit_path or ()),
                                     classified=bool(row.classified)) for row in rows}
