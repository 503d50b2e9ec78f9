"""Appending to and reading the audit trail (R-OVS-1). Appends chain onto the last entry; two transactions that
read the same last entry cannot both commit (the sequence number is the primary key, the previous hash unique)."""
from __future__ import annotations

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from services.audit.adapters.orm import trail
from services.audit.domain.trail import Decision, TrailEntry, append


TRAIL_LOCK = 0x417564697454  # "AuditT": the transaction-scoped advisory lock serialising appends on PostgreSQL


def entry_from_row(row) -> TrailEntry:
    return TrailEntry(seq=row["seq"], previous_hash=row["previous_hash"], content_digest=row["content_digest"],
                      entry_hash=row["entry_hash"], classified=row["classified"], content=row["content"])


class TrailRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def last(self) -> TrailEntry | None:
        row = (await self.session.execute(select(trail).order_by(trail.c.seq.desc()).limit(1))).mappings().first()
        return entry_from_row(row) if row else None

    async def append(self, decision: Decision) -> TrailEntry:
        if self.session.bind.dialect.name == "postgresql":
            # Appends queue up behind one another until commit, instead of colliding on the same predecessor.
            await self.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": TRAIL_LOCK})
        entry = append(await self.last(), decision)
        await self.session.execute(insert(trail).values(
            seq=entry.seq, at=decision.at, action=decision.action, subject_type=decision.subject_type,
            subject_id=decision.subject_id, project_id=decision.project_id, classified=entry.classified,
            content=entry.content, content_digest=entry.content_digest, previous_hash=entry.previous_hash,
            entry_hash=entry.entry_hash))
        return entry

    async def entries(self, after_seq: int = 0, limit: int | None = None) -> list[TrailEntry]:
        query = select(trail).where(trail.c.seq > after_seq).order_by(trail.c.seq)
        if limit is not None:
            query = query.limit(limit)
        return [entry_from_row(row) for row in (await self.session.execute(query)).mappings().all()]

    async def about_projects(self, project_ids: list[str]) -> dict[str, list[TrailEntry]]:
        rows = (await self.session.execute(select(trail).where(trail.c.project_id.in_(project_ids))
                                           .order_by(trail.c.seq))).mappings().all()
        found: dict[str, list[TrailEntry]] = {i: [] for i in project_ids}
        for row in rows:
            found[row["project_id"]].append(entry_from_row(row))
        return found
