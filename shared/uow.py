"""The unit of work: one transaction per command or consumed message.

A command's state change, its outbox rows and its history rows commit together; a consumer's effect and its inbox
row commit together. Nothing else commits.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone

from opentelemetry import trace
from opentelemetry.trace import SpanKind
from sqlalchemy import Table, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.bus.base import PoisonMessage
from shared.events import Audience, Envelope, EventPayload
from shared.outbox_handoff import CommittedEvent, previous_unpublished
from shared.telemetry import extract_context, inject_context

log = logging.getLogger(__name__)
tracer = trace.get_tracer("egov.uow")


# The need-to-know facts of the projects a transaction's events concern, read by the emitting service from its own
# tables inside that transaction: project id -> Audience (a project it does not know is left out).
AudienceLookup = Callable[[AsyncSession, list[str]], Awaitable[dict[str, Audience]]]


class UnitOfWork:
    def __init__(self, sessions: async_sessionmaker, *, outbox: Table, inbox: Table, source: str,
                 on_commit: Callable[[list[CommittedEvent]], None] | None = None,
                 audience: AudienceLookup | None = None):
        self._sessions = sessions
        self._outbox = outbox
        self._inbox = inbox
        self.source = source
        self._on_commit = on_commit
        self._audience = audience
        self._after_commit: list[Callable[[], None]] = []
        self.session: AsyncSession | None = None
        self.emitted: list[Envelope] = []
        self._committed = False
        self.nothing_to_record = False

    async def __aenter__(self) -> "UnitOfWork":
        self.session = self._sessions()
        await self.session.begin()
        return self

    async def __aexit__(self, *exc_info) -> None:
        if not self._committed:
            await self.session.rollback()
        await self.session.close()

    async def emit(self, payload: EventPayload, *, subject: str | None) -> Envelope:
        """Announce an event: its outbox row is written with this transaction's commit."""
        envelope = Envelope.wrap(payload, source=self.source, subject=subject, trace=inject_context())
        self.emitted.append(envelope)
        return envelope

    def record_nothing(self) -> None:
        """A consumer's handler found the event changes nothing here, now or if it is handled again: the consumer
        writes no inbox row and commits nothing (a read-only transaction, no write to make durable)."""
        self.nothing_to_record = True

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Call this once the transaction has committed (never if it does not)."""
        self._after_commit.append(callback)

    async def _address_events(self) -> None:
        """Stamp each event with the audience of its project, as this transaction leaves the facts."""
        subjects = sorted({envelope.subject for envelope in self.emitted if envelope.subject})
        if self._audience is None or not subjects:
            return
        audiences = await self._audience(self.session, subjects)
        self.emitted = [envelope.model_copy(update={"audience": audiences.get(envelope.subject)})
                        for envelope in self.emitted]

    async def already_processed(self, consumer: str, event_id: str) -> bool:
        found = await self.session.execute(
            select(self._inbox.c.event_id).where(
                self._inbox.c.consumer == consumer, self._inbox.c.event_id == event_id
            )
        )
        return found.first() is not None

    async def mark_processed(self, consumer: str, envelope: Envelope) -> None:
        await self.session.execute(
            insert(self._inbox).values(
                consumer=consumer,
                event_id=envelope.id,
                type=envelope.type,
                processed_at=datetime.now(timezone.utc),
            )
        )

    async def commit(self) -> None:
        with tracer.start_as_current_span("db.commit", attributes={"egov.events": len(self.emitted)}):
            committed = []
            if self.emitted:  # one statement for all of them, in the order they were emitted
                await self._address_events()
                written_at = datetime.now(timezone.utc)
                written = await self.session.execute(
                    insert(self._outbox).returning(self._outbox.c.seq, previous_unpublished(self._outbox),
                                                   sort_by_parameter_order=True),
                    [{"event_id": envelope.id, "type": envelope.type, "subject": envelope.subject,
                      "envelope": envelope.model_dump(mode="json"), "created_at": written_at}
                     for envelope in self.emitted])
                committed = [CommittedEvent(row.seq, envelope.subject, envelope, row.previous_unpublished)
                             for row, envelope in zip(written, self.emitted)]
            await self.session.commit()
        self._committed = True
        if committed and self._on_commit:
            self._on_commit(committed)  # the relay publishes them (the fast path)
        for callback in self._after_commit:
            callback()


EventHandler = Callable[[UnitOfWork, EventPayload, Envelope], Awaitable[None]]


class EventConsumer:
    """Runs one handler per event type inside a unit of work, at most once per event id (the inbox)."""

    def __init__(self, name: str, uow_factory: Callable[[], UnitOfWork], handlers: dict[str, EventHandler]):
        self.name = name
        self._uow_factory = uow_factory
        self._handlers = handlers

    @property
    def routing_keys(self) -> list[str]:
        return sorted(self._handlers)

    async def __call__(self, envelope: Envelope) -> None:
        handler = self._handlers.get(envelope.type)
        if handler is None:  # bound to its key but not a type (or version) we know: keep it for an operator
            raise PoisonMessage(f"{self.name} has no handler for {envelope.type}")
        while True:
            try:
                return await self._handle(handler, envelope)
            except Exception:
                if await self._database_reachable():
                    raise  # the event's own failure: the bus retries it up to its delivery limit
            # The database is away: not the event's fault, so it keeps its delivery budget and waits here.
            log.warning("%s: database unreachable while handling %s %s; waiting for it", self.name, envelope.type,
                        envelope.id)
            await self._until_database_reachable()

    async def _handle(self, handler: EventHandler, envelope: Envelope) -> None:
        with tracer.start_as_current_span(
            f"consume {envelope.type}",
            context=extract_context(envelope.trace),
            kind=SpanKind.CONSUMER,
            attributes={"messaging.message.id": envelope.id, "egov.consumer": self.name},
        ):
            # No look at the inbox first: a repeat is rare, and its inbox row (the primary key) refuses it at the end,
            # rolling its effect back. Any failure is checked the same way: the handler of a repeat may also refuse
            # because the first delivery's effect is already there.
            try:
                async with self._uow_factory() as uow:
                    await handler(uow, envelope.payload(), envelope)
                    if uow.nothing_to_record and not uow.emitted:
                        return
                    await uow.mark_processed(self.name, envelope)
                    await uow.commit()
            except Exception:
                async with self._uow_factory() as uow:
                    if await uow.already_processed(self.name, envelope.id):
                        log.info("%s: %s %s already processed", self.name, envelope.type, envelope.id)
                        return
                raise

    async def _database_reachable(self) -> bool:
        try:
            async with self._uow_factory() as uow:
                await uow.session.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - whatever the reason, it cannot take the event now
            return False

    async def _until_database_reachable(self, longest_wait: float = 2.0) -> None:
        wait = 0.05
        while not await self._database_reachable():
            await asyncio.sleep(wait)
            wait = min(wait * 2, longest_wait)
