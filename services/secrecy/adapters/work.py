"""Reading what waits on the caller (`myWork`) from the secrecy tables: four statements whatever the number of
projects (classifications, reviews with the trail's latest opening, pre-use reviews with their latest
evaluation)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.secrecy.adapters.orm import classifications as register, evaluations, pre_use_reviews, \
    secrecy_reviews, trail
from services.secrecy.domain import work
from services.secrecy.domain.authority import Command
from services.secrecy.domain.review import SecrecyReviewStatus
from shared.auth import Department, Identity
from shared.clock import as_utc
from shared.visibility import APPLICANTS
from shared.work import Work

REGISTER = (register.c.project_id, register.c.code, register.c.unit_path, register.c.status.label("classification"))


def _waiting(case: str, row, since) -> work.Waiting:
    return work.Waiting(case, row["status"], as_utc(since), row["project_id"], row["code"],
                        tuple(row["unit_path"] or ()), row["classification"])


async def secrecy_work(session: AsyncSession, identity: Identity, _now: datetime) -> list[Work]:
    if not (identity.department is Department.SECRECY_BUREAU or identity.department in APPLICANTS and identity.unit):
        return []
    found: list[Work] = []

    def keep(waiting: work.Waiting) -> None:
        found.extend(work.waiting_work(identity, waiting))

    rows = await session.execute(select(*REGISTER, register.c.status, register.c.declared_at)
                                 .where(register.c.status.in_(work.statuses("classification"))))
    for row in rows.mappings():
        keep(_waiting("classification", row, row["declared_at"]))

    table = trail.entries
    opened = (select(table.c.project_id, func.max(table.c.at).label("at"))
              .where(table.c.action.in_(["OPEN_SECRECY_REVIEW", Command.REOPEN_SECRECY_REVIEW.value]))
              .group_by(table.c.project_id).subquery())
    rows = await session.execute(
        select(*REGISTER, secrecy_reviews.c.status, secrecy_reviews.c.opened_at, secrecy_reviews.c.decided_at,
               opened.c.at.label("reopened_at"))
        .join(register, register.c.project_id == secrecy_reviews.c.project_id)
        .outerjoin(opened, opened.c.project_id == secrecy_reviews.c.project_id)
        .where(secrecy_reviews.c.status.in_(work.statuses("review"))))
    for row in rows.mappings():
        if row["status"] == SecrecyReviewStatus.OPEN.value:
            since = row["reopened_at"] or row["opened_at"]
        else:
            since = row["decided_at"] or row["opened_at"]
        keep(_waiting("review", row, since))

    evaluated = (select(evaluations.c.pre_use_review_id, func.max(evaluations.c.recorded_at).label("at"))
                 .group_by(evaluations.c.pre_use_review_id).subquery())
    rows = await session.execute(
        select(*REGISTER, pre_use_reviews.c.status, pre_use_reviews.c.opened_at, evaluated.c.at.label("evaluated_at"))
        .join(register, register.c.project_id == pre_use_reviews.c.project_id)
        .outerjoin(evaluated, evaluated.c.pre_use_review_id == pre_use_reviews.c.id)
        .where(pre_use_reviews.c.status.in_(work.statuses("pre_use"))))
    for row in rows.mappings():
        keep(_waiting("pre_use", row, row["evaluated_at"] or row["opened_at"]))
    return found
