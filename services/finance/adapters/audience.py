"""Who may read the finance service's events (R-SEC-2): the need-to-know facts of their projects, read from
Finance's own copy of them inside the committing transaction (shared.uow stamps them on each event)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.adapters.orm import budget_reviews, projects, secrecy_status
from services.finance.adapters.trail_store import CLASSIFIED
from shared.events import Audience


async def project_audiences(session: AsyncSession, project_ids: list[str]) -> dict[str, Audience]:
    """The projects Finance knows from the approval event (its unit path and jurisdiction come only from there),
    classified as the subgraph judges it: the Secrecy Bureau's latest word, else the review opinion's flag, else the
    unit's declaration. A project Finance has only heard of from another bureau, and a special-fund plan's subject,
    get no audience: their events reach the workflow bureaus only."""
    rows = await session.execute(
        select(projects.c.id, projects.c.unit_path, projects.c.jurisdiction, CLASSIFIED.label("classified"))
        .outerjoin(secrecy_status, secrecy_status.c.project_id == projects.c.id)
        .outerjoin(budget_reviews, budget_reviews.c.project_id == projects.c.id)
        .where(projects.c.id.in_(project_ids)))
    return {row.id: Audience(project_id=row.id, unit_path=list(row.unit_path or ()), jurisdiction=row.jurisdiction,
                             classified=bool(row.classified)) for row in rows}
