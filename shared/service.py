"""A service's runtime (database, bus, outbox relay, consumers) and its FastAPI app.

The runtime is started by the app's lifespan when a service is served alone, or by the embedded composition
when every service shares one process and one in-process bus.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Protocol

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from opentelemetry import trace
from opentelemetry.trace import SpanKind
from sqlalchemy import MetaData, text

from shared.auth import AuthError, TokenVerifier
from shared.bus import Bus, create_bus
from shared.db import create_engine, create_read_session_factory, create_relay_engine, create_session_factory
from shared.event_loop_thread import EventLoopThread, RelayOnThread
from shared.graphql import RequestContext
from shared.graphql_over_http import JSON, error_response, response_media
from shared.metrics import add_metrics_route, process_metrics
from shared.outbox import OutboxRelay, messaging_tables
from shared.outbox_admin import outbox_health
from shared.settings import Settings
from shared.subgraph_http import SubgraphRouter
from shared.heap import freeze_startup_heap
from shared.telemetry import NO_FRAMEWORK_TELEMETRY, extract_context
from shared.uow import AudienceLookup, EventConsumer, EventHandler, UnitOfWork

log = logging.getLogger(__name__)
tracer = trace.get_tracer("egov.service")


@dataclass
class ServiceDefinition:
    """What makes one bureau's service: its name, tables, migrations, schema and the events it consumes."""

    name: str
    metadata: MetaData
    migrations: str  # path of the service's Alembic script folder
    schema_factory: Callable[[], object]
    # The events it consumes: a mapping of event type to handler, or a factory of one given the settings.
    handlers: dict[str, EventHandler] | Callable[[Settings], dict[str, EventHandler]] = field(default_factory=dict)
    # Who may read its events: the need-to-know facts of their projects, from its own tables (shared.uow).
    audience: AudienceLookup | None = None
    # Background work that lives as long as the service's event side (e.g. feeds to other agencies): each factory
    # is given the runtime and returns a `Worker`, started and stopped on the loop of the relay and the consumers.
    workers: list[Callable[["ServiceRuntime"], "Worker"]] = field(default_factory=list)

    def handlers_for(self, settings: Settings) -> dict[str, EventHandler]:
        return self.handlers(settings) if callable(self.handlers) else self.handlers


