"""Where the gateway's graph comes from, and how a department's new or changed subgraph joins while it runs.

The graph is a supergraph file (composed by Apollo's tooling or ours), or a list of subgraphs whose SDL the
gateway fetches (`_service { sdl }`) and composes. It looks again every poll interval; a new graph replaces the
served one in one assignment, and only if it composes: otherwise the last good graph keeps serving and the
problem is logged and shown on /readyz. Requests in flight keep the graph they started with.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import httpx
from graphql import GraphQLError, parse, validate

from gateway.composition import CompositionError, compose
from gateway.planner import PlanningError, plan
from gateway.supergraph import Supergraph, SupergraphError, from_supergraph_sdl
from shared.settings import GatewaySettings

log = logging.getLogger(__name__)
SDL_QUERY = "query SubgraphSdl { _service { sdl } }"


@dataclass(frozen=True)
class Graph:
    """One composed graph and the subgraph URLs it is served with: swapped as a whole."""
    supergraph: Supergraph
    urls: Mapping[str, str]
    sdls: Mapping[str, str] = field(default_factory=dict)  # subgraph -> its SDL (empty for a supergraph file)
    digest: str = ""
    loaded_at: float = field(default_factory=time.time)


class GraphUnavailable(Exception):
    """The graph could not be loaded (a subgraph unreachable, a set that does not compose, a bad file)."""


class RecentOperations:
    """The distinct operations clients sent lately (bounded), so a schema change can be checked against them."""

    def __init__(self, limit: int = 1000):
        self.limit = limit
        self.documents: OrderedDict[str, str] = OrderedDict()

    def record(self, document: str) -> None:
        key = hashlib.sha256(document.encode()).hexdigest()
        self.documents[key] = document
        self.documents.move_to_end(key)
        while len(self.documents) > self.limit:
            self.documents.popitem(last=False)


class GraphSource:
    def __init__(self, settings: GatewaySettings, client: httpx.AsyncClient,
                 urls: Mapping[str, str] | None = None, on_change: Callable[[Graph], None] | None = None,
                 served: Callable[[Supergraph], Supergraph] = lambda supergraph: supergraph):
        self.settings = settings
        self.served = served  # what the gateway adds to each composed graph before serving it (its subscriptions)
        self.client = client
        self.fixed_urls = dict(urls) if urls else None  # embedded mode: in-process services, never re-read
        self.graph: Graph | None = None
        self.last_error: str | None = None
        self.on_change = on_change
        self.refreshed = asyncio.Condition()  # notified after every refresh, good or not (operators' tools, tests)

    def urls(self) -> dict[str, str]:
        return dict(self.fixed_urls) if self.fixed_urls else self.settings.subgraph_urls()

    async def fetch_sdls(self, urls: Mapping[str, str]) -> dict[str, str]:
        async def one(name: str, url: str) -> str:
            try:
                response = await self.client.post(url, json={"query": SDL_QUERY})
                response.raise_for_status()
                return response.json()["data"]["_service"]["sdl"]
            except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
                raise GraphUnavailable(f'subgraph "{name}" at {url}: no SDL ({type(exc).__name__}: {exc})') from exc
        texts = await asyncio.gather(*(one(n, u) for n, u in urls.items()))
        return dict(zip(urls, texts))

    async def load(self) -> Graph:
        """Build the graph as configuration says now (not yet served)."""
        if self.settings.supergraph_file is not None and not self.fixed_urls:
            try:
                text = self.settings.supergraph_file.read_text(encoding="utf-8")
                digest = hashlib.sha256(text.encode()).hexdigest()
                if self.graph is not None and self.graph.digest == digest:
                    return self.graph
                supergraph = from_supergraph_sdl(text)
            except (OSError, SupergraphError) as exc:
                raise GraphUnavailable(f"{self.settings.supergraph_file}: {exc}") from exc
            return Graph(self.served(supergraph), dict(supergraph.urls), {}, digest)
        try:
            urls = self.urls()
        except (OSError, ValueError) as exc:
            raise GraphUnavailable(str(exc)) from exc
        sdls = await self.fetch_sdls(urls)
        digest = hashlib.sha256(repr(sorted((n, urls[n], s) for n, s in sdls.items())).encode()).hexdigest()
        if self.graph is not None and self.graph.digest == digest:
            return self.graph
        try:
            supergraph = compose(sdls, urls)
        except CompositionError as exc:
            raise GraphUnavailable(str(exc)) from exc
        return Graph(self.served(supergraph), urls, sdls, digest)

    async def refresh(self) -> bool:
        """Load again; serve the result if it differs and is good. True if the served graph changed."""
        try:
            return await self._refresh()
        finally:
            async with self.refreshed:
                self.refreshed.notify_all()

    async def _refresh(self) -> bool:
        try:
            graph = await self.load()
        except GraphUnavailable as exc:
            if str(exc) != self.last_error:
                log.warning("keeping the last good supergraph: %s", exc)
            self.last_error = str(exc)
            return False
        self.last_error = None
        if graph is self.graph:
            return False
        changed = self.graph is not None
        self.graph = graph
        if changed:
            log.info("supergraph updated: subgraphs %s", ", ".join(graph.urls))
        if self.on_change:
            self.on_change(graph)
        return True

    async def until(self, condition: Callable[[], bool], timeout: float) -> None:
        """Wait, across the poller's refreshes, until `condition()` holds (TimeoutError after `timeout` s)."""
        async with self.refreshed:
            await asyncio.wait_for(self.refreshed.wait_for(condition), timeout)

    async def first(self, *, attempts: int = 60, delay: float = 0.5) -> Graph:
        """The first graph, waiting for subgraphs that are still starting."""
        for _ in range(attempts):
            await self.refresh()
            if self.graph is not None:
                return self.graph
            await asyncio.sleep(delay)
        raise RuntimeError(f"could not compose the supergraph: {self.last_error}")

    async def poll(self) -> None:
        interval = self.settings.subgraph_poll_interval
        while interval > 0:
            await asyncio.sleep(interval)
            try:
                await self.refresh()
            except Exception:  # noqa: BLE001 - the poller must outlive any one bad round
                log.exception("supergraph refresh failed")

    def status(self) -> dict:
        graph = self.graph
        return {"subgraphs": list(graph.urls) if graph else [],
                "loadedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(graph.loaded_at)) if graph else None,
                "lastError": self.last_error}

    # -- schema checks for departments before they deploy --------------------------------------------------------
    def check(self, name: str, sdl: str, url: str | None, operations: RecentOperations) -> dict:
        """Would the running graph, with subgraph `name` replaced by (or joined with) `sdl`, compose, and which
        recent client operations would it break?"""
        graph = self.graph
        if graph is None or not graph.sdls:
            return {"composes": False, "problems": ["the gateway serves a supergraph file: check it with the tool "
                                                    "that composed it"], "brokenOperations": []}
        sdls = {**graph.sdls, name: sdl}
        urls = {**graph.urls, name: url or graph.urls.get(name, "")}
        try:
            candidate = compose(sdls, urls)
        except CompositionError as exc:
            return {"composes": False, "problems": exc.problems, "brokenOperations": []}
        broken = []
        for document in list(operations.documents.values()):
            problems = _operation_problems(candidate, document)
            if problems:
                broken.append({"operation": document, "problems": problems})
        return {"composes": True, "problems": [], "brokenOperations": broken}


def _operation_problems(supergraph: Supergraph, document: str) -> list[str]:
    try:
        parsed = parse(document)
    except GraphQLError as exc:
        return [exc.message]
    errors = validate(supergraph.schema, parsed)
    if errors:
        return [e.message for e in errors]
    try:
        for definition in parsed.definitions:
            name = getattr(definition, "name", None)
            if getattr(definition, "operation", None) is not None:
                plan(supergraph, parsed, name.value if name else None)
    except PlanningError as exc:
        return [str(exc)]
    return []
