"""The fast shaper answers exactly as graphql-core's executor does, and hands over to it whenever the data needs
judging (gateway.shaping)."""
from __future__ import annotations

import pytest

import gateway.shaping as shaping
from gateway.composition import compose
from gateway.execution import execute
from tests.unit.gateway import subgraphs
from tests.unit.gateway.subgraphs import RecordingFetcher

QUERIES = [
    ("{ products { id name price } }", None),
    ('{ product(id: "1") { __typename name reviews { body product { name } } inStock shippingCost } }', None),
    ("query($r: Boolean!) { products(first: 3) { name ...F @include(if: $r) } } fragment F on Product { reviews { "
     "id body } }", {"r": True}),
    ("query($r: Boolean!) { products(first: 3) { name ...F @include(if: $r) } } fragment F on Product { reviews { "
     "id body } }", {"r": False}),
    ('{ search(text: "a") { __typename ... on Product { name } ... on Review { body } } }', None),
    ('{ a: product(id: "1") { n: name } b: product(id: "2") { n: name id } missing: product(id: "999") { name } }',
     None),
]


@pytest.fixture
def supergraph():
    subgraphs.reset()
    return compose(subgraphs.service_sdls())


@pytest.fixture
def reference(monkeypatch):
    """Make every request go to graphql-core, to compare with."""
    def refuse(self, data):
        raise shaping.Bail

    return lambda: monkeypatch.setattr(shaping.Shaper, "shape", refuse)


@pytest.fixture
def bails(monkeypatch):
    counted = []
    shape = shaping.Shaper.shape

    def counting(self, data):
        try:
            return shape(self, data)
        except shaping.Bail:
            counted.append(data)
            raise

    monkeypatch.setattr(shaping.Shaper, "shape", counting)
    return counted


@pytest.mark.parametrize("query, variables", QUERIES)
async def test_the_fast_shape_is_the_reference_answer(supergraph, reference, bails, query, variables):
    fast = await execute(supergraph, query, variables, None, RecordingFetcher())
    assert bails == [] and "errors" not in fast, fast
    subgraphs.reset()
    reference()
    assert await execute(supergraph, query, variables, None, RecordingFetcher()) == fast


async def test_introspection_is_left_to_the_reference(supergraph, bails):
    result = await execute(supergraph, "{ __schema { queryType { name } } products { name } }", None, None,
                           RecordingFetcher())
    assert result["data"]["__schema"] == {"queryType": {"name": "Query"}} and len(bails) == 1


async def test_a_null_where_the_schema_forbids_one_is_reported_as_graphql_core_does(supergraph, bails):
    """A subgraph down: its non-null fields come back null; the reference reports and propagates that."""
    query = '{ product(id: "1") { name reviews { body } } }'
    result = await execute(supergraph, query, None, None, RecordingFetcher(down=("reviews",)))
    assert bails and result["data"] == {"product": None}
    assert result["errors"][0]["extensions"]["code"] == "SUBGRAPH_UNAVAILABLE"


@pytest.mark.parametrize("value, leaf, expected", [
    ("x", "String", "x"), (5, "ID", "5"), (True, "Boolean", True), (7, "Int", 7), (3, "Float", 3.0)])
def test_leaves_serialize_as_graphql_core_does(value, leaf, expected):
    from graphql import GraphQLBoolean, GraphQLFloat, GraphQLID, GraphQLInt, GraphQLString
    leaf_type = {"String": GraphQLString, "ID": GraphQLID, "Boolean": GraphQLBoolean, "Int": GraphQLInt,
                 "Float": GraphQLFloat}[leaf]
    assert shaping._leaf(value, leaf_type) == expected == leaf_type.serialize(value)


@pytest.mark.parametrize("value, leaf", [(2 ** 31, "Int"), (True, "Int"), (1, "String"), ("1", "Boolean")])
def test_leaves_graphql_core_would_judge_are_left_to_it(value, leaf):
    from graphql import GraphQLBoolean, GraphQLInt, GraphQLString
    with pytest.raises(shaping.Bail):
        shaping._leaf(value, {"Int": GraphQLInt, "String": GraphQLString, "Boolean": GraphQLBoolean}[leaf])
