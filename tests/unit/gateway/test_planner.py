"""The gateway's composition, query planning and execution, against three in-process Strawberry subgraphs."""
from __future__ import annotations

import pytest
from graphql import build_client_schema, get_introspection_query, parse, print_ast

from gateway.execution import execute
from gateway.planner import Fetch, Parallel, PlanningError, Sequence, plan
from gateway.composition import CompositionError, compose
from gateway.supergraph import from_supergraph_sdl
from tests.federation.differential.subgraph import Subgraph
from tests.unit.gateway import subgraphs
from tests.unit.gateway.subgraphs import STATS, RecordingFetcher


@pytest.fixture(scope="module")
def supergraph():
    return compose(subgraphs.service_sdls())


@pytest.fixture(autouse=True)
def fresh_data():
    subgraphs.reset()


async def run(supergraph, query, variables=None, *, down=(), operation_name=None, **options):
    fetcher = RecordingFetcher(down)
    return await execute(supergraph, query, variables, operation_name, fetcher, **options), fetcher


# -- composition ------------------------------------------------------------------------------------------------
def test_client_schema_merges_the_subgraphs_and_hides_federation(supergraph):
    product = supergraph.schema.get_type("Product")
    assert set(product.fields) == {"id", "name", "price", "legacyCode", "reviews", "internalNotes", "inStock",
                                   "shippingCost"}
    assert product.description == "Something the shop sells."
    assert product.fields["reviews"].description == "Reviews of this product, oldest first."
    assert product.fields["legacyCode"].deprecation_reason == "Use id."
    for machinery in ("_entities", "_service", "_Any", "_Entity", "_Service", "@key", "@external", "@requires",
                      "@link", "_FieldSet"):
        assert machinery not in supergraph.api_sdl
    assert set(supergraph.schema.query_type.fields) == {"product", "products", "secret", "reviews", "search"}
    assert list(supergraph.schema.mutation_type.fields) == ["createProduct", "addReview"]


def test_ownership_keys_and_requires_are_recorded(supergraph):
    assert supergraph.owners("Product", "name") == ("products",)
    assert supergraph.owners("Product", "price") == ("products",)  # @external in inventory: not its to resolve
    assert supergraph.owners("Product", "reviews") == ("reviews",)
    assert supergraph.owners("Product", "id") == ("inventory", "products", "reviews")
    assert supergraph.owners("Query", "search") == ("reviews",)
    assert supergraph.owners("Mutation", "createProduct") == ("products",)
    assert [k.fields for k in supergraph.keys("Product", "inventory")] == ["id"]
    assert supergraph.keys("Review", "products") == ()
    assert print_ast(supergraph.field_in("inventory", "Product", "shippingCost").requires) == "{\n  price\n}"
    assert 'price: Int! @join__field(graph: INVENTORY, external: true)' in supergraph.sdl


A = '''extend schema @link(url: "https://specs.apollo.dev/federation/v2.11", import: ["@key", "@shareable"])
type Query { a: Thing  shared: Int }
type Thing @key(fields: "id") { id: ID!  size: Int  label: String }
enum Colour { RED }
'''
B = '''extend schema @link(url: "https://specs.apollo.dev/federation/v2.11", import: ["@key", "@shareable"])
type Query { b: Thing  shared: Int }
type Thing @key(fields: "id") { id: ID!  size: String  label: String }
input Colour { r: Int }
'''


def test_composition_reports_every_conflict():
    with pytest.raises(CompositionError) as raised:
        compose({"a": A, "b": B})
    problems = raised.value.problems
    assert len(problems) == 5, problems
    assert any('"Thing.size" has conflicting types: Int in "a", String in "b"' in p for p in problems)
    assert any('"Thing.size"' in p and "@shareable" in p for p in problems)
    assert any('"Thing.label"' in p and "@shareable" in p for p in problems)
    assert any('"Query.shared"' in p and "@shareable" in p for p in problems)
    assert any('"Colour"' in p and "enum" in p and "input" in p for p in problems)
    assert "Thing.size" in str(raised.value)


