"""The gateway: one /graphql endpoint over the four subgraphs, with the web console and GraphiQL for people.

It authenticates the caller (no token = the public), forwards the caller's token and the trace context to every
subgraph, enforces limits (body size, depth, aliases, cost) and plans each query across the subgraphs.
Subscriptions it answers itself, from the bus (`gateway.subscriptions`), over WebSocket and Server-Sent Events.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request, WebSocket
from fastapi.responses import HTMLResponse, JSONResponse
from graphql import NoSchemaIntrospectionCustomRule
from opentelemetry import trace
from opentelemetry.trace import SpanKind

from gateway.console import add_console_routes, console_dir, graphiql_page
from gateway.execution import execute
from gateway.graph import GraphSource, RecentOperations
from gateway.open_data import add_open_data_routes
from gateway.operations import Prepared
from gateway.limits import max_aliases_rule, max_cost_rule, max_depth_rule
from gateway.persisted import PersistedDocuments, PersistedQueryError
from gateway.subscriptions import start_listening
from gateway.subscriptions.hub import Hub
from gateway.subscriptions.schema import with_subscriptions
from gateway.subscriptions.sse import event_stream, wants_event_stream
from gateway.subscriptions.websocket import Connection
from gateway.subgraph_calls import AiohttpCalls, HttpxCalls, subgraph_client
from gateway.supergraph import Supergraph
from shared.auth import PUBLIC, AuthError, Identity, TokenVerifier
from shared.graphql_over_http import BAD_REQUEST, GRAPHQL_RESPONSE, JSON, error_response as _error
from shared.graphql_over_http import not_acceptable as _not_acceptable, request_problem as _request_problem
from shared.bus import Bus
from shared.graphql_over_http import FastJSONResponse, json_bytes, response_media as _media, wants_graphiql
from shared.metrics import (ANONYMOUS, OPERATION_HEADER, OTHER, add_metrics_route, process_metrics,
                            request_operation_name)
from shared.settings import GatewaySettings
from shared.heap import freeze_startup_heap
from shared.telemetry import NO_FRAMEWORK_TELEMETRY, extract_context, inject_context

log = logging.getLogger(__name__)
tracer = trace.get_tracer("egov.gateway")


class Gateway:
    """The graph being served (swapped whole when a new one composes), the calls to the subgraphs, the caller checks.
    `calls` answer the queries (`gateway.subgraph_calls`); `client` polls the subgraphs' SDL."""

    def __init__(self, settings: GatewaySettings, urls: Mapping[str, str] | None, client: httpx.AsyncClient,
                 calls: HttpxCalls | AiohttpCalls):
        self.settings = settings
        self.client, self.calls = client, calls
        self.source = GraphSource(settings, client, urls, served=with_subscriptions)
        self.hub = Hub(settings.subscription_queue_size)
        self.operations = RecentOperations()
        self.verifier = TokenVerifier(settings)
        self.documents = PersistedDocuments.from_settings(settings)
        self.rules = (max_depth_rule(settings.max_depth), max_aliases_rule(settings.max_aliases),
                      max_cost_rule(settings.max_cost))
        self.public_rules = self.rules if settings.public_introspection else \
            (*self.rules, NoSchemaIntrospectionCustomRule)

    @property
    def supergraph(self) -> Supergraph | None:
        return self.source.graph.supergraph if self.source.graph else None

    def prepare(self, body: dict, caller: Identity, graph=None) -> Prepared:
        """The request's document parsed, validated and its operation found, once per graph (`gateway.operations`).
        Needs a composed graph."""
        supergraph = (graph or self.source.graph).supergraph
        return supergraph.operations.get(body.get("query") or "", body.get("operationName"),
                                         self.rules if caller is not PUBLIC else self.public_rules,
                                         hide_suggestions=not self.settings.validation_suggestions,
                                         max_tokens=self.settings.max_tokens)

    async def run(self, body: dict, authorization: str | None, caller: Identity = PUBLIC) -> dict:
        graph = self.source.graph  # this request keeps this graph, whatever replaces it meanwhile
        headers = {"content-type": "application/json"}  # the trace context is added per fetch, under its span
        if authorization:
            headers["authorization"] = authorization
        operation = request_operation_name(body)
        if operation not in (ANONYMOUS, OTHER):  # the subgraphs count their share of the work under the client's operation
            headers[OPERATION_HEADER] = operation
        started, result = time.perf_counter(), None
        try:
            result = await self._execute(graph, body, headers, caller)
            return result
        finally:
            process_metrics().record_request("gateway", operation, result is not None and "errors" not in result,
                                             time.perf_counter() - started)

    async def _execute(self, graph, body: dict, headers: dict, caller: Identity) -> dict:
        async def fetch(subgraph: str, query: str, variables: dict) -> dict:
            with tracer.start_as_current_span(f"fetch {subgraph}", kind=SpanKind.CLIENT):
                return await self.calls.post(graph.urls[subgraph], json_bytes({"query": query, "variables": variables}),
                                             {**headers, **inject_context()})

        result = await execute(graph.supergraph, body.get("query") or "", body.get("variables") or {},
                               body.get("operationName"), fetch, caller=caller,
                               prepared=self.prepare(body, caller, graph))
        if "data" in result:
            self.operations.record(body.get("query") or "")
        return result


