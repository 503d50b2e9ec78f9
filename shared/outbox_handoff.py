"""The relay's fast path: events handed over by the transaction that committed them, published at once.

A relay that only polls reads back what was just written: take a lock and a transaction, select the rows, publish
them, mark them, commit, and only then start on what committed meanwhile. On a busy machine each of those round
trips waits its turn, and an event committed during a round waits for the whole round. Here the committing unit of
work hands its rows to the relay as they committed (`CommittedEvent`: the seq, the envelope, and the seq of the
subject's latest earlier unpublished row as the row was written), and the relay publishes them right away, each
project's events one after another and projects side by side. What the broker confirmed is marked published in the
background, many rows per statement, off the event's path.

Order per subject holds as on the polling path: a row follows only an earlier row this relay has itself published
or is publishing (it waits for that one's confirmation); a row behind one it does not know (another replica's, a
parked one, one from before a restart) is left to the polling round, which takes them in order. A row that fails
here is left to the round too, which counts its attempts and parks it. Within a process a row is sent by one of
the two (each checks the other on the loop they share); a row sent here and again by a round (the process died
before marking it, or another replica's round took it before it was marked) reaches the consumers twice, and
their inbox gives it one effect.
"""
from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Table, bindparam, literal_column, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from shared.bus import Bus
from shared.events import Envelope

log = logging.getLogger(__name__)

REMEMBERED = 4096  # seqs of rows this relay published lately, that a later row of their subject may follow


@dataclass(frozen=True)
class CommittedEvent:
    """An outbox row as its transaction committed it."""

    seq: int
    subject: str | None
    envelope: Envelope
    previous_unpublished: int | None  # its subject's latest earlier unpublished row, as the row was written


def previous_unpublished(outbox: Table):
    """The seq of the row's subject's latest earlier unpublished row, for the outbox INSERT's RETURNING and the
    relay's claim. Written out because SQLAlchemy does not correlate a subquery in RETURNING with the table
    inserted into."""
    name = outbox.name
    return literal_column(
        f"(SELECT max(earlier.seq) FROM {name} AS earlier WHERE earlier.subject = {name}.subject "
        f"AND earlier.seq < {name}.seq AND earlier.published_at IS NULL)").label("previous_unpublished")


class FastPath:
    def __init__(self, session_factory: async_sessionmaker, outbox: Table, bus: Bus, *, on_left_over):
        self._sessions = session_factory
        self._outbox = outbox
        self._bus = bus
        self._on_left_over = on_left_over  # called when a row is left to the polling round
        self._sending: dict[int, asyncio.Future[bool]] = {}  # seq -> confirmed or not
        self._confirmed: dict[int, datetime] = {}  # seq -> when the broker confirmed it, not yet marked
        self._published: OrderedDict[int, None] = OrderedDict()  # lately marked, oldest first
        self._tasks: set[asyncio.Task] = set()
        self._marker: asyncio.Task | None = None
        self._marked_since_settled = 0
        self.last_error: str | None = None

    def busy_with(self) -> list[int]:
        """Rows a polling round must not take: being published here, or published and not yet marked."""
        return [*self._sending, *self._confirmed]

    def has(self, seq: int) -> bool:
        """Whether this row is the fast path's: being published, published, or lately marked."""
        return seq in self._sending or seq in self._confirmed or seq in self._published

    def remember(self, seqs) -> None:
        """Rows the polling round published and committed: later rows of their subjects may follow them here."""
        for seq in seqs:
            self._published[seq] = None
        while len(self._published) > REMEMBERED:
            self._published.popitem(last=False)

    def take(self, events: list[CommittedEvent], claimed: set[int]) -> None:
        """Start publishing what a transaction committed (not rows a round has already taken)."""
        chains: dict[object, list[CommittedEvent]] = {}
        for event in events:
            if event.seq in claimed or self.has(event.seq):
                continue
            chains.setdefault(event.subject if event.subject is not None else ("seq", event.seq), []).append(event)
        loop = asyncio.get_running_loop()
        for chain in chains.values():
            outcomes = [loop.create_future() for _ in chain]
            for event, outcome in zip(chain, outcomes):
                self._sending[event.seq] = outcome
            task = loop.create_task(self._send(chain, outcomes))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _follows(self, previous: int | None) -> bool:
        if previous is None or previous in self._confirmed or previous in self._published:
            return True
        outcome = self._sending.get(previous)
        return False if outcome is None else await asyncio.shield(outcome)

    async def _send(self, chain: list[CommittedEvent], outcomes: list[asyncio.Future]) -> None:
        going = await self._follows(chain[0].previous_unpublished)
        for event, outcome in zip(chain, outcomes):
            if going:
                try:
                    await self._bus.publish(event.envelope)
                    self._confirmed[event.seq] = datetime.now(timezone.utc)
                except Exception as exc:  # noqa: BLE001 - the round retries it and charges the attempt
                    log.debug("outbox row %s left to the relay's next round: %s", event.seq, exc)
                    going = False
            del self._sending[event.seq]
            outcome.set_result(going)
        if not going:
            self._on_left_over()
        self.mark_later()

    def mark_later(self) -> None:
        """Mark what the broker confirmed, unless a marker is at it already (again after a failed mark)."""
        if self._confirmed and (self._marker is None or self._marker.done()):
            self._marker = asyncio.get_running_loop().create_task(self._mark())

    async def _mark(self) -> None:
        """Mark what the broker confirmed as published, a batch per statement, until none is left."""
        outbox = self._outbox
        statement = (update(outbox).where(outbox.c.seq == bindparam("confirmed_seq"))
                     .values(published_at=bindparam("confirmed_at"), attempts=outbox.c.attempts + 1))
        while self._confirmed:
            batch = dict(self._confirmed)
            try:
                async with self._sessions() as session, session.begin():
                    await session.execute(statement, [{"confirmed_seq": seq, "confirmed_at": at}
                                                      for seq, at in batch.items()])
            except Exception as exc:  # noqa: BLE001 - kept; the relay's next round or settle() tries again
                self.last_error = f"marking published rows: {type(exc).__name__}: {exc}"
                log.warning("outbox relay could not mark %d published rows: %s", len(batch), exc)
                return
            self.last_error = None
            for seq in batch:
                del self._confirmed[seq]
            self.remember(batch)
            self._marked_since_settled += len(batch)

    async def settle(self) -> int:
        """Wait for what is being published and marked; returns how many rows were marked since the last call."""
        while self._tasks or (self._marker is not None and not self._marker.done()):
            await asyncio.gather(*self._tasks, *([self._marker] if self._marker else []), return_exceptions=True)
        if self._confirmed:  # a mark failed: once more, now
            self._marker = asyncio.get_running_loop().create_task(self._mark())
            await self._marker
        marked, self._marked_since_settled = self._marked_since_settled, 0
        return marked