def test_shareable_and_key_fields_may_be_resolved_by_several_subgraphs():
    shared_a = A.replace("label: String", "label: String @shareable").replace("shared: Int", "shared: Int @shareable") \
        .replace("size: Int", "size: Int @shareable")
    shared_b = B.replace("size: String", "size: Int @shareable").replace("label: String", "label: String @shareable") \
        .replace("shared: Int", "shared: Int @shareable").replace("input Colour { r: Int }", "")
    supergraph = compose({"a": shared_a, "b": shared_b})
    assert supergraph.owners("Thing", "label") == ("a", "b")
    assert supergraph.owners("Thing", "id") == ("a", "b")


def test_inaccessible_override_stub_keys_renamed_imports_and_federation_1():
    v1 = '''type Query { topProducts: [Product] }
            type Product @key(fields: "upc") { upc: String!  name: String }'''
    v1_extension = '''extend type Product @key(fields: "upc") { upc: String! @external  reviews: [String] }
                      extend type Query { count: Int }'''
    v2 = '''extend schema @link(url: "https://specs.apollo.dev/federation/v2.11",
                              import: ["@key", "@override", "@inaccessible", {name: "@shareable", as: "@share"}])
            type Product @key(fields: "upc") @key(fields: "sku", resolvable: false) {
              upc: String!  sku: String @inaccessible  name: String @override(from: "a") @share }
            enum Mood { HAPPY SECRET @inaccessible }
            type Query { mood: Mood }'''
    supergraph = compose({"a": v1, "b": v1_extension, "c": v2})
    assert "sku" not in supergraph.api_sdl and "SECRET" not in supergraph.api_sdl and "@share" not in supergraph.sdl
    assert supergraph.owners("Product", "name") == ("c",)  # moved by @override
    assert supergraph.owners("Product", "upc") == ("a", "b", "c")  # an @external key field is still provided
    assert supergraph.owners("Product", "sku") == ("c",)  # hidden from clients, still usable by the planner
    assert {s: [k.fields for k in supergraph.keys("Product", s)] for s in "abc"} == {
        "a": ["upc"], "b": ["upc"], "c": ["upc"]}  # resolvable: false keys are not entry points
    assert list(supergraph.schema.query_type.fields) == ["topProducts", "count", "mood"]


# -- planning ---------------------------------------------------------------------------------------------------
async def test_entity_chain_products_reviews_products(supergraph):
    query = '{ product(id: "1") { name reviews { body product { name } } } }'
    result, fetcher = await run(supergraph, query)
    assert result == {"data": {"product": {"name": "Lamp", "reviews": [
        {"body": "Bright", "product": {"name": "Lamp"}}, {"body": "Too bright", "product": {"name": "Lamp"}}]}}}
    assert fetcher.subgraphs == ["products", "reviews", "products"]
    root, to_reviews, back = fetcher.calls
    assert "_entities" not in root[1] and "_gw_id: id" in root[1] and "_gw_typename: __typename" in root[1]
    assert to_reviews[2] == {"representations": [{"__typename": "Product", "id": "1"}]}
    assert "_entities(representations: $representations)" in to_reviews[1] and "... on Product" in to_reviews[1]
    assert back[2] == {"representations": [{"__typename": "Product", "id": "1"}]}  # deduplicated: two reviews, one product

    query_plan = plan(supergraph, parse(query), None)
    assert isinstance(query_plan.node, Sequence)
    assert [(f.subgraph, ".".join(f.path)) for f in query_plan.fetches()] == [
        ("products", ""), ("reviews", "product"), ("products", "product.reviews.@.product")]
    text = str(query_plan)
    assert text.startswith("QueryPlan {") and 'Fetch(service: "reviews")' in text
    assert 'Flatten(path: "product.reviews.@.product")' in text


async def test_a_list_is_completed_with_one_batched_entities_call(supergraph):
    result, fetcher = await run(supergraph, "{ products { name reviews { body } } }")
    assert [p["name"] for p in result["data"]["products"]] == ["Lamp", "Desk", "Chair"]
    assert result["data"]["products"][2]["reviews"] == []
    assert fetcher.subgraphs == ["products", "reviews"]
    (_, variables), = fetcher.entity_calls("reviews")
    assert [r["id"] for r in variables["representations"]] == ["1", "2", "3"]
    assert STATS.batches["reviews.Product"] == [["1", "2", "3"]]  # one DataLoader batch on the subgraph side


