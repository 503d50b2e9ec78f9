"""Operations are parsed, validated and planned once per supergraph, and what depends on the request still is
checked on every request (gateway.operations)."""
from __future__ import annotations

import pytest
from graphql import NoSchemaIntrospectionCustomRule

import gateway.operations as operations
from gateway.composition import compose
from gateway.execution import execute
from gateway.limits import max_cost_rule
from tests.unit.gateway import subgraphs
from tests.unit.gateway.subgraphs import RecordingFetcher


@pytest.fixture
def supergraph():
    subgraphs.reset()
    return compose(subgraphs.service_sdls())


@pytest.fixture
def counted(monkeypatch):
    """How many times documents were parsed+validated and planned."""
    counts = {"prepare": 0, "plan": 0}
    prepare, plan = operations.prepare, operations.plan

    def counting_prepare(*args, **kwargs):
        counts["prepare"] += 1
        return prepare(*args, **kwargs)

    def counting_plan(*args, **kwargs):
        counts["plan"] += 1
        return plan(*args, **kwargs)

    monkeypatch.setattr(operations, "prepare", counting_prepare)
    monkeypatch.setattr(operations, "plan", counting_plan)
    return counts


async def test_a_repeated_document_is_prepared_and_planned_once(supergraph, counted):
    query = "query($id: ID!) { product(id: $id) { name reviews { body } inStock } }"
    for product in ("1", "2", "1"):
        result = await execute(supergraph, query, {"id": product}, None, RecordingFetcher())
        assert "errors" not in result and result["data"]["product"]["name"]
    assert counted == {"prepare": 1, "plan": 1}


async def test_the_variables_are_still_checked_on_every_request(supergraph):
    query = "query($id: ID!) { product(id: $id) { name } }"
    assert "errors" not in await execute(supergraph, query, {"id": "1"}, None, RecordingFetcher())
    refused = await execute(supergraph, query, {"id": {"not": "an id"}}, None, RecordingFetcher())
    assert "data" not in refused and refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    missing = await execute(supergraph, query, {}, None, RecordingFetcher())
    assert "data" not in missing and missing["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_cost_read_from_variables_is_judged_per_request_and_a_static_one_once(supergraph, counted):
    rules = [max_cost_rule(50)]
    paged = "query($n: Int!) { products(first: $n) { name } }"
    assert (await execute(supergraph, paged, {"n": 100}, None, RecordingFetcher(), validation_rules=rules)
            )["errors"][0]["extensions"]["code"] == "COST_LIMIT_EXCEEDED"
    assert "errors" not in await execute(supergraph, paged, {"n": 2}, None, RecordingFetcher(), validation_rules=rules)
    assert (await execute(supergraph, paged, {"n": 100}, None, RecordingFetcher(), validation_rules=rules)
            )["errors"][0]["extensions"]["code"] == "COST_LIMIT_EXCEEDED"
    # a variable that is not a page size does not make the cost depend on the request
    static = "query($id: ID!) { product(id: $id) { name } products(first: 100) { name } }"
    prepared = supergraph.operations.get(static, None, rules, hide_suggestions=False, max_tokens=None)
    assert prepared.request_rules == () and prepared.errors[0]["extensions"]["code"] == "COST_LIMIT_EXCEEDED"
    assert counted["prepare"] == 2


async def test_skip_and_include_variables_choose_among_cached_plans(supergraph, counted):
    query = "query($r: Boolean!) { product(id: \"1\") { name reviews @include(if: $r) { body } } }"
    with_reviews = await execute(supergraph, query, {"r": True}, None, fetcher := RecordingFetcher())
    assert with_reviews["data"]["product"]["reviews"] and {c[0] for c in fetcher.calls} == {"products", "reviews"}
    without = await execute(supergraph, query, {"r": False}, None, fetcher := RecordingFetcher())
    assert "reviews" not in without["data"]["product"] and {c[0] for c in fetcher.calls} == {"products"}
    await execute(supergraph, query, {"r": True}, None, RecordingFetcher())
    assert counted == {"prepare": 1, "plan": 2}


async def test_the_public_and_a_signed_caller_never_share_a_verdict(supergraph):
    """Introspection closed to the public: a signed caller's cached verdict on the same text is not the public's."""
    query = "{ __schema { queryType { name } } }"
    signed = supergraph.operations.get(query, None, (), hide_suggestions=True, max_tokens=None)
    public = supergraph.operations.get(query, None, (NoSchemaIntrospectionCustomRule,), hide_suggestions=True,
                                       max_tokens=None)
    assert signed.errors == [] and public.errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_a_new_supergraph_starts_with_an_empty_cache(supergraph):
    query = "{ products { name } }"
    first = supergraph.operations.get(query, None, (), hide_suggestions=False, max_tokens=None)
    assert supergraph.operations.get(query, None, (), hide_suggestions=False, max_tokens=None) is first
    recomposed = compose(subgraphs.service_sdls())
    assert recomposed.operations.get(query, None, (), hide_suggestions=False, max_tokens=None) is not first


def test_the_cache_is_bounded_and_long_documents_are_not_kept(supergraph):
    cache = operations.OperationCache(supergraph.schema, size=3)
    for n in range(10):
        cache.get(f"{{ products(first: {n}) {{ name }} }}", None, (), hide_suggestions=False, max_tokens=None)
    assert len(cache.entries) == 3
    long = "{ products { name } }" + " " * operations.CACHEABLE_LENGTH
    assert cache.get(long, None, (), hide_suggestions=False, max_tokens=None).errors == []
    assert all(key[0] != long for key in cache.entries)


async def test_a_refused_document_is_refused_again_the_same_way(supergraph):
    for _ in range(2):
        result = await execute(supergraph, "{ products { nope } }", None, None, RecordingFetcher())
        assert "data" not in result and result["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        result = await execute(supergraph, "{ products { name }", None, None, RecordingFetcher())
        assert result["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
