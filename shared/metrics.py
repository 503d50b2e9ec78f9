"""Metrics in Prometheus's text format at /metrics (one registry per process): what is counted per request or event
by prometheus_client's own counters and histograms, what is read at a scrape by OpenTelemetry's observable
instruments.

- `egov_graphql_requests_total` and `egov_graphql_request_duration_seconds`: GraphQL requests by component (the
  gateway or a subgraph), operation name ("anonymous" if none; a subgraph takes the client's operation name the
  gateway forwards) and outcome ("ok", or "error" when the answer carries errors or is refused).
- `egov_outbox_backlog`, `egov_outbox_oldest_unpublished_age_seconds`, `egov_outbox_parked`: each service's outbox,
  read from its database when Prometheus scrapes (one indexed query per service, nothing in between).
- `egov_queue_ready_messages`, `egov_queue_dead_letters`: each consuming service's queue and its dead-letter queue.
- `egov_events_consumed_total`, `egov_event_handler_duration_seconds`: the consumers' work, by event type and outcome.

In the embedded default every service and the gateway share the process, so one /metrics tells all of them.
"""
from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from fastapi import FastAPI, Response
from graphql import GraphQLError, Lexer, Source, TokenKind
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.sdk.metrics import MeterProvider
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import disable_created_metrics
from sqlalchemy import event

from shared.metrics_sources import Snapshot, snapshot

if TYPE_CHECKING:
    from shared.service import ServiceRuntime

log = logging.getLogger(__name__)
disable_created_metrics()  # no `_created` series beside each counter and histogram

ANONYMOUS = "anonymous"
OTHER = "other"  # past MAX_OPERATION_NAMES distinct names per component (clients choose names: bound the series)
MAX_OPERATION_NAMES = 200
OPERATION_HEADER = "x-egov-operation"  # the client's operation name, forwarded by the gateway to the subgraphs
SOURCE_TIMEOUT = 2.0  # seconds one service may take to tell its outbox and queue numbers at a scrape
_DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,99}")
_OPENING = (TokenKind.BRACE_L, TokenKind.PAREN_L, TokenKind.BRACKET_L)
_CLOSING = (TokenKind.BRACE_R, TokenKind.PAREN_R, TokenKind.BRACKET_R)


def document_operation_name(query: object) -> str | None:
    """The name of the document's first operation, reading only as many tokens as it takes; None if anonymous."""
    if not isinstance(query, str):
        return None
    lexer, depth, in_fragment = Lexer(Source(query)), 0, False
    try:
        while (token := lexer.advance()).kind is not TokenKind.EOF:
            if token.kind in _CLOSING:
                depth -= 1
                in_fragment = in_fragment and depth > 0
            elif token.kind in _OPENING:
                if depth == 0 and token.kind is TokenKind.BRACE_L and not in_fragment:
                    return None  # `{ ... }`: the anonymous query shorthand
                depth += 1
            elif depth == 0 and token.kind is TokenKind.NAME and not in_fragment:
                if token.value == "fragment":
                    in_fragment = True
                elif token.value in ("query", "mutation", "subscription"):
                    following = lexer.advance()
                    return following.value if following.kind is TokenKind.NAME else None
    except GraphQLError:
        return None  # the executor reports the syntax error
    return None


def request_operation_name(body: object) -> str:
    """The operation a GraphQL request runs, as a metric label: `operationName`, else the document's, else anonymous."""
    if not isinstance(body, dict):
        return ANONYMOUS
    name = body.get("operationName")
    if isinstance(name, str) and name:
        return name if _NAME.fullmatch(name) else OTHER  # not a GraphQL name: no such operation, nor a header value
    return document_operation_name(body.get("query")) or ANONYMOUS


