"""The secrecy service's commands: one function per command, each inside one unit of work, so that the state
change, its decision-history line and its outbox event commit together (or not at all)."""
from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from sqlalchemy.exc import IntegrityError

from services.secrecy.adapters.repository import ConcurrentUpdate
from shared.errors import refuse
from shared.uow import UnitOfWork

UowFactory = Callable[[], UnitOfWork]


@asynccontextmanager
async def command_uow(uow_factory: UowFactory, field: str) -> AsyncIterator[UnitOfWork]:
    """A command's unit of work; a concurrent change of the same record becomes a CONFLICT user error."""
    try:
        async with uow_factory() as uow:
            yield uow
    except (ConcurrentUpdate, IntegrityError):
        raise refuse("CONFLICT", "the record changed while you were deciding; reload it and try again", field)
