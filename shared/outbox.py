"""Transactional outbox and inbox tables, and the relay that publishes the outbox.

A state change and the event announcing it commit in one transaction (outbox row). The relay publishes unpublished
rows in order with publisher confirms and marks them published; if the broker is away the rows wait, and a row the
broker keeps refusing is parked for an operator (`shared.outbox_admin`). A consumer records the event id in the
same transaction as its effect (inbox row), so a redelivered event changes nothing.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone

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
from shared.bus.base import BusUnavailable
from shared.events import Envelope
from shared.outbox_handoff import CommittedEvent, FastPath, previous_unpublished

log = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 10


def _outbox_columns_v1() -> list[Column]:
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


def outbox_columns() -> list[Column]:
    """The outbox as the code uses it: version 1, plus `parked_at` (version 2)."""
    return [*_outbox_columns_v1(), Column("parked_at", DateTime(timezone=True), index=True)]


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
    op.create_table("outbox", *_outbox_columns_v1())
    op.create_table("inbox", *inbox_columns())


def add_outbox_parking_v2(op) -> None:
    """Alembic operations of version 2: a row the broker kept refusing is parked (`parked_at`); never edit."""
    op.add_column("outbox", Column("parked_at", DateTime(timezone=True), nullable=True))
    op.create_index("ix_outbox_parked_at", "outbox", ["parked_at"])


def drop_outbox_parking_v2(op) -> None:
    op.drop_index("ix_outbox_parked_at", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:  # SQLite rebuilds the table; PostgreSQL drops the column
        batch.drop_column("parked_at")


@dataclass
class _Round:
    candidates: int = 0
    published: int = 0
    failures: list[str] = field(default_factory=list)


@dataclass
class _Failure:
    row: object
    error: Exception


class OutboxRelay:
    """Publishes a service's outbox: what a transaction commits is handed over and published at once (the fast
    path, `shared.outbox_handoff`); rounds that read the outbox take whatever that leaves, on wake-up and by polling.

    A round takes a batch of unpublished rows with one statement that locks them (SKIP LOCKED keeps relays of other
    processes off them), publishes them with publisher confirms, pipelined across subjects, and commits each row's
    outcome: `published_at` once the broker has confirmed it, else one more `attempts` and the `last_error`. A row's
    failure never undoes another's confirmation, so the relay sends no confirmed row again. Only if the process dies
    or the database fails before the round commits are that round's rows sent again (at most `batch_size`): delivery
    is at least once, and the consumers' inbox gives each event one effect.

    A failure while the bus is unreachable is the broker's, not the row's: the row keeps its attempts (its
    last_error says why it waits), the round's other outcomes commit and the relay backs off. A failure while the bus
    is reachable (the broker refused this message, its envelope no longer reads, ...) is the row's: after
    `max_attempts` of them the row is parked (`parked_at`). The relay no longer tries a parked row; `/readyz` counts
    parked rows, and `egov outbox parked` / `egov outbox retry` list them and put one back in line.

    Order per subject (the project): one project's events are published in the order they were written, each after
    the broker confirmed the one before. While a row of a subject fails, the later rows of that subject wait for the
    next round; once it is parked they wait behind it, unpublished, until an operator retries it, so a consumer never
    sees a project's later event without the earlier one. Rows of other subjects flow past. Rows without a subject
    are not ordered among themselves.
    """

    def __init__(self, session_factory: async_sessionmaker, outbox: Table, bus: Bus, *, poll_interval: float = 0.5,
                 batch_size: int = 100, max_attempts: int = DEFAULT_MAX_ATTEMPTS):
        self._sessions = session_factory
        self._outbox = outbox
        self._bus = bus
        self._poll_interval = poll_interval
        self._batch_size = batch_size
        self._max_attempts = max_attempts
        self._wake = asyncio.Event()
        # One round at a time per process; across processes, SKIP LOCKED (PostgreSQL) keeps relays apart.
        self._lock = asyncio.Lock()
        self._task: asyncio.Task | None = None
        self._stopping = False
        self._fast = FastPath(session_factory, outbox, bus, on_left_over=self.wake)
        self._claimed: set[int] = set()  # the rows of the round in progress
        self.last_error: str | None = None
        self.failures: list[str] = []  # the rows that failed in the last drain, as "seq N (type): error"

    def wake(self) -> None:
        self._wake.set()

    def handoff(self, events: list[CommittedEvent]) -> None:
        """What a transaction just committed: published at once if the relay runs, else left to its rounds."""
        if self._task is not None and not self._stopping:
            self._fast.take(events, self._claimed)
        else:
            self.wake()

    async def publish_pending(self) -> int:
        """Publish one batch of unpublished rows in order; returns how many were published.

        Raises only when the bus is unreachable (or the database fails); a row's own failure is recorded on it."""
        return (await self._publish_round()).published

    async def drain(self) -> int:
        """Publish everything pending: what the fast path has in hand, then rounds until the outbox is empty (or only
        failed rows remain); returns how many rows were published."""
        return await self._fast.settle() + await self._rounds()

    async def _rounds(self) -> int:
        """Rounds until the outbox is empty of what they may take (or only failed rows remain)."""
        total, self.failures = 0, []
        while True:
            round_ = await self._publish_round()
            total += round_.published
            self.failures += round_.failures
            if round_.candidates < self._batch_size or round_.published == 0:
                return total

    def _claim(self, busy: list[int]):
        """The next rows to try, in order and locked (SKIP LOCKED passes over rows another relay holds): unpublished,
        not parked and not behind a parked row of their subject; each with the seq of the latest unpublished row of
        its subject before it (None if it is its subject's first), so that a subject stops where another relay
        holds its earlier row."""
        outbox = self._outbox
        earlier = outbox.alias("earlier")
        behind_a_parked_row = (
            select(earlier.c.seq)
            .where(earlier.c.subject == outbox.c.subject, earlier.c.seq < outbox.c.seq,
                   earlier.c.parked_at.is_not(None), earlier.c.published_at.is_(None))
            .exists()
        )
        unpublished = [outbox.c.published_at.is_(None), outbox.c.parked_at.is_(None), ~behind_a_parked_row]
        if busy:  # the fast path's rows: being published, or published and not yet marked
            unpublished.append(outbox.c.seq.not_in(busy))
        return (
            select(outbox.c.seq, outbox.c.subject, outbox.c.envelope, outbox.c.type, outbox.c.attempts,
                   previous_unpublished(outbox))
            .where(*unpublished)
            .order_by(outbox.c.seq)
            .limit(self._batch_size)
            .with_for_update(of=outbox, skip_locked=True)
        )

    async def _publish_round(self) -> _Round:
        outbox = self._outbox
        bus_away = None
        try:
            async with self._lock, self._sessions() as session, session.begin():
                claimed = (await session.execute(self._claim(self._fast.busy_with()))).all()
                round_ = _Round(candidates=len(claimed))
                # Rows handed to the fast path while the claim was on its way are the fast path's to send.
                claimed = [row for row in claimed if not self._fast.has(row.seq)]
                if not claimed:
                    return round_
                self._claimed = {row.seq for row in claimed}
                outcomes = await asyncio.gather(*(self._publish_in_order(chain) for chain in _chains(claimed)))
                published = [seq for confirmed, _ in outcomes for seq in confirmed]
                if published:
                    await session.execute(update(outbox).where(outbox.c.seq.in_(published))
                                          .values(published_at=_now(), attempts=outbox.c.attempts + 1))
                round_.published = len(published)
                bus_away = await self._record_failures(session, [f for _, f in outcomes if f is not None], round_)
        finally:
            self._claimed = set()
        self._fast.remember(published)
        if bus_away is not None:
            raise bus_away
        return round_

    async def _publish_in_order(self, chain: list) -> tuple[list[int], _Failure | None]:
        """Publish one subject's rows one after the other, stopping at the first the broker does not confirm."""
        confirmed = []
        for row in chain:
            try:
                await self._bus.publish(Envelope.model_validate(row.envelope))
            except Exception as exc:  # noqa: BLE001 - recorded on the row, and in the log
                return confirmed, _Failure(row, exc)
            confirmed.append(row.seq)
        return confirmed, None

    async def _record_failures(self, session, failures: list[_Failure], round_: _Round) -> Exception | None:
        """Charge each failed row an attempt (parking it after the last), unless the bus was away; returns the bus's
        error when it was."""
        bus_away, bus_ready = None, None
        this_row = update(self._outbox)
        for failure in failures:
            row, error = failure.row, _describe(failure.error)[:2000]
            if not isinstance(failure.error, BusUnavailable) and bus_ready is None:
                bus_ready = await self._bus_ready()
            if isinstance(failure.error, BusUnavailable) or not bus_ready:
                await session.execute(this_row.where(self._outbox.c.seq == row.seq).values(last_error=error))
                bus_away = bus_away or failure.error
                continue
            attempts = row.attempts + 1
            parked = attempts >= self._max_attempts
            await session.execute(this_row.where(self._outbox.c.seq == row.seq).values(
                attempts=attempts, last_error=error, parked_at=_now() if parked else None))
            round_.failures.append(f"seq {row.seq}: {error}")
            if parked:
                log.error("outbox row %s (%s) parked after %d failed attempts, with the later events of its "
                          "subject behind it: %s; see `egov outbox parked`", row.seq, row.type, attempts, error)
            else:
                log.warning("outbox row %s (%s) failed (attempt %d of %d): %s", row.seq, row.type, attempts,
                            self._max_attempts, error)
        return bus_away

    async def _bus_ready(self) -> bool:
        try:
            return await self._bus.ready()
        except Exception:  # noqa: BLE001 - a bus that cannot say is not ready
            return False

    async def _run(self) -> None:
        delay = self._poll_interval
        while not self._stopping:
            try:
                # Rounds only: they never wait for the fast path, which may be busy without a pause under load.
                self._fast.mark_later()
                await self._rounds()
                # A row that failed keeps its place (or is parked); report it and don't spin on it.
                self.last_error = "; ".join(self.failures[:3]) or self._fast.last_error
                delay = min(delay * 2, 5.0) if self.failures else self._poll_interval
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # broker or database away: keep the rows, back off, try again
                self.last_error = _describe(exc)
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
        try:  # what the fast path still has in hand: published and marked, or left for the next start
            await asyncio.wait_for(self._fast.settle(), timeout)
        except Exception as exc:  # noqa: BLE001 - unmarked rows are published again later; the inboxes drop them
            log.warning("outbox relay stopped before marking what it published: %s", _describe(exc))
        self._task = None
        self._stopping = False


def _chains(claimed) -> list[list]:
    """The claimed rows as one chain per subject, in order. A subject stops at a row whose subject's earlier
    unpublished row is not among them (another relay holds it); rows without a subject are chains of their own."""
    chains: dict[object, list] = {}
    taken: set[int] = set()
    for row in sorted(claimed, key=lambda row: row.seq):
        if row.previous_unpublished is not None and row.previous_unpublished not in taken:
            continue
        taken.add(row.seq)
        chains.setdefault(row.subject if row.subject is not None else ("seq", row.seq), []).append(row)
    return list(chains.values())


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _now() -> datetime:
    return datetime.now(timezone.utc)
