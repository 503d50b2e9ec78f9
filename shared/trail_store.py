"""Each service's decision trail in its own database (R-OVS-1): an append-only table of entries and a one-row chain
head, created by the service's own migration (`create_trail_tables_v1`), as the outbox is.

Appending is safe when decisions commit at once: it starts with one UPDATE of the head row that moves the sequence
on and returns the previous hash. On PostgreSQL that UPDATE locks the row until the transaction ends, so a
concurrent append waits there and then reads the head as committed (READ COMMITTED re-reads an updated row): the
chain never forks and no decision fails for it. On SQLite the same UPDATE takes the database's single write lock.

Every decision of a service passes that one row, so its lock is held as briefly as can be: `append` only queues the
decisions on the session, and they are chained as the transaction commits, after everything else it writes (two
statements on PostgreSQL: take the head, then write the entries and the new head hash at once), or before the
session reads the trail. A transaction's own reads see its decisions; one rolled back leaves nothing.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import (
    BigInteger, Boolean, Column, DateTime, Index, Integer, MetaData, String, Table, Text, event, insert, select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from shared.clock import as_utc
from shared.trail import GENESIS, Decision, TrailEntry, TrailReport, chain, verify

TRAIL_TABLE, HEAD_TABLE = "decision_trail", "decision_trail_head"
HEAD_ID = 1
VERIFY_BATCH = 1000
_PENDING = "egov.trail.pending"  # in Session.info: the decisions queued in this transaction, per trail


def _entry_columns_v1() -> list:
    return [
        Column("seq", BigInteger, primary_key=True, autoincrement=False),
        Column("at", DateTime(timezone=True), nullable=False),
        Column("action", String(60), nullable=False),
        Column("subject_type", String(30), nullable=False),
        Column("subject_id", String(100), nullable=False),
        Column("project_id", String(36)),
        Column("classified", Boolean, nullable=False),
        Column("content", Text, nullable=False),
        Column("content_digest", String(64), nullable=False),
        # One entry per predecessor: whatever happens to the head row, the chain cannot fork.
        Column("previous_hash", String(64), nullable=False, unique=True),
        Column("entry_hash", String(64), nullable=False),
        Index(f"ix_{TRAIL_TABLE}_subject", "subject_type", "subject_id"),
        Index(f"ix_{TRAIL_TABLE}_project", "project_id"),
    ]


def _head_columns_v1() -> list:
    return [
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("seq", BigInteger, nullable=False),
        Column("entry_hash", String(64), nullable=False),
    ]


@dataclass(frozen=True)
class TrailTables:
    entries: Table
    head: Table


def trail_tables(metadata: MetaData) -> TrailTables:
    """The decision trail's tables in one service's database."""
    return TrailTables(Table(TRAIL_TABLE, metadata, *_entry_columns_v1()),
                       Table(HEAD_TABLE, metadata, *_head_columns_v1()))


def create_trail_tables_v1(op) -> None:
    """Alembic operations creating the trail and its head at the genesis (version 1 of their shape; never edit)."""
    op.create_table(TRAIL_TABLE, *_entry_columns_v1())
    head = op.create_table(HEAD_TABLE, *_head_columns_v1())
    op.bulk_insert(head, [{"id": HEAD_ID, "seq": 0, "entry_hash": GENESIS}])


def drop_trail_tables_v1(op) -> None:
    op.drop_table(HEAD_TABLE)
    op.drop_table(TRAIL_TABLE)


def _row(entry: TrailEntry, decision: Decision) -> dict:
    return dict(seq=entry.seq, at=decision.at, action=decision.action, subject_type=decision.subject_type,
                subject_id=decision.subject_id, project_id=decision.project_id, classified=entry.classified,
                content=entry.content, content_digest=entry.content_digest, previous_hash=entry.previous_hash,
                entry_hash=entry.entry_hash)


def _chained(first_seq: int, previous: str, decisions: Sequence[Decision]) -> tuple[list[dict], list[TrailEntry]]:
    rows, entries = [], []
    for seq, decision in enumerate(decisions, start=first_seq):
        entry = chain(seq, previous, decision)
        rows.append(_row(entry, decision))
        entries.append(entry)
        previous = entry.entry_hash
    return rows, entries


def _take_head(tables: TrailTables, count: int):
    """The UPDATE that claims `count` sequence numbers: returns the new last number and the previous hash."""
    head = tables.head
    return (update(head).where(head.c.id == HEAD_ID).values(seq=head.c.seq + count)
            .returning(head.c.seq, head.c.entry_hash))


def append_in_migration(op, decisions: Iterable[Decision]) -> int:
    """Alembic: chain decisions already taken (rows of an older history) onto the trail; returns how many."""
    tables, connection, decisions = trail_tables(MetaData()), op.get_bind(), list(decisions)
    if not decisions:
        return 0
    last, previous = connection.execute(_take_head(tables, len(decisions))).one()
    rows, entries = _chained(last - len(decisions) + 1, previous, decisions)
    connection.execute(insert(tables.entries), rows)
    connection.execute(update(tables.head).where(tables.head.c.id == HEAD_ID)
                       .values(entry_hash=entries[-1].entry_hash))
    return len(entries)


def entry_from_row(row) -> TrailEntry:
    return TrailEntry(seq=row["seq"], previous_hash=row["previous_hash"], content_digest=row["content_digest"],
                      entry_hash=row["entry_hash"], classified=row["classified"], content=row["content"],
                      indexed={"at": as_utc(row["at"]).isoformat(), "action": row["action"],
                               "subject_type": row["subject_type"], "subject_id": row["subject_id"],
                               "project_id": row["project_id"]})


def _chain_pending(session: Session) -> None:
    """Chain the decisions queued on this session onto their trails (before its commit, or a read of a trail)."""
    pending: dict[TrailTables, list[Decision]] = session.info.pop(_PENDING, None) or {}
    for tables, decisions in pending.items():
        last, previous = session.execute(_take_head(tables, len(decisions))).one()
        rows, entries = _chained(last - len(decisions) + 1, previous, decisions)
        new_head = update(tables.head).where(tables.head.c.id == HEAD_ID).values(entry_hash=entries[-1].entry_hash)
        if session.get_bind().dialect.name == "postgresql":  # one round trip: the entries and the head at once
            session.execute(insert(tables.entries).values(rows).add_cte(new_head.returning(tables.head.c.id)
                                                                          .cte("new_head")))
        else:
            session.execute(insert(tables.entries), rows)
            session.execute(new_head)


def _forget_pending(session: Session, *_args) -> None:
    session.info.pop(_PENDING, None)


class DecisionTrail:
    """A service's trail, inside the caller's transaction (its unit of work commits)."""

    def __init__(self, tables: TrailTables, session: AsyncSession):
        self.tables, self.session = tables, session

    async def append(self, *decisions: Decision) -> None:
        """Put decisions on the trail with this transaction: chained onto the head as it commits."""
        if not decisions:
            return
        session = self.session.sync_session
        if not event.contains(session, "before_commit", _chain_pending):
            event.listen(session, "before_commit", _chain_pending)
            event.listen(session, "after_rollback", _forget_pending)
        session.info.setdefault(_PENDING, {}).setdefault(self.tables, []).extend(decisions)

    async def _chain_pending(self) -> None:
        if self.session.sync_session.info.get(_PENDING):
            await self.session.run_sync(_chain_pending)

    async def head(self) -> tuple[int, str]:
        await self._chain_pending()
        head = self.tables.head
        row = (await self.session.execute(select(head.c.seq, head.c.entry_hash).where(head.c.id == HEAD_ID))).one()
        return row.seq, row.entry_hash

    async def entries(self, after_seq: int = 0, limit: int | None = None) -> list[TrailEntry]:
        await self._chain_pending()
        table = self.tables.entries
        query = select(table).where(table.c.seq > after_seq).order_by(table.c.seq)
        if limit is not None:
            query = query.limit(limit)
        return [entry_from_row(row) for row in (await self.session.execute(query)).mappings()]

    async def about(self, subject_type: str, subject_ids: Sequence[str]) -> dict[str, list[TrailEntry]]:
        """The entries about each subject (a project, a plan, a vendor...), oldest first."""
        await self._chain_pending()
        table = self.tables.entries
        found: dict[str, list[TrailEntry]] = {subject_id: [] for subject_id in subject_ids}
        for start in range(0, len(subject_ids), 1000):
            rows = await self.session.execute(select(table).where(
                table.c.subject_type == subject_type, table.c.subject_id.in_(list(subject_ids[start:start + 1000])))
                .order_by(table.c.seq))
            for row in rows.mappings():
                found[row["subject_id"]].append(entry_from_row(row))
        return found

    async def verify(self) -> TrailReport:
        """Walk the whole chain, a batch at a time (memory stays flat however long it grows), against its head."""
        head = await self.head()
        checked = withheld = 0
        seq, previous = 0, GENESIS
        while True:
            batch = await self.entries(seq, VERIFY_BATCH)
            report = verify(batch, head=None if batch else head, after_seq=seq, after_hash=previous)
            checked, withheld = checked + report.checked, withheld + report.withheld
            if report.broken is not None or not batch:
                return TrailReport(checked, withheld, report.head_seq, report.head_hash, report.broken)
            seq, previous = report.head_seq, report.head_hash
