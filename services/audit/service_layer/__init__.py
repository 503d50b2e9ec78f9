"""The audit service's commands: one function per command, each inside one unit of work, so that the state change,
its decision-trail entry and its outbox event commit together, or nothing does."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

from services.audit.adapters.plans import ConcurrentUpdate
from shared.errors import refuse
from shared.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
T = TypeVar("T")


async def in_unit_of_work(uow_factory: UowFactory, work: Callable[[UnitOfWork], Awaitable[T]], *, field: str,
                          attempts: int = 3) -> T:
    """Run `work` and commit. If another decision got in first on the same record, decide again on the fresh state:
    the rules are re-checked, so a retry succeeds only if allowed.
    A refusal (DomainError) propagates at once and the transaction is rolled back: nothing is written."""
    for _attempt in range(attempts):
        try:
            async with uow_factory() as uow:
                result = await work(uow)
                await uow.commit()
                return result
        except (ConcurrentUpdate, IntegrityError):
            continue
    raise refuse("CONFLICT", "the record keeps changing while you decide; reload it and try again", field)