async def test_representations_are_deduplicated_and_unknown_entities_become_null(supergraph):
    """An entity the subgraph does not know (`_entities` null) keeps what other subgraphs said of it; the fields
    it lacks are null, and a null in a non-null field propagates up with an error at its path, as in Apollo
    Gateway (which reports that error under `extensions.valueCompletion`) and as the GraphQL spec asks."""
    result, fetcher = await run(supergraph, "{ reviews { id product { name } } }")
    assert result["data"] == {"reviews": [
        {"id": "r1", "product": {"name": "Lamp"}}, {"id": "r2", "product": {"name": "Lamp"}},
        {"id": "r3", "product": {"name": "Desk"}}, {"id": "r4", "product": None}]}  # products knows no "99"
    assert [e["path"] for e in result["errors"]] == [["reviews", 3, "product", "name"]]
    (_, variables), = fetcher.entity_calls("products")
    assert [r["id"] for r in variables["representations"]] == ["1", "2", "99"]


async def test_null_parent_means_no_dependent_fetch(supergraph):
    result, fetcher = await run(supergraph, '{ product(id: "404") { name reviews { body } } }')
    assert result == {"data": {"product": None}}
    assert fetcher.subgraphs == ["products"]


async def test_aliases_variables_fragments_and_directives(supergraph):
    query = '''
      query Shop($id: ID!, $withReviews: Boolean!) {
        first: product(id: $id) { ...Basics title: name }
        other: product(id: "2") { __typename id: name }
      }
      fragment Basics on Product {
        id
        ... on Product { reviews @include(if: $withReviews) { text: body } }
        price @skip(if: true)
      }'''
    result, fetcher = await run(supergraph, query, {"id": "1", "withReviews": True, "ignored": 3},
                                operation_name="Shop")
    assert result == {"data": {
        "first": {"id": "1", "reviews": [{"text": "Bright"}, {"text": "Too bright"}], "title": "Lamp"},
        "other": {"__typename": "Product", "id": "Desk"}}}
    assert list(result["data"]["first"]) == ["id", "reviews", "title"]  # the client's order, not the subgraphs'
    (_, products_query, products_variables), (_, reviews_query, reviews_variables) = fetcher.calls
    assert "first: product(id: $id)" in products_query and "($id: ID!)" in products_query
    assert products_variables == {"id": "1"}  # only what this fetch uses
    assert "price" not in products_query and "@include" not in reviews_query and "text: body" in reviews_query
    assert set(reviews_variables) == {"representations"}

    result, fetcher = await run(supergraph, query, {"id": "1", "withReviews": False}, operation_name="Shop")
    assert result["data"]["first"] == {"id": "1", "title": "Lamp"}
    assert fetcher.subgraphs == ["products"]


async def test_client_aliases_cannot_collide_with_the_planners_fields(supergraph):
    query = '{ product(id: "1") { id: name _gw_key_id: price reviews { body } } }'
    result, fetcher = await run(supergraph, query)
    assert result == {"data": {"product": {"id": "Lamp", "_gw_key_id": 120,
                                           "reviews": [{"body": "Bright"}, {"body": "Too bright"}]}}}
    assert "_gw2_id: id" in fetcher.calls[0][1]  # the planner moved to a prefix the client does not use


async def test_unions_typename_and_parallel_dependents(supergraph):
    query = '{ search(text: "right") { __typename ... on Product { name } ... on Review { body product { name } } } }'
    result, fetcher = await run(supergraph, query)
    assert result == {"data": {"search": [
        {"__typename": "Product", "name": "Lamp"},
        {"__typename": "Review", "body": "Bright", "product": {"name": "Lamp"}},
        {"__typename": "Review", "body": "Too bright", "product": {"name": "Lamp"}}]}}
    assert fetcher.subgraphs == ["reviews", "products", "products"]

    query_plan = plan(supergraph, parse('{ product(id: "1") { reviews { body } inStock } }'), None)
    first, parallel = query_plan.node.nodes
    assert isinstance(first, Fetch) and isinstance(parallel, Parallel)
    assert sorted(n.subgraph for n in parallel.nodes) == ["inventory", "reviews"]


