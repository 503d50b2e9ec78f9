"""What the money commands share: the ledger lock that starts each of them, the trail written with the ledger,
and the retry of a command that lost a race."""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

from services.finance.adapters import trail_store
from services.finance.adapters.ledgers import LedgerRepository
from services.finance.adapters.repository import ConcurrentUpdate
from services.finance.domain.funding import Ledger
from services.finance.domain.trail import TrailEntry, project_chain
from shared.errors import NotFound, refuse
from shared.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
T = TypeVar("T")


async def lock_ledger(uow: UnitOfWork, project_id: str, field: str = "projectId") -> tuple[LedgerRepository, Ledger]:
    """Take the project's ledger lock: every decision on its money is taken while holding it."""
    ledgers = LedgerRepository(uow.session)
    ledger = await ledgers.lock(project_id)
    if ledger is None:
        raise NotFound("project", field)
    return ledgers, ledger


async def write_ledger(uow: UnitOfWork, ledgers: LedgerRepository, ledger: Ledger,
                       entries: Sequence[TrailEntry]) -> Ledger:
    """Save the locked ledger with its entries on the decision trail (R-OVS-1)."""
    await ledgers.save(ledger)
    await trail_store.append(uow.session, project_chain(ledger.project_id), entries)
    return ledger


async def note_on_trail(uow: UnitOfWork, project_id: str, entry: TrailEntry) -> None:
    """Record a fact another bureau reported on the project's money trail, if Finance keeps a ledger for it."""
    ledgers = LedgerRepository(uow.session)
    ledger = await ledgers.lock(project_id)
    if ledger is not None:
        await write_ledger(uow, ledgers, ledger, [entry])


async def retrying(attempt: Callable[[], Awaitable[T]], *, attempts: int = 3) -> T:
    """Run a command again on fresh figures if it lost a race (a plan saved meanwhile, a key or plan inserted by
    a concurrent command): the rules are re-checked, so a retry only succeeds if it is still allowed."""
    for _ in range(attempts):
        try:
            return await attempt()
        except (ConcurrentUpdate, IntegrityError):
            continue
    raise refuse("CONFLICT", "the records kept changing while this was decided; reload and try again")
