"""Storing and reading the money trail (R-OVS-1). The chain's head hash lives on the row its decisions lock
(the project's ledger, or the plan), so appending costs no read and two transactions never chain onto the same
predecessor."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.adapters.money_tables import trail
from services.finance.domain.history import Actor
from services.finance.domain.trail import TrailEntry, entry_hash
from shared.clock import as_utc

ChainedEntry = tuple[TrailEntry, str | None, str]


async def append(session: AsyncSession, chain: str, head: str | None, entries: Sequence[TrailEntry]) -> str | None:
    """Append entries after `head` (the hash held on the locked row); returns the new head."""
    rows = []
    for entry in entries:
        own = entry_hash(head, chain, entry)
        rows.append(dict(chain=chain, at=entry.at, action=entry.action, department=entry.actor.department,
                         unit=entry.actor.unit, subject=entry.actor.subject, detail=dict(entry.detail),
                         reason=entry.reason, previous_hash=head, entry_hash=own))
        head = own
    if rows:
        await session.execute(insert(trail), rows)
    return head


async def entries_of(session: AsyncSession, chains: Sequence[str]) -> dict[str, list[ChainedEntry]]:
    found: dict[str, list[ChainedEntry]] = {chain: [] for chain in chains}
    if not chains:
        return found
    rows = (await session.execute(select(trail).where(trail.c.chain.in_(list(chains))).order_by(trail.c.id))
            ).mappings().all()
    for row in rows:
        entry = TrailEntry(as_utc(row["at"]), row["action"], Actor(row["department"], row["unit"], row["subject"]),
                           row["detail"], row["reason"])
        found[row["chain"]].append((entry, row["previous_hash"], row["entry_hash"]))
    return found
