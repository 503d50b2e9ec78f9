"""The graph comes from configuration: a subgraph list the gateway re-reads while it runs, or a supergraph file.

A department's fifth subgraph joins without a restart; a change that does not compose is refused while the last
good graph keeps serving; `POST /graph/check` (behind `egov graph check`) tells a department before it deploys."""
from __future__ import annotations

import json

import httpx
import pytest
import strawberry
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route

from gateway.app import create_gateway_app
from gateway.composition import compose_sdl
from shared.auth import mint_token
from shared.settings import parse_subgraph_list
from tests.unit.gateway import subgraphs
from tests.support.http_server import serve
from tests.unit.gateway.conftest import InProcessSubgraph


def _ratings_schema(field_type, *, extra_name: bool = False):
    """A fifth department's subgraph: Product.rating (and, for the bad version, a clashing Product.name)."""
    namespace = {"__annotations__": {"id": strawberry.ID}}

    @classmethod
    def resolve_reference(cls, id: strawberry.ID):
        return cls(id=id)

    namespace["resolve_reference"] = resolve_reference
    if field_type is not None:
        namespace["rating"] = strawberry.field(resolver=lambda self: field_type(len(self.id) + 3))
        namespace["rating"].type_annotation = strawberry.annotation.StrawberryAnnotation(field_type)
    if extra_name:
        namespace["name"] = strawberry.field(resolver=lambda self: "clash")
        namespace["name"].type_annotation = strawberry.annotation.StrawberryAnnotation(str)
    product = strawberry.federation.type(type("RatedProduct", (), namespace), name="Product", keys=["id"])
    return strawberry.federation.Schema(types=[product], federation_version="2.11")


class _Swappable:
    """An ASGI app whose schema the test replaces, as a department redeploys its service."""

    def __init__(self, schema):
        self.app = InProcessSubgraph(schema)

    async def __call__(self, scope, receive, send):
        await self.app(scope, receive, send)


@pytest.fixture
def ratings():
    return _Swappable(_ratings_schema(int))


@pytest.fixture
def client(ratings, mounts):
    return httpx.AsyncClient(mounts={**mounts, "http://ratings.test": httpx.ASGITransport(app=ratings)})


async def _query(app, query: str, token: str | None = None) -> dict:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as http:
        return (await http.post("/graphql", json={"query": query}, headers=headers)).json()


def test_the_subgraph_list_is_validated():
    assert parse_subgraph_list('[{"name": "a", "url": "http://a/graphql", "x": 1}]', "F") == {"a": "http://a/graphql"}
    for bad in ("{}", "[]", '[{"name": "a"}]', '[{"name": "a", "url": "ftp://a"}]', "[1]", "not json",
                '[{"name": "a", "url": "http://a"}, {"name": "a", "url": "http://b"}]'):
        with pytest.raises(ValueError):
            parse_subgraph_list(bad, "F")


async def test_a_fifth_subgraph_joins_and_a_bad_change_is_refused_while_the_old_graph_serves(settings, client,
                                                                                            ratings):
    app = create_gateway_app(settings, client=client)
    gateway = app.state.gateway
    async with app.router.lifespan_context(app):
        assert (await _query(app, '{ product(id: "1") { name } }')) == {"data": {"product": {"name": "Lamp"}}}
        refused = await _query(app, '{ product(id: "1") { rating } }')
        assert refused["errors"][0]["message"].startswith("Cannot query field 'rating'")

        listing = json.loads(settings.subgraphs_file.read_text())
        settings.subgraphs_file.write_text(json.dumps([*listing, {"name": "ratings",
                                                                  "url": "http://ratings.test/graphql"}]))
        assert await gateway.source.refresh() is True  # what the poller does every SUBGRAPH_POLL_INTERVAL
        assert await _query(app, '{ product(id: "1") { name rating } }') == {
            "data": {"product": {"name": "Lamp", "rating": 4}}}

        ratings.app = InProcessSubgraph(_ratings_schema(int, extra_name=True))  # Product.name clashes with products'
        assert await gateway.source.refresh() is False
        assert await _query(app, '{ product(id: "1") { name rating } }') == {
            "data": {"product": {"name": "Lamp", "rating": 4}}}  # the last good graph keeps serving
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as http:
            ready = (await http.get("/readyz")).json()
        assert ready["ready"] is True and "ratings" in ready["supergraph"]["subgraphs"]
        assert '"Product.name"' in ready["supergraph"]["lastError"] and "@shareable" in ready["supergraph"][
            "lastError"]

        ratings.app = InProcessSubgraph(_ratings_schema(int))
        assert await gateway.source.refresh() is False  # the same SDL as served: nothing to switch
        assert gateway.source.last_error is None


