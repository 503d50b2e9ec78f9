"""Transactional outbox and inbox tables, and the relay that publishes the outbox.

A state change and the event announcing it commit in one transaction (outbox row). The relay publishes unpublished
rows in order with publisher confirms and marks them published; if the broker is away the rows wait. A consumer
records the event id in the same transaction as its effect (inbox row), so a redelivered event changes nothing.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone

from opentelemetry import trace
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    select,
    update,
)
from sqlalchemy.ext.asyncio import async_sessionmaker

from shared.bus import Bus
from shared.events import Envelope

log = logging.getLogger(__name__)
tracer = trace.get_tracer("egov.outbox")


def outbox_columns() -> list[Column]:
    return [
        Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("type", String(200), nullable=False),
        Column("subject", String(64)),
        Column("envelope", JSON, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("published_at", DateTime(timezone=True), index=True),
        Column("attempts", Integer, nullable=False, server_default="0"),
        Column("last_error", Text),
    ]


def inbox_columns() -> list[Column]:
    return [
        Column("consumer", String(100), primary_key=True),
        Column("event_id", String(36), primary_key=True),
        Column("type", String(200), nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False),
    ]


def messaging_tables(metadata: MetaData) -> tuple[Table, Table]:
    """The outbox and inbox tables of one service's database."""
    return Table("outbox", metadata, *outbox_columns()), Table("inbox", metadata, *inbox_columns())


def create_messaging_tables_v1(op) -> None:
    """Alembic operations creating the outbox and inbox (version 1 of their shape; never edit, add a v2)."""
    op.create_table("outbox", *outbox_columns())
    op.create_table("inbox", *inbox_columns())


class OutboxRelay:
    """Publishes a service's outbox: woken after each commit, and polling as a fallback."""

    def __init__(self, session_factory: async_sessionmaker, outbox: Table, bus: Bus, *, poll_interval: float = 0.5,
                 batch_size: int = 100):
        self._sessions = session_factory
        self._outbox = outbox
        self._bus = bus
        self._poll_interval = poll_interval
        self._batch_size = batch_size
        self._wake = asyncio.Event()
        # One batch at a time per process; across processes, SKIP LOCKED (PostgreSQL) keeps relays apart.
        self._lock = asyncio.Lock()
        self._task: asyncio.Task | None = None
        self._stopping = False
        self.last_error: str | None = None

    def wake(self) -> None:
        self._wake.set()

    async def publish_pending(self) -> int:
        """Publish one batch of unpublished rows in order; returns how many were published."""
        published = 0
        async with self._lock, self._sessions() as session, session.begin():
            rows = (
                await session.execute(
                    select(self._outbox.c.seq, self._outbox.c.envelope)
                    .where(self._outbox.c.published_at.is_(None))
                    .order_by(self._outbox.c.seq)
                    .limit(self._batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            try:
                for seq, envelope in rows:
                    await self._bus.publish(Envelope.model_validate(envelope))
                    await session.execute(
                        update(self._outbox)
                        .where(self._outbox.c.seq == seq)
                        .values(published_at=datetime.now(timezone.utc), attempts=self._outbox.c.attempts + 1)
                    )
                    published += 1
            except Exception as exc:
                # Keep what was confirmed; the failed row and those after it wait for the next round.
                if published < len(rows):
                    failed_seq = rows[published][0]
                    await session.execute(
                        update(self._outbox)
                        .where(self._outbox.c.seq == failed_seq)
                        .values(attempts=self._outbox.c.attempts + 1, last_error=str(exc)[:2000])
                    )
                raise
        return published

    async def drain(self) -> int:
        total = 0
        while True:
            count = await self.publish_pending()
            total += count
            if count < self._batch_size:
                return total

    async def _run(self) -> None:
        delay = self._poll_interval
        while not self._stopping:
            try:
                await self.drain()
                self.last_error = None
                delay = self._poll_interval
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # broker or database away: keep the rows, back off, try again
                self.last_error = f"{type(exc).__name__}: {exc}"
                log.warning("outbox relay could not publish: %s", self.last_error)
                delay = min(delay * 2, 5.0)
            if self._stopping:
                break
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
            except TimeoutError:
                pass
            self._wake.clear()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self, timeout: float = 10.0) -> None:
        """Finish the round in progress, then stop: a transaction cut off mid-way can wedge its connection."""
        if self._task is None:
            return
        self._stopping = True
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout)
        except TimeoutError:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        self._task = None
        self._stopping = False
