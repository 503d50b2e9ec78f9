"""Finance's reactions to other bureaus' events, each inside one unit of work with its inbox row."""
from __future__ import annotations

import uuid

from sqlalchemy import insert, select

from services.finance.adapters.orm import budget_reviews, projects
from services.finance.domain.budget_review import open_case
from shared.clock import utc_now
from shared.events import BudgetReviewOpened, Envelope, ProjectApproved
from shared.uow import UnitOfWork


async def on_project_approved(uow: UnitOfWork, event: ProjectApproved, envelope: Envelope) -> None:
    """An approved project gets Finance's copy of its facts and a budget-review case (R-REV-2)."""
    session = uow.session
    if (await session.execute(select(projects.c.id).where(projects.c.id == event.project_id))).first() is None:
        await session.execute(insert(projects).values(
            id=event.project_id, code=event.code, unit_id=event.unit_id, unit_path=event.unit_path,
            jurisdiction=event.jurisdiction, investment_estimate=event.investment_estimate,
            classified=event.classified, approved_at=event.approved_at))
    existing = (await session.execute(
        select(budget_reviews.c.id).where(budget_reviews.c.project_id == event.project_id))).first()
    if existing is not None:
        return
    case = open_case(case_id=str(uuid.uuid4()), project_id=event.project_id, now=utc_now())
    await session.execute(insert(budget_reviews).values(
        id=case.id, project_id=case.project_id, status=case.status.value, opened_at=case.opened_at))
    await uow.emit(BudgetReviewOpened(project_id=case.project_id, case_id=case.id, status=case.status.value),
                   subject=case.project_id)


HANDLERS = {ProjectApproved.event_type: on_project_approved}