async def test_requires_hands_the_required_fields_to_the_subgraph(supergraph):
    result, fetcher = await run(supergraph, "{ products(first: 3) { id shippingCost inStock } }")
    assert result == {"data": {"products": [{"id": "1", "shippingCost": 0, "inStock": True},
                                            {"id": "2", "shippingCost": 0, "inStock": True},
                                            {"id": "3", "shippingCost": 5, "inStock": False}]}}
    assert "_gw_price: price" in fetcher.calls[0][1]
    (_, variables), = fetcher.entity_calls("inventory")
    assert variables["representations"][2] == {"__typename": "Product", "id": "3", "price": 80}


# -- errors -----------------------------------------------------------------------------------------------------
async def test_forbidden_errors_pass_through_with_code_and_client_path(supergraph):
    result, _ = await run(supergraph, '{ secret products { id internalNotes } }')
    assert result["data"]["secret"] is None
    assert [p["internalNotes"] for p in result["data"]["products"]] == ["notes on 1", None, "notes on 3"]
    assert result["errors"] == [
        {"message": "secrets are for auditors", "path": ["secret"], "extensions": {"code": "FORBIDDEN"}},
        {"message": "notes on this product are for staff", "path": ["products", 1, "internalNotes"],
         "extensions": {"code": "FORBIDDEN"}}]


async def test_a_subgraph_that_is_down_gives_partial_data(supergraph):
    query = '{ product(id: "1") { name internalNotes } reviews { body } }'
    result, fetcher = await run(supergraph, query, down=("reviews",))
    assert result["data"] == {"product": {"name": "Lamp", "internalNotes": None}, "reviews": None}
    assert result["errors"] == [{"message": 'Subgraph "reviews" is unavailable.',
                                 "extensions": {"code": "SUBGRAPH_UNAVAILABLE", "subgraph": "reviews"}}]
    assert sorted(fetcher.subgraphs) == ["products", "reviews", "reviews"]


async def test_a_non_null_field_of_a_down_subgraph_nulls_its_parent_without_extra_errors(supergraph):
    result, _ = await run(supergraph, '{ product(id: "1") { name inStock } }', down=("inventory",))
    assert result["data"] == {"product": None}  # inStock is Boolean!: its parent goes null, as GraphQL says
    assert [e["extensions"]["code"] for e in result["errors"]] == ["SUBGRAPH_UNAVAILABLE"]


# -- mutations --------------------------------------------------------------------------------------------------
async def test_mutations_run_one_after_another_in_document_order(supergraph):
    query = '''mutation {
      a: createProduct(name: "A") { id name }
      r: addReview(productId: "1", body: "nice") { body product { name } }
      b: createProduct(name: "B") { id }
      c: createProduct(name: "C") { id inStock }
    }'''
    result, fetcher = await run(supergraph, query)
    assert result == {"data": {"a": {"id": "4", "name": "A"}, "r": {"body": "nice", "product": {"name": "Lamp"}},
                               "b": {"id": "5"}, "c": {"id": "6", "inStock": True}}}
    assert STATS.mutations == ["start:createProduct A", "end:createProduct A", "start:addReview nice",
                               "end:addReview nice", "start:createProduct B", "end:createProduct B",
                               "start:createProduct C", "end:createProduct C"]
    assert fetcher.subgraphs == ["products", "reviews", "products", "products", "inventory"]
    assert fetcher.calls[0][1].startswith("mutation") and fetcher.calls[2][1].startswith("query")
    assert "b: createProduct" in fetcher.calls[3][1] and "c: createProduct" in fetcher.calls[3][1]  # neighbours share


# -- answered by the gateway alone --------------------------------------------------------------------------------
async def test_introspection_needs_no_fetch(supergraph):
    result, fetcher = await run(supergraph, '{ __typename __type(name: "Product") { fields { name } } }')
    assert result["data"]["__typename"] == "Query"
    assert "reviews" in [f["name"] for f in result["data"]["__type"]["fields"]]
    result, fetcher2 = await run(supergraph, get_introspection_query(descriptions=True))
    assert "errors" not in result
    client_schema = build_client_schema(result["data"])  # what GraphiQL does with it
    assert client_schema.get_type("Review") is not None and client_schema.get_type("_Entity") is None
    assert fetcher.calls == [] and fetcher2.calls == []