def _not_ready(media: str = JSON) -> JSONResponse:
    return _error("the gateway is still composing the supergraph", "NOT_READY", 503, media)


def create_gateway_app(settings: GatewaySettings, *, urls: Mapping[str, str] | None = None,
                       client: httpx.AsyncClient | None = None, on_startup=None, on_shutdown=None,
                       bus: Bus | None = None, freeze_heap: bool = False) -> FastAPI:
    """`urls` and `client` default to the subgraph URLs of the settings over HTTP; embedded mode passes a client
    whose transports reach the services in-process. `on_startup`/`on_shutdown` run around composition (embedded
    mode starts the services there). Subscriptions hear `bus` (embedded mode's in-process bus, started by
    `on_startup`), else a RabbitMQ connection of their own when AMQP_URL is set. `freeze_heap`: a serving process's
    start-up objects leave the garbage collector's reach once composed (`shared.heap`)."""
    # A given client (the embedded mode's in-process transport, a test's) answers queries too; over the network,
    # aiohttp does (cheaper per call).
    calls = HttpxCalls(client) if client is not None else AiohttpCalls(settings.subgraph_timeout)
    client = client or subgraph_client(timeout=settings.subgraph_timeout)
    gateway = Gateway(settings, urls, client, calls)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        if on_startup:
            await on_startup()
        await gateway.source.first()
        stop_listening = await start_listening(settings, bus, gateway.hub)
        if freeze_heap:
            freeze_startup_heap()
        poller = asyncio.create_task(gateway.source.poll())
        try:
            yield
        finally:
            await stop_listening()
            poller.cancel()
            await asyncio.gather(poller, return_exceptions=True)
            await gateway.client.aclose()
            await gateway.calls.aclose()
            if on_shutdown:
                await on_shutdown()

    app = FastAPI(title="egov gateway", lifespan=lifespan, telemetry=NO_FRAMEWORK_TELEMETRY)
    app.state.gateway = gateway
    add_metrics_route(app)
    add_open_data_routes(app, gateway)
    console = console_dir(settings.console_dir)
    add_console_routes(app, console)

    def persisted(body, media: str):
        """(the request with the persisted document it names filled in, None), or (None, the refusal)."""
        if not isinstance(body, dict):
            return body, None
        try:
            return gateway.documents.resolve(body), None
        except PersistedQueryError as exc:
            headers = {"cache-control": "private, no-cache, must-revalidate"} if exc.status == 200 else None
            return None, _error(str(exc), exc.code, exc.status, media, headers=headers)

    async def answer(request: Request, body: dict, media: str):
        authorization = request.headers.get("authorization")
        try:
            caller = gateway.verifier.from_authorization(authorization)
        except AuthError as exc:
            return _error(str(exc), "UNAUTHENTICATED", 401, media)
        if gateway.supergraph is None:
            return _not_ready(media)
        if gateway.prepare(body, caller).kind == "subscription":
            return _error("subscriptions are served over WebSocket (graphql-transport-ws) or with "
                          "Accept: text/event-stream", BAD_REQUEST, 400, media)
        with tracer.start_as_current_span("gateway /graphql", context=extract_context(dict(request.headers)),
                                          kind=SpanKind.SERVER):
            result = await gateway.run(body, authorization, caller)
        # application/graphql-response+json: a request that never reached execution is a 400 (GraphQL over HTTP)
        status = 400 if media == GRAPHQL_RESPONSE and "data" not in result else 200
        return FastJSONResponse(result, status_code=status, media_type=media)

    @app.get("/graphql")
    async def graphql_get(request: Request):
        params = request.query_params
        accept = request.headers.get("accept", "")
        if wants_graphiql(request.method, params, accept):
            return graphiql_page(console)  # offline: the console's build, never a CDN
        media = _media(accept)
        if media is None:
            return _not_acceptable()
        body: dict = {"query": params.get("query"), "operationName": params.get("operationName")}
        try:
            for name in ("variables", "extensions"):
                if params.get(name):
                    body[name] = json.loads(params[name])
        except ValueError:
            return _error("variables and extensions must be JSON", BAD_REQUEST, 400, media)
        if "documentId" in params:
            body["documentId"] = params["documentId"]
        body, refused = persisted(body, media)
        if refused is not None:
            return refused
        if problem := _request_problem(body):
            return _error(problem, BAD_REQUEST, 400, media)
        if gateway.supergraph is None:
            return _not_ready(media)
        if gateway.prepare(body, PUBLIC).kind == "mutation":
            return _error("mutations must be sent with POST", BAD_REQUEST, 405, media, headers={"allow": "POST"})
        return await answer(request, body, media)

    @app.websocket("/graphql")
    async def graphql_websocket(websocket: WebSocket):
        await Connection(websocket, gateway, gateway.hub).serve()

    @app.post("/graphql")
    async def graphql(request: Request):
        streaming = wants_event_stream(request.headers.get("accept", ""))
        media = JSON if streaming else _media(request.headers.get("accept", ""))
        if media is None:
            return _not_acceptable()
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return _error("the body must be application/json", BAD_REQUEST, 415, media)
        body_bytes = await request.body()
        if len(body_bytes) > settings.max_body_bytes:
            return _error(f"the request body is over {settings.max_body_bytes} bytes", BAD_REQUEST, 413, media)
        try:
            body = json.loads(body_bytes)
        except ValueError as exc:
            return _error(f"bad request: the body is not JSON: {exc}", BAD_REQUEST, 400, media)
        body, refused = persisted(body, media)
        if refused is not None:
            return refused
        if problem := _request_problem(body):
            return _error(f"bad request: {problem}", BAD_REQUEST, 400, media)
        if streaming:
            return await stream(request, body)
        return await answer(request, body, media)

    async def stream(request: Request, body: dict):
        """graphql-sse, distinct connections: a subscription (or a single result) as Server-Sent Events."""
        authorization = request.headers.get("authorization")
        try:
            caller = gateway.verifier.from_authorization(authorization)
        except AuthError as exc:
            return _error(str(exc), "UNAUTHENTICATED", 401)
        if caller is PUBLIC:
            return _error("subscriptions need a token (Authorization: Bearer ...)", "UNAUTHENTICATED", 401)
        if gateway.supergraph is None:
            return _not_ready()
        return event_stream(gateway, gateway.hub, caller, authorization, body)

    @app.get("/healthz")
    async def healthz():
        return {"status": "ok", "service": "gateway"}

    @app.get("/readyz")
    async def readyz():
        ready = gateway.supergraph is not None
        return JSONResponse({"ready": ready, "service": "gateway", "supergraph": gateway.source.status()},
                            status_code=200 if ready else 503)

    @app.post("/graph/check")
    async def graph_check(request: Request):
        """A department's new subgraph SDL against the running graph: composes? breaks recent operations?"""
        try:
            caller = gateway.verifier.from_authorization(request.headers.get("authorization"))
        except AuthError as exc:
            return _error(str(exc), "UNAUTHENTICATED", 401)
        if caller is PUBLIC:
            return _error("a schema check needs a signed-in caller", "UNAUTHENTICATED", 401)
        try:
            body = await request.json()
            if not isinstance(body.get("name"), str) or not isinstance(body.get("sdl"), str):
                raise ValueError('the body must be {"name": ..., "sdl": ..., "url": optional}')
        except (ValueError, AttributeError) as exc:
            return _error(f"bad request: {exc}", BAD_REQUEST, 400)
        return JSONResponse(gateway.source.check(body["name"], body["sdl"], body.get("url"), gateway.operations))

    @app.get("/schema.graphql", response_class=HTMLResponse)  # what clients see
    @app.get("/supergraph.graphql", response_class=HTMLResponse)  # with the routing data, for other routers
    async def sdl(request: Request):
        if gateway.supergraph is None:
            return _not_ready()
        text = gateway.supergraph.sdl if request.url.path == "/supergraph.graphql" else gateway.supergraph.api_sdl
        return HTMLResponse(text, media_type="text/plain")

    return app