class ProcessMetrics:
    """The process's meter provider, its Prometheus registry, the instruments, and the services it watches."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        reader = PrometheusMetricReader(disable_target_info=True, registry=self.registry)
        self.provider = MeterProvider(metric_readers=[reader])
        meter = self.provider.get_meter("egov")
        # What is counted per request or per event is counted by prometheus_client itself (a fifth of the
        # OpenTelemetry SDK's cost per measurement, which every request pays); what is read at a scrape goes
        # through OpenTelemetry's observable instruments.
        self.requests = Counter("egov_graphql_requests", "GraphQL requests answered",
                                ("component", "operation", "outcome"), registry=self.registry)
        self.request_duration = Histogram("egov_graphql_request_duration_seconds", "time to answer a GraphQL request",
                                          ("component", "operation", "outcome"), registry=self.registry,
                                          buckets=_DURATION_BUCKETS)
        self.consumed = Counter("egov_events_consumed", "events handed to a service's consumer",
                                ("service", "type", "outcome"), registry=self.registry)
        self.handler_duration = Histogram("egov_event_handler_duration_seconds", "time a consumer took on one event",
                                          ("service", "type", "outcome"), registry=self.registry,
                                          buckets=_DURATION_BUCKETS)
        for name, unit, field, description in (
            ("egov.outbox.backlog", "1", "backlog", "outbox rows not yet published"),
            ("egov.outbox.oldest_unpublished.age", "s", "oldest_age", "age of the oldest unpublished outbox row"),
            ("egov.outbox.parked", "1", "parked", "outbox rows parked after the broker kept refusing them"),
            ("egov.queue.ready.messages", "1", "ready", "messages waiting in the service's queue"),
            ("egov.queue.dead_letters", "1", "dead_letters", "messages in the service's dead-letter queue"),
        ):
            meter.create_observable_gauge(name, callbacks=[self._observer(field)], unit=unit,
                                          description=description)
        meter.create_observable_counter("egov.db.statements", callbacks=[self._observe_statements], unit="1",
                                        description="SQL statements a service sent, by pool (requests; events: "
                                                    "its consumers and workers; relay: its outbox relay)")
        meter.create_observable_counter("egov.db.connections.opened", callbacks=[self._observe_connections],
                                        unit="1", description="database connections a service opened, by pool: "
                                                              "churn shows a pool too small for its bursts")
        self._statements: dict[tuple[str, str], int] = {}
        self._connections: dict[tuple[str, str], int] = {}
        self._services: dict[str, ServiceRuntime] = {}
        self._snapshots: dict[str, Snapshot] = {}
        self._operation_names: dict[str, set[str]] = {}

    # -- GraphQL requests and consumed events --------------------------------------------------------------------
    def operation_label(self, component: str, name: str) -> str:
        known = self._operation_names.setdefault(component, set())
        if name not in known:
            if len(known) >= MAX_OPERATION_NAMES:
                return OTHER
            known.add(name)
        return name

    def record_request(self, component: str, operation: str, ok: bool, seconds: float) -> None:
        labels = (component, self.operation_label(component, operation), "ok" if ok else "error")
        self.requests.labels(*labels).inc()
        self.request_duration.labels(*labels).observe(seconds)

    def timed_consumer(self, service: str, handler: Callable[[object], Awaitable[None]]):
        """`handler` (a bus handler) counting each event it is handed and how long it took."""

        async def consume(envelope) -> None:
            started, outcome = time.perf_counter(), "error"
            try:
                await handler(envelope)
                outcome = "ok"
            finally:
                labels = (service, envelope.type, outcome)
                self.consumed.labels(*labels).inc()
                self.handler_duration.labels(*labels).observe(time.perf_counter() - started)

        return consume

    # -- SQL statements -------------------------------------------------------------------------------------------
    def count_statements(self, engine, service: str, pool: str) -> None:
        """Count every statement `engine` sends and every connection it opens (plain integers; the exporter reads
        them at a scrape)."""
        key = (service, pool)
        self._statements.setdefault(key, 0)
        self._connections.setdefault(key, 0)

        def counted(*_args) -> None:
            self._statements[key] += 1

        def opened(*_args) -> None:
            self._connections[key] += 1

        event.listen(engine.sync_engine, "before_cursor_execute", counted)
        event.listen(engine.sync_engine.pool, "connect", opened)

    def _observe_statements(self, _options: CallbackOptions):
        return [Observation(count, {"service": service, "pool": pool})
                for (service, pool), count in self._statements.items()]

    def _observe_connections(self, _options: CallbackOptions):
        return [Observation(count, {"service": service, "pool": pool})
                for (service, pool), count in self._connections.items()]

    # -- the services' outbox and queues, read at each scrape ----------------------------------------------------
    def watch(self, runtime: ServiceRuntime) -> None:
        self._services[runtime.name] = runtime

    def unwatch(self, runtime: ServiceRuntime) -> None:
        if self._services.get(runtime.name) is runtime:
            del self._services[runtime.name]
            self._snapshots.pop(runtime.name, None)

    async def refresh(self) -> None:
        services = list(self._services.items())
        results = await asyncio.gather(*(asyncio.wait_for(snapshot(runtime), SOURCE_TIMEOUT)
                                         for _name, runtime in services), return_exceptions=True)
        self._snapshots = {}
        for (name, _runtime), result in zip(services, results):
            if isinstance(result, BaseException):
                log.info("metrics: %s could not tell its outbox and queue (%s)", name, type(result).__name__)
            else:
                self._snapshots[name] = result

    def _observer(self, field: str):
        def observe(_options: CallbackOptions):
            return [Observation(value, {"service": name}) for name, snapshot in self._snapshots.items()
                    if (value := getattr(snapshot, field)) is not None]

        return observe

    async def render(self) -> bytes:
        await self.refresh()
        return generate_latest(self.registry)


_process: ProcessMetrics | None = None


def process_metrics() -> ProcessMetrics:
    global _process
    if _process is None:
        _process = ProcessMetrics()
    return _process


def add_metrics_route(app: FastAPI) -> None:
    """GET /metrics on `app`: the whole process's metrics in Prometheus's text format."""

    async def metrics() -> Response:
        return Response(await process_metrics().render(), media_type=CONTENT_TYPE_LATEST)

    app.add_api_route("/metrics", metrics, methods=["GET"], include_in_schema=False)