async def test_graph_check_tells_a_department_what_its_change_would_break(settings, client, keys):
    settings.subgraphs_file.write_text(json.dumps(
        [*json.loads(settings.subgraphs_file.read_text()), {"name": "ratings", "url": "http://ratings.test/graphql"}]))
    app = create_gateway_app(settings, client=client)
    token = mint_token(settings, department="APPROVAL_BUREAU", unit="yiyang-approval-bureau")
    without_rating = _ratings_schema(None).as_str()
    clashing = _ratings_schema(int, extra_name=True).as_str()
    async with app.router.lifespan_context(app):
        await _query(app, '{ product(id: "2") { rating } }')
        await _query(app, '{ product(id: "2") { name } }')
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as http:
            async def check(sdl, name="ratings", auth=True):
                headers = {"authorization": f"Bearer {token}"} if auth else {}
                return await http.post("/graph/check", json={"name": name, "sdl": sdl}, headers=headers)

            report = (await check(without_rating)).json()
            assert report["composes"] is True
            assert [b["operation"] for b in report["brokenOperations"]] == ['{ product(id: "2") { rating } }']
            assert "Cannot query field 'rating'" in report["brokenOperations"][0]["problems"][0]

            report = (await check(clashing)).json()
            assert report["composes"] is False and any('"Product.name"' in p for p in report["problems"])

            report = (await check(_ratings_schema(int).as_str())).json()
            assert report == {"composes": True, "problems": [], "brokenOperations": []}

            assert (await check(without_rating, auth=False)).status_code == 401
            assert (await http.post("/graph/check", json={"sdl": 1},
                                    headers={"authorization": f"Bearer {token}"})).status_code == 400


async def test_a_supergraph_file_is_served_as_is(settings, client, tmp_path):
    sdls = subgraphs.service_sdls()
    path = tmp_path / "supergraph.graphql"
    path.write_text(compose_sdl(sdls, {n: f"http://{n}.test/graphql" for n in sdls}))
    app = create_gateway_app(settings.model_copy(update={"supergraph_file": path, "subgraphs_file": None}),
                             client=client)
    async with app.router.lifespan_context(app):
        result = await _query(app, '{ product(id: "1") { name reviews { body } inStock } }')
        assert result == {"data": {"product": {"name": "Lamp", "reviews": [{"body": "Bright"}, {"body": "Too bright"}],
                                               "inStock": True}}}
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as http:
            assert (await http.get("/supergraph.graphql")).text == path.read_text()  # for another router
            client_schema = (await http.get("/schema.graphql")).text
        assert "type Product" in client_schema and "join__" not in client_schema
        path.write_text("not a supergraph")
        assert await app.state.gateway.source.refresh() is False
        assert "not a usable supergraph" in app.state.gateway.source.last_error
        assert (await _query(app, '{ product(id: "1") { name } }'))["data"] == {"product": {"name": "Lamp"}}


async def test_the_poller_takes_in_a_fifth_service_started_over_http_and_keeps_the_last_good_graph(settings, mounts):
    """No refresh by hand: while the gateway runs, a department starts its service (a real HTTP server) and adds it
    to the subgraph list; the gateway's own poller composes it in. The department then redeploys a version that does
    not compose: the poller refuses it and the last good graph keeps serving."""
    ratings = _Swappable(_ratings_schema(int))

    async def ready(_request):
        return PlainTextResponse("ok")

    service = Starlette(routes=[Route("/readyz", ready), Mount("/graphql", ratings)])
    settings = settings.model_copy(update={"subgraph_poll_interval": 0.05})
    app = create_gateway_app(settings, client=httpx.AsyncClient(mounts=mounts))  # the fifth one over the network
    source = app.state.gateway.source
    async with app.router.lifespan_context(app):
        with serve(service) as base_url:
            listing = json.loads(settings.subgraphs_file.read_text())
            listing.append({"name": "ratings", "url": f"{base_url}/graphql/"})
            settings.subgraphs_file.write_text(json.dumps(listing))
            await source.until(lambda: "ratings" in source.graph.urls, timeout=30)
            assert await _query(app, '{ product(id: "1") { name rating } }') == {
                "data": {"product": {"name": "Lamp", "rating": 4}}}

            ratings.app = InProcessSubgraph(_ratings_schema(int, extra_name=True))
            await source.until(lambda: source.last_error is not None, timeout=30)
            assert "@shareable" in source.last_error
            assert await _query(app, '{ product(id: "1") { name rating } }') == {
                "data": {"product": {"name": "Lamp", "rating": 4}}}