async def test_invalid_documents_and_variables_are_refused_without_fetching(supergraph):
    for query, variables in [('{ product(id: "1") { nope } }', None), ("{ product(id: ", None),
                             ("query($id: ID!) { product(id: $id) { name } }", {}),
                             ("{ _entities(representations: []) { __typename } }", None)]:
        result, fetcher = await run(supergraph, query, variables)
        assert "data" not in result and result["errors"], query
        assert fetcher.calls == []


async def test_the_plan_can_be_returned_and_observed(supergraph):
    seen = []
    result, _ = await run(supergraph, '{ product(id: "1") { reviews { body } } }', include_plan=True,
                          plan_hook=seen.append)
    assert result["extensions"]["queryPlan"] == str(seen[0])
    assert 'Flatten(path: "product")' in result["extensions"]["queryPlan"]


NODE_SUPERGRAPH = '''
schema @link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION) {
  query: Query
}
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
scalar join__FieldSet
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
enum join__Graph {
  A @join__graph(name: "a", url: "http://a/graphql")
  B @join__graph(name: "b", url: "http://b/graphql")
}
interface Node @join__type(graph: A) @join__type(graph: B) {
  id: ID!
}
type Account implements Node @join__implements(graph: A, interface: "Node") @join__implements(graph: B, interface: "Node")
    @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") {
  id: ID! @join__field(graph: A) @join__field(graph: B, external: true)
  username: String! @join__field(graph: A)
}
type Chat implements Node @join__implements(graph: A, interface: "Node") @join__implements(graph: B, interface: "Node")
    @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") {
  id: ID! @join__field(graph: A, external: true) @join__field(graph: B)
  text: String! @join__field(graph: B)
}
type Query @join__type(graph: A) @join__type(graph: B) {
  node(id: ID!): Node
}
'''


def test_a_field_of_an_interface_that_no_subgraph_can_give_for_every_implementation_is_refused():
    """`node { id }`: subgraph a cannot give `id` of a Chat (it is external there, and a's Chat key needs it), b
    cannot give `id` of an Account: no fetch can answer `Node.id` for whatever `node` turns out to be, so planning
    fails (as Apollo's planner fails), instead of asking both subgraphs for the same object and merging guesses.
    Fields asked only of one concrete type still plan."""
    supergraph = from_supergraph_sdl(NODE_SUPERGRAPH)
    with pytest.raises(PlanningError, match="Node.id"):
        plan(supergraph, parse('{ node(id: "a1") { id } }'))
    query_plan = plan(supergraph, parse('{ node(id: "a1") { ... on Account { id username } } }'))
    assert [f.subgraph for f in query_plan.fetches()] == ["a"]


_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@interfaceObject"])\n'
ONLY_INTERFACE_OBJECTS = {
    "a": Subgraph("a", _LINK + '''
interface Node @key(fields: "id") { id: ID! }
type Query { a: Node }''', roots={"Query.a": lambda _: {"__typename": "Node", "id": "n1"}}),
    "b": Subgraph("b", _LINK + '''
type Node @key(fields: "id", resolvable: false) @interfaceObject { id: ID! field: String }
type Query { b: Node }''', roots={"Query.b": lambda _: {"__typename": "Node", "id": "n1", "field": "foo"}}),
}


async def test_an_interface_nothing_implements_is_answered_by_its_own_fields():
    """Node is an interface in a (no type implements it anywhere) and an @interfaceObject in b: no subgraph can name
    a concrete type, so the gateway asks none and shapes the value by the interface's fields; a field of b that only
    an unresolvable key could reach from a is refused at planning (the federation-gateway-audit's
    non-resolvable-interface-object suite)."""
    supergraph = compose({name: s.sdl for name, s in ONLY_INTERFACE_OBJECTS.items()})
    asked = []

    async def fetch(subgraph, query, variables):
        asked.append(subgraph)
        return await ONLY_INTERFACE_OBJECTS[subgraph].execute(query, variables, None)

    assert await execute(supergraph, "{ b { id field } }", None, None, fetch) == {
        "data": {"b": {"id": "n1", "field": "foo"}}}
    assert asked == ["b"]
    with pytest.raises(PlanningError, match="Query.a"):
        plan(supergraph, parse("{ a { field } }"))
