"""Storing and reading a case's decision history, each entry chained to the one before (R-OVS-1)."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.adapters.orm import decisions as decision_rows
from services.finance.domain.budget_review import BudgetReviewStatus
from services.finance.domain.history import Actor, Decision, decision_hash
from shared.clock import as_utc

ChainedDecision = tuple[Decision, str | None, str]  # (entry, previous hash, its own hash)


async def append(session: AsyncSession, *, case_id: str, project_id: str, entries: Sequence[Decision]) -> None:
    """Append entries after the case's last one. Callers hold the case row (its version bump) first, so two
    transactions never chain onto the same predecessor."""
    if not entries:
        return
    previous = (await session.execute(
        select(decision_rows.c.entry_hash).where(decision_rows.c.case_id == case_id)
        .order_by(decision_rows.c.id.desc()).limit(1)
    )).scalar()
    for entry in entries:
        entry_hash = decision_hash(previous, project_id, entry)
        await session.execute(insert(decision_rows).values(
            case_id=case_id, project_id=project_id, at=entry.at, action=entry.action,
            from_status=entry.from_status.value if entry.from_status else None, to_status=entry.to_status.value,
            department=entry.actor.department, unit=entry.actor.unit, subject=entry.actor.subject,
            detail=dict(entry.detail), reason=entry.reason, previous_hash=previous, entry_hash=entry_hash,
        ))
        previous = entry_hash


async def history_of(session: AsyncSession, case_id: str) -> list[ChainedDecision]:
    rows = (await session.execute(
        select(decision_rows).where(decision_rows.c.case_id == case_id).order_by(decision_rows.c.id)
    )).mappings().all()
    return [
        (Decision(at=as_utc(row["at"]), action=row["action"],
                  from_status=BudgetReviewStatus(row["from_status"]) if row["from_status"] else None,
                  to_status=BudgetReviewStatus(row["to_status"]),
                  actor=Actor(row["department"], row["unit"], row["subject"]),
                  detail=row["detail"], reason=row["reason"]),
         row["previous_hash"], row["entry_hash"])
        for row in rows
    ]
