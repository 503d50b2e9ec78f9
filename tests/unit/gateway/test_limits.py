"""Depth, alias and cost limits: abusive operations are refused before any subgraph is called."""
from __future__ import annotations

import time

import pytest
from graphql import build_schema, get_introspection_query, parse, specified_rules, validate

from gateway.execution import execute
from gateway.limits import default_limit_rules, max_aliases_rule, max_cost_rule, max_depth_rule

SCHEMA = build_schema("""
type Query { node: Node  nodes(first: Int, last: Int, limit: Int): [Node!]!  count: Int }
type Node { name: String  child: Node  children(first: Int): [Node!]! }
""")


def errors_of(query: str, *rules):
    return validate(SCHEMA, parse(query), [*specified_rules, *rules])


def nested(depth: int) -> str:
    """A query whose deepest field is at `depth` (root fields are depth 1)."""
    return "{ node " + "{ child " * (depth - 2) + "{ name }" + " }" * (depth - 2) + " }"


@pytest.mark.parametrize("options", [{}, {"descriptions": True, "specified_by_url": True, "directive_is_repeatable": True,
                                          "schema_description": True, "input_value_deprecation": True}])
def test_graphiql_introspection_passes_the_default_limits(options):
    assert errors_of(get_introspection_query(**options), *default_limit_rules()) == []


def test_depth_limit():
    assert errors_of(nested(12), max_depth_rule(12)) == []
    (error,) = errors_of(nested(13), max_depth_rule(12))
    assert error.extensions == {"code": "DEPTH_LIMIT_EXCEEDED"}
    assert "13" in error.message and "12" in error.message
    # fragments count where they are spread; introspection under a deep field adds nothing
    query = "{ node { ...F } } fragment F on Node { child { child { __typename name } } }"
    assert errors_of(query, max_depth_rule(4)) == []
    assert errors_of(query, max_depth_rule(3))[0].extensions["code"] == "DEPTH_LIMIT_EXCEEDED"


def test_alias_limit_counts_every_spread_of_a_fragment():
    thirty = "{ " + " ".join(f"a{i}: count" for i in range(30)) + " }"
    assert errors_of(thirty, max_aliases_rule(30)) == []
    (error,) = errors_of(thirty.replace("{ ", "{ extra: count ", 1), max_aliases_rule(30))
    assert error.extensions == {"code": "ALIAS_LIMIT_EXCEEDED"}
    assert "31" in error.message and "30" in error.message
    spread = "{ node { ...F  child { ...F } } } fragment F on Node { x: name y: name }"
    assert errors_of(spread, max_aliases_rule(4)) == []
    assert "uses 4 aliases" in errors_of(spread, max_aliases_rule(3))[0].message


def test_cost_multiplies_list_children_by_their_page_size():
    # 1 (nodes) + 100 * (1 (children) + 100 * 1 (name)) = 10101
    (error,) = errors_of("{ nodes(first: 100) { children(first: 100) { name } } }", max_cost_rule(5000))
    assert error.extensions == {"code": "COST_LIMIT_EXCEEDED"}
    assert "10101" in error.message and "5000" in error.message
    # no page argument: 10 per list -> 1 + 10 * (1 + 10 * (1 + 10 * 1)) = 1111
    assert errors_of("{ nodes { children { children { name } } } }", max_cost_rule(1111)) == []
    assert "1111" in errors_of("{ nodes { children { children { name } } } }", max_cost_rule(1110))[0].message
    assert errors_of("{ nodes(limit: 2) { name } node { child { name } } }", max_cost_rule(6)) == []  # 3 + 3
    assert errors_of("{ nodes(last: 3) { name } }", max_cost_rule(3))[0].extensions["code"] == "COST_LIMIT_EXCEEDED"


def test_cost_reads_page_sizes_from_variables_and_their_defaults():
    query = "query($n: Int = 1000) { nodes(first: $n) { name } }"
    assert "1001" in errors_of(query, max_cost_rule(1000, variables={}))[0].message  # the declared default
    assert errors_of(query, max_cost_rule(1000, variables={"n": 4})) == []
    assert "2001" in errors_of(query, max_cost_rule(1000, variables={"n": 2000}))[0].message


def test_fragment_bombs_are_measured_without_expanding_them():
    # each fragment spreads the next one twice: 2**40 fields if walked naively
    fragments = " ".join(f"fragment F{i} on Node {{ a: child {{ ...F{i + 1} }} b: child {{ ...F{i + 1} }} }}"
                         for i in range(40))
    query = "{ node { ...F0 } } " + fragments + " fragment F40 on Node { name }"
    started = time.perf_counter()
    errors = errors_of(query, max_depth_rule(12), max_aliases_rule(30), max_cost_rule(5000))
    assert time.perf_counter() - started < 2
    assert {e.extensions["code"] for e in errors} == {"DEPTH_LIMIT_EXCEEDED", "ALIAS_LIMIT_EXCEEDED",
                                                      "COST_LIMIT_EXCEEDED"}


async def test_the_gateway_refuses_over_limit_operations_without_fetching():
    from gateway.composition import compose
    from tests.unit.gateway.subgraphs import RecordingFetcher, reset, service_sdls

    reset()
    supergraph = compose(service_sdls())
    fetcher = RecordingFetcher()
    rules = [max_depth_rule(12), max_aliases_rule(30), max_cost_rule(50)]
    query = "query($n: Int!) { products(first: $n) { name reviews { body } } }"
    result = await execute(supergraph, query, {"n": 100}, None, fetcher, validation_rules=rules)
    assert "data" not in result
    assert result["errors"][0]["extensions"] == {"code": "COST_LIMIT_EXCEEDED"}
    assert fetcher.calls == []
    # the same operation with a small page passes: the rule saw the request's variables
    result = await execute(supergraph, query, {"n": 2}, None, fetcher, validation_rules=rules)
    assert [p["name"] for p in result["data"]["products"]] == ["Lamp", "Desk"]
    result = await execute(supergraph, get_introspection_query(descriptions=True), None, None, fetcher,
                           validation_rules=default_limit_rules())
    assert "errors" not in result


async def test_a_document_of_thousands_of_repeated_fields_is_refused_while_it_is_parsed(settings, mounts):
    """A public request of 20,000 repeated fields (no aliases, well under the body limit) once held the event loop
    for seconds in validation. The gateway reads at most MAX_TOKENS tokens of a document, over POST and GET alike,
    and refuses the rest before validating or planning anything; GraphiQL's introspection stays well inside."""
    import httpx

    from gateway.app import create_gateway_app

    app = create_gateway_app(settings, client=httpx.AsyncClient(mounts=mounts))
    flood = "{ products { " + "name " * 20_000 + "} }"
    assert len(flood.encode()) < settings.max_body_bytes
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as http:
            short_flood = "{ products { " + "name " * 2_500 + "} }"  # what fits in a URL
            for response in (await http.post("/graphql", json={"query": flood}),
                             await http.get("/graphql", params={"query": short_flood})):
                [error] = response.json()["errors"]
                assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
                assert f"more than {settings.max_tokens} tokens" in error["message"]
            introspection = await http.post("/graphql", json={"query": get_introspection_query(descriptions=True)})
            assert "errors" not in introspection.json()
