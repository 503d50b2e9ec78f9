"""What an operator needs to see and do about a service's outbox: how far behind it is, which rows are parked,
and putting a parked row back in line (`/readyz`, `egov outbox parked`, `egov outbox retry`).

A row is parked by the relay (`shared.outbox.OutboxRelay`) after the broker refused it `max_attempts` times; the
later events of its subject wait behind it. Retrying gives it a fresh count of attempts.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Table, func, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker


@dataclass(frozen=True)
class ParkedRow:
    seq: int
    event_id: str
    type: str
    subject: str | None
    created_at: datetime
    parked_at: datetime
    attempts: int
    last_error: str | None
    waiting_behind: int  # later unpublished rows of the same subject


@dataclass(frozen=True)
class OutboxState:
    backlog: int                   # rows not yet published (parked ones included)
    parked: int
    oldest_age: float | None       # seconds since the oldest unpublished row was written; None: all out


async def outbox_state(sessions: async_sessionmaker, outbox: Table, *, now: datetime | None = None) -> OutboxState:
    """How far behind the outbox is, in one query (for /readyz and /metrics)."""
    async with sessions() as session:
        backlog, parked, oldest = (await session.execute(
            select(func.count(), func.count().filter(outbox.c.parked_at.is_not(None)), func.min(outbox.c.created_at))
            .where(outbox.c.published_at.is_(None)))).one()
    age = None if oldest is None else max(0.0, ((now or datetime.now(timezone.utc)) - _utc(oldest)).total_seconds())
    return OutboxState(backlog, parked, age)


async def outbox_health(sessions: async_sessionmaker, outbox: Table, *, now: datetime | None = None) -> dict:
    """The readiness fields: parked rows, and the age in seconds of the oldest unpublished row (None: all out)."""
    state = await outbox_state(sessions, outbox, now=now)
    return {"outbox_parked": state.parked,
            "outbox_oldest_unpublished_seconds": None if state.oldest_age is None else round(state.oldest_age, 3)}


async def parked_rows(sessions: async_sessionmaker, outbox: Table) -> list[ParkedRow]:
    later = outbox.alias("later")
    waiting = (
        select(func.count()).select_from(later)
        .where(later.c.subject == outbox.c.subject, later.c.seq > outbox.c.seq, later.c.published_at.is_(None))
        .scalar_subquery()
    )
    async with sessions() as session:
        rows = (await session.execute(
            select(outbox.c.seq, outbox.c.event_id, outbox.c.type, outbox.c.subject, outbox.c.created_at,
                   outbox.c.parked_at, outbox.c.attempts, outbox.c.last_error, waiting)
            .where(_parked(outbox)).order_by(outbox.c.seq))).all()
    return [ParkedRow(*row[:4], _utc(row[4]), _utc(row[5]), *row[6:]) for row in rows]


async def retry_parked(sessions: async_sessionmaker, outbox: Table, event_id: str) -> bool:
    """Put a parked row back in line with a fresh count of attempts; False if no such parked row."""
    async with sessions() as session, session.begin():
        result = await session.execute(
            update(outbox).where(outbox.c.event_id == event_id, _parked(outbox)).values(parked_at=None, attempts=0))
    return result.rowcount == 1


def _parked(outbox: Table):
    return outbox.c.parked_at.is_not(None) & outbox.c.published_at.is_(None)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)  # SQLite drops the zone