class Worker(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class ServiceRuntime:
    """A service's database, bus, outbox relay and consumers.

    On RabbitMQ (a bus of its own) the relay and the consumers run on a loop of their own (`EventLoopThread`), with
    their own engine and broker connections, so an event is published and handled without waiting behind the
    requests in progress. With a bus given (the embedded system's in-process bus) everything shares the caller's
    loop. `consumer` and `relay` are for the request loop either way (tests hand events to `consumer`)."""

    def __init__(self, definition: ServiceDefinition, settings: Settings, *, bus: Bus | None = None):
        self.definition = definition
        self.name = definition.name
        self.settings = settings
        self.database_url = settings.database_url_for(definition.name)
        self.engine = create_engine(self.database_url)
        self.sessions = create_session_factory(self.engine)
        self.reads = create_read_session_factory(self.engine)
        self.outbox, self.inbox = _messaging_tables(definition.metadata)
        self._owns_bus = bus is None
        self.bus = bus or create_bus(settings)
        self._events_thread = EventLoopThread(f"{self.name}-events") if settings.amqp_url and bus is None else None
        # The engine the relay and the bus's consumers use: asyncpg's connections belong to the loop that opened them.
        self._events_engine = create_engine(self.database_url) if self._events_thread else self.engine
        process_metrics().count_statements(self.engine, self.name, "requests")
        if self._events_engine is not self.engine:
            process_metrics().count_statements(self._events_engine, self.name, "events")
        # The sessions of what runs on the events loop, workers included.
        self.events_sessions = create_session_factory(self._events_engine) if self._events_thread else self.sessions
        self.events_reads = create_read_session_factory(self._events_engine) if self._events_thread else self.reads
        self._relay_engine = create_relay_engine(self.database_url)
        if self._relay_engine is not None:
            process_metrics().count_statements(self._relay_engine, self.name, "relay")
        relay_sessions = create_session_factory(self._relay_engine) if self._relay_engine else self.events_sessions
        self._relay = OutboxRelay(relay_sessions, self.outbox, self.bus,
                                  poll_interval=settings.relay_poll_interval, max_attempts=settings.outbox_max_attempts)
        self.relay = RelayOnThread(self._relay, self._events_thread) if self._events_thread else self._relay
        self.verifier = TokenVerifier(settings)
        handlers = definition.handlers_for(settings)
        self.consumer = EventConsumer(self.name, self.uow, handlers)
        self._bus_consumer = EventConsumer(
            self.name, lambda: self.unit_of_work_on(self.events_sessions, self._relay.handoff), handlers,
        ) if self._events_thread else self.consumer
        self._workers: list[Worker] = []
        self.started = False

    def uow(self) -> UnitOfWork:
        return self.unit_of_work_on(self.sessions, self.relay.handoff)

    def unit_of_work_on(self, sessions, on_commit=None) -> UnitOfWork:
        """A unit of work of this service on the given sessions (`events_sessions` on the events loop)."""
        return UnitOfWork(sessions, outbox=self.outbox, inbox=self.inbox, source=self.name, on_commit=on_commit,
                          audience=self.definition.audience)

    async def on_events_loop(self, coroutine):
        """Run what uses the bus or the relay on the loop they belong to."""
        if self._events_thread is None:
            return await coroutine
        return await self._events_thread.run(coroutine)

    async def migrate(self) -> None:
        from shared.migrations import upgrade  # Alembic (and Mako, Pygments) only in a process that migrates

        await upgrade(self.definition.migrations, self.engine)

    async def start(self, *, migrate: bool = True) -> None:
        if migrate:
            await self.migrate()
        if self._events_thread is not None:
            self._events_thread.start()
        await self.on_events_loop(self._start_events())
        process_metrics().watch(self)
        self.started = True

    async def _start_events(self) -> None:
        if self._owns_bus:
            try:
                await self.bus.start()
            except Exception as exc:  # the relay keeps the outbox until the broker answers
                log.warning("%s: broker not reachable at start (%s); events wait in the outbox", self.name, exc)
        if self._bus_consumer.routing_keys:
            await self.bus.subscribe(self.name, self._bus_consumer.routing_keys,
                                     process_metrics().timed_consumer(self.name, self._bus_consumer))
        self._relay.start()
        self._workers = [make(self) for make in self.definition.workers]
        for worker in self._workers:
            await worker.start()

    async def stop(self) -> None:
        process_metrics().unwatch(self)
        await self.on_events_loop(self._stop_events())
        if self._events_thread is not None:
            await self._events_thread.stop()
        await self.engine.dispose()
        self.started = False

    async def _stop_events(self) -> None:
        for worker in reversed(self._workers):
            await worker.stop()
        self._workers = []
        await self._relay.stop()
        if self._owns_bus:
            await self.bus.close()
        if self._events_engine is not self.engine:
            await self._events_engine.dispose()
        if self._relay_engine is not None:
            await self._relay_engine.dispose()

    async def queue_depth(self) -> tuple[int, int] | None:
        """Messages waiting in this service's queue and its dead-letter queue, as the broker counts them."""
        return await self.on_events_loop(self.bus.queue_depth(self.name))

    async def readiness(self) -> dict[str, object]:
        checks: dict[str, object] = {}
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"error: {type(exc).__name__}"
        checks["bus"] = "ok" if await self.on_events_loop(self.bus.ready()) else "unreachable"
        checks["relay"] = "ok" if self.relay.last_error is None else f"retrying: {self.relay.last_error}"
        if checks["database"] == "ok":
            try:  # rows parked for an operator, and how far behind the outbox is
                checks.update(await outbox_health(self.sessions, self.outbox))
            except Exception as exc:  # noqa: BLE001 - e.g. not migrated yet
                checks["outbox"] = f"error: {type(exc).__name__}"
        return checks


def _messaging_tables(metadata: MetaData):
    if "outbox" in metadata.tables:
        return metadata.tables["outbox"], metadata.tables["inbox"]
    return messaging_tables(metadata)


def create_service_app(runtime: ServiceRuntime, *, manage_lifecycle: bool = True,
                       migrate_on_start: bool = True, freeze_heap: bool = False) -> FastAPI:
    """The service's HTTP face: its federated subgraph at /graphql, /healthz and /readyz. `freeze_heap`: a serving
    process's start-up objects leave the garbage collector's reach once started (`shared.heap`)."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        if manage_lifecycle:
            await runtime.start(migrate=migrate_on_start)
            if freeze_heap:
                freeze_startup_heap()
        try:
            yield
        finally:
            if manage_lifecycle:
                await runtime.stop()

    app = FastAPI(title=f"egov {runtime.name} service", lifespan=lifespan, telemetry=NO_FRAMEWORK_TELEMETRY)

    async def context_getter(request: Request) -> RequestContext:
        try:
            identity = runtime.verifier.from_authorization(request.headers.get("authorization"))
        except AuthError as exc:
            raise _Unauthenticated(str(exc)) from exc
        return RequestContext(identity=identity, runtime=runtime)

    graphql_router = SubgraphRouter(runtime.definition.schema_factory(), context_getter=context_getter,
                                    graphql_ide="graphiql", max_body_bytes=runtime.settings.max_body_bytes,
                                    component=runtime.name)
    app.include_router(graphql_router, prefix="/graphql")

    app.add_middleware(_TraceRequests, component=runtime.name)

    @app.exception_handler(_Unauthenticated)
    async def unauthenticated(request: Request, exc: _Unauthenticated):
        media = response_media(request.headers.get("accept", "")) or JSON
        return error_response(str(exc), "UNAUTHENTICATED", 401, media)

    add_metrics_route(app)

    @app.get("/healthz")
    async def healthz():
        return {"status": "ok", "service": runtime.name}

    @app.get("/readyz")
    async def readyz():
        checks = await runtime.readiness()
        ready = runtime.started and checks["database"] == "ok"
        return JSONResponse({"ready": ready, "service": runtime.name, **checks}, status_code=200 if ready else 503)

    return app


class _Unauthenticated(Exception):
    pass


class _TraceRequests:
    """A server span per HTTP request, continuing the caller's trace (the gateway's): plain ASGI, where Starlette's
    `BaseHTTPMiddleware` would run every request through a task group and memory streams."""

    def __init__(self, app, component: str):
        self.app, self.component = app, component

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        carrier = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
        with tracer.start_as_current_span(f"{self.component} {scope['method']} {scope['path']}",
                                          context=extract_context(carrier), kind=SpanKind.SERVER):
            await self.app(scope, receive, send)
