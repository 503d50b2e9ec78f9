"""Our gateway answers as Apollo Gateway does, over subgraphs that use every Federation v2 feature.

The seven subgraphs of `tests/federation/differential/subgraphs.py` are served over HTTP on a free loopback port.
Apollo's composition (npm @apollo/composition) composes them once; both gateways serve that supergraph, so what is
compared is planning and execution: Apollo Gateway (npm @apollo/gateway in @apollo/server) and ours
(`gateway.execution.execute` with an HTTP fetcher, as `gateway.app.Gateway.run` builds it). Our own composition of
the same subgraphs must give the same client schema and routing data.

The comparison rule, per operation: `data` must be equal (the same JSON values, fields in the same order), and
the errors must sit at the same paths (the list of error paths, sorted; an error without a path counts as `null`).
Error messages and extensions are not compared: Apollo's wording and codes differ from ours, and a client relies
on the data and on where the errors are (see `comparable` for Apollo's `valueCompletion`). Subgraph state is
reset before each gateway runs an operation.
Where Apollo Gateway is wrong, the case says so and asserts our answer instead (`EXPECTED_INSTEAD`).
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import pytest

from gateway.composition import compose
from gateway.execution import execute
from gateway.supergraph import from_supergraph_sdl
from tests.federation.differential import subgraphs
from tests.federation.differential.subgraph import asgi_app
from tests.federation.test_composition import assert_same_supergraph
from tests.federation.npm import ensure_npm_packages
from tests.support.http_server import serve

SUBGRAPHS = subgraphs.SUBGRAPHS

CASES = {
    # -- @key ---------------------------------------------------------------------------------------------------
    "key-several-keys-entered-by-code": ('{ projectByCode(code: "PK-2") { id name permits { number kind } } }', {}),
    "key-compound": ("{ projects { id district { city code name population } } }", {}),
    "key-nested-with-a-null-key": (
        "{ permits { number contractor { licence { authority number } company rating } } }", {}),
    "key-resolvable-false": ("{ events { title project { id name status } } }", {}),
    "key-hop-through-a-third-subgraph": ("{ events { title project { id permits { number } } } }", {}),
    # -- @requires ----------------------------------------------------------------------------------------------
    "requires-with-arguments-from-a-third-subgraph": (
        "{ projects { id perCapita whole: perCapita(rounding: 0) } }", {}),
    "requires-with-a-variable-argument": (
        'query($r: Int) { project(id: "p2") { name perCapita(rounding: $r) } }', {"r": 3}),
    "requires-inline-fragment-on-an-interface": ("{ projects { id leadBadge } }", {}),
    "requires-chain": ("{ projects { id adjustedBudget } }", {}),
    "requires-the-same-field-with-different-arguments": ("{ projects { id valuationNote valuationNoteEUR } }", {}),
    "requires-chain-with-its-inputs-selected": (
        "{ project(id: \"p1\") { budget adjustedBudget district { city population } } }", {}),
    "requires-an-inaccessible-field": ("{ projects { id auditTag } }", {}),
    # -- @provides, @shareable, @override, @inaccessible --------------------------------------------------------
    "provides": ("{ permits { number project { name } } }", {}),
    "provides-and-beyond": ("{ permits { number project { code name budget status } } }", {}),
    "shareable-root-field-one-subgraph-has-all": ("{ notices { id title body } }", {}),
    "shareable-root-field-split-over-two": ("{ notices { id title author body } }", {}),
    "override": ("{ projects { id status } }", {}),
    "override-on-an-entity-the-overriding-subgraph-lacks": ('{ project(id: "p4") { name status } }', {}),
    "inaccessible-field-refused": ('{ project(id: "p1") { secretRef } }', {}),
    # -- non-entity types reachable through their parent ---------------------------------------------------------
    "value-type-field-through-parent-entity": ("{ projects { name site { address zoning } } }", {}),
    "value-type-field-only-elsewhere": ('{ project(id: "p3") { name site { zoning } } }', {}),
    # -- interfaces, unions, @interfaceObject -------------------------------------------------------------------
    "interface-value-type": (
        "{ projects { lead { __typename name ... on Engineer { licence } ... on Clerk { desk } } } }", {}),
    "interface-entity-across-subgraphs": (
        "{ facilities { __typename id name lastInspection ... on Park { acres } } }", {}),
    "interface-object-root": (
        "{ overdue { __typename id lastInspection name ... on Park { acres } ... on Library { books } } }", {}),
    "interface-object-typename-only": ("{ overdue { __typename } }", {}),
    "interface-object-resolvable-false": (
        "{ events { title venue { __typename id name lastInspection ... on Park { acres } } } }", {}),
    "interface-object-resolvable-false-with-a-conditional-fragment": (
        "query($a: Boolean!) { events { venue { id ... on Park @include(if: $a) { acres lastInspection } } } }",
        {"a": True}),
    "union-partially-known-by-each-subgraph": (
        '{ search(text: "e") { __typename ... on Project { id name status } ... on District { name population } '
        "... on Park { acres } } }", {}),
    "union-members-completed-elsewhere": (
        "{ nearby { __typename ... on Park { name lastInspection } ... on Library { books lastInspection } "
        "... on Project { name } } }", {}),
    "same-response-key-with-different-types-in-one-subgraph": (
        "{ facilities { id ... on Park { size } ... on Library { size } } }", {}),
    "same-response-key-on-union-members": ("{ nearby { ... on Park { size } ... on Library { size } } }", {}),
    # -- __typename, @include/@skip, variables and fragments ----------------------------------------------------
    "typename-everywhere": (
        "{ __typename t: __typename projects { __typename district { __typename population } "
        "site { __typename zoning } } events { __typename venue { __typename } project { __typename } } }", {}),
    "typename-alone": ("{ __typename }", {}),
    "include-skip-across-subgraphs-on": (
        "query($budget: Boolean!, $noSite: Boolean!) { projects { id status @include(if: $budget) "
        "perCapita @include(if: $budget) site @skip(if: $noSite) { zoning } } }", {"budget": True, "noSite": False}),
    "include-skip-across-subgraphs-off": (
        "query($budget: Boolean!, $noSite: Boolean!) { projects { id status @include(if: $budget) "
        "perCapita @include(if: $budget) site @skip(if: $noSite) { zoning } } }", {"budget": False, "noSite": True}),
    "include-on-a-fragment-spread": (
        "query($more: Boolean!) { project(id: \"p1\") { name ...Money @include(if: $more) "
        "... on Project @skip(if: $more) { code } } } fragment Money on Project { status perCapita }",
        {"more": True}),
    "variables-and-named-fragments": (
        """query Dossier($id: ID!, $rounding: Int) { project(id: $id) { ...Core lead { ...Person } } }
        fragment Core on Project { name perCapita(rounding: $rounding) district { ...Place } }
        fragment Place on District { name population }
        fragment Person on Official { name ... on Engineer { licence } }""", {"id": "p1", "rounding": 1}),
    # -- errors and nulls -----------------------------------------------------------------------------------------
    "error-on-a-nullable-field": ("{ projects { id auditNote } }", {}),
    "error-on-a-non-null-field-in-a-list": ("{ projects { id riskLevel } }", {}),
    "error-on-a-non-null-field-of-a-nullable-parent": ('{ project(id: "p2") { name riskLevel } }', {}),
    "entity-unknown-to-a-subgraph": ('{ project(id: "p4") { name perCapita auditNote } }', {}),
    "entity-unknown-to-its-owner": ("{ events { title project { id name } } }", {}),
    "interface-object-unknown-entity": ("{ facilities { id lastInspection } }", {}),
    "error-on-an-entity-in-a-union": ('{ search(text: "") { ... on Project { id riskLevel } } }', {}),
    "error-below-a-provides-hop": ("{ permits { project { code auditNote } } }", {}),
    "error-on-a-nullable-root-field": ('{ forecast notices { id } }', {}),
    "error-on-a-non-null-root-field": ('{ ledger notices { id } }', {}),
    "null-key": ("{ permits { number inspector { badge name rank } } }", {}),
    "operation-name-picks-one": (
        'query One { projects { id } } query Two { project(id: "p1") { name status } }', {}, "Two"),
    "error-on-a-deduplicated-entity": (
        '{ permits { number project { code auditNote } } more: permits { project { auditNote } } }', {}),
    "deep-hops-through-lists": ("{ projects { id permits { number contractor { company rating } } } }", {}),
    "skip-a-root-field-of-another-subgraph": (
        "query($no: Boolean!) { projects { id } forecast @skip(if: $no) }", {"no": True}),
    "introspection-beside-data": (
        '{ __type(name: "Facility") { kind possibleTypes { name } } projects { id } }', {}),
    "variable-default": ('query($r: Int = 1) { project(id: "p1") { perCapita(rounding: $r) } }', {}),
    "interface-object-of-unknown-concrete-type": ("{ inspections { __typename id lastInspection } }", {}),
    "interface-object-of-unknown-concrete-type-no-typename": (
        "{ inspections { id lastInspection ... on Park { acres } } }", {}),
    "interface-object-concrete-fragments": (
        "{ overdue { id ... on Park { lastInspection acres } ... on Library { name } } }", {}),
    # -- mutations ------------------------------------------------------------------------------------------------
    "mutations-run-in-order": (
        'mutation { a: stamp(label: "a") b: tally(label: "b") c: stamp(label: "c") d: tally(label: "d") }', {}),
    "mutation-result-completed-by-other-subgraphs": (
        'mutation Rename($name: String!) { renameProject(id: "p1", name: $name) { name status perCapita } '
        'after: stamp(label: "renamed") }', {"name": "Great Bridge"}),
    "mutation-result-with-an-error-in-another-subgraph": (
        'mutation { a: stamp(label: "a") renamed: renameProject(id: "p2", name: "Meadow") { name riskLevel } '
        'b: tally(label: "b") }', {}),
    "mutation-refused-in-the-middle": (
        'mutation { __typename a: stamp(label: "a") b: refuse(label: "b") c: tally(label: "c") }', {}),
}

# Where Apollo Gateway's answer is wrong: ours, and why.
# f9 is a Facility that maintenance (an @interfaceObject) knows and facilities, the only subgraph that can tell a
# Facility's concrete type, does not. An object without a concrete type cannot be completed (GraphQL spec,
# CompleteValue/ResolveAbstractType): it is a field error, null at its place with an error at its path. Apollo
# Gateway 2.14.4 nulls it silently when `__typename` is selected and, when it is not, returns it as an object
# of no type at all; with no error either way.
_INSPECTED = [{"__typename": "Park", "id": "f1", "lastInspection": "2024-05-01"},
              {"__typename": "Library", "id": "f2", "lastInspection": None}]
EXPECTED_INSTEAD: dict[str, dict] = {
    "interface-object-of-unknown-concrete-type": {
        "data": {"inspections": [*_INSPECTED, None]}, "errors": [{"path": ["inspections", 2]}]},
    "interface-object-of-unknown-concrete-type-no-typename": {
        "data": {"inspections": [{"id": "f1", "lastInspection": "2024-05-01", "acres": 12},
                                 {"id": "f2", "lastInspection": None}, None]},
        "errors": [{"path": ["inspections", 2]}]},
    # events declares Facility @key(fields: "id", resolvable: false): it has no reference resolver, so no gateway may
    # send it `_entities`. Apollo Gateway 2.14.4 does, under a conditional fragment (to re-read `id` it already has),
    # and adds the failure of that call as an error at the path "events.@.venue._entities".
    "interface-object-resolvable-false-with-a-conditional-fragment": {
        "data": {"events": [{"venue": {"id": "f1", "acres": 12, "lastInspection": "2024-05-01"}},
                            {"venue": {"id": "f2"}}, {"venue": None}]}},
    # Two requirements of `valuation`, with currency USD and EUR: each representation can hold only one `valuation`,
    # so they need an `_entities` fetch each. Apollo Gateway 2.14.4 sends one, with the EUR value, and answers
    # "worth 2000 USD" for p1 (the federation-gateway-audit's requires-with-argument-conflict case, which it fails).
    "requires-the-same-field-with-different-arguments": {
        "data": {"projects": [{"id": f"p{n}", "valuationNote": f"worth {1000 * n} USD",
                               "valuationNoteEUR": f"worth {2000 * n} EUR"} for n in (1, 2, 3)]
                 + [{"id": "p4", "valuationNote": None, "valuationNoteEUR": None}]}},
}


@pytest.fixture(scope="module")
def subgraph_urls():
    with serve(asgi_app(SUBGRAPHS)) as base_url:
        yield {name: f"{base_url}/{name}" for name in SUBGRAPHS}


@pytest.fixture(scope="module")
def supergraph_file(tmp_path_factory) -> Path:
    """Apollo's composition of the seven subgraphs (their URLs symbolic: each gateway maps names to real URLs)."""
    folder = ensure_npm_packages("the differential test against Apollo Gateway")
    tmp = tmp_path_factory.mktemp("differential")
    for name, subgraph in SUBGRAPHS.items():
        (tmp / f"{name}.graphql").write_text(subgraph.sdl)
    result = subprocess.run(["node", "compose.js", *(f"{n}={tmp / n}.graphql" for n in SUBGRAPHS)], cwd=folder,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    (tmp / "supergraph.graphql").write_text(result.stdout)
    return tmp / "supergraph.graphql"


@pytest.fixture(scope="module")
def apollo_url(supergraph_file, subgraph_urls):
    """Apollo Gateway on a free port; it prints its URL once listening, and stops when its stdin closes."""
    folder = ensure_npm_packages("the differential test against Apollo Gateway")
    process = subprocess.Popen(["node", "apollo_gateway.js", str(supergraph_file), json.dumps(subgraph_urls)],
                               cwd=folder, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://"), f"Apollo Gateway did not start (exit code {process.poll()})"
        yield url
    finally:
        process.stdin.close()
        assert process.wait(timeout=30) == 0


async def apollo_answer(url: str, query: str, variables: dict, operation_name: str | None = None) -> dict:
    subgraphs.reset()
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(url, json={"query": query, "variables": variables,
                                                "operationName": operation_name})
    return response.json()


async def our_answer(supergraph_file: Path, urls: dict, query: str, variables: dict,
                     operation_name: str | None = None) -> dict:
    subgraphs.reset()
    async with httpx.AsyncClient(timeout=30) as client:
        async def fetch(subgraph: str, subgraph_query: str, subgraph_variables: dict) -> dict:
            response = await client.post(urls[subgraph], json={"query": subgraph_query,
                                                               "variables": subgraph_variables})
            return response.json()

        supergraph = from_supergraph_sdl(supergraph_file.read_text())
        return await execute(supergraph, query, variables, operation_name, fetch)


def comparable(response: dict) -> dict:
    """What a client relies on: the data (field order included; 2 and 2.0 are the same JSON number) and where
    the errors are. Apollo Gateway reports a null in a non-null position that no subgraph error explains under
    `extensions.valueCompletion` instead of `errors` (for compatibility, it says); we report it as the GraphQL
    spec asks, in `errors`: both count as errors at their path."""
    errors = [*(response.get("errors") or ()), *((response.get("extensions") or {}).get("valueCompletion") or ())]
    return {"data": _ordered(response.get("data")), "error paths": sorted(json.dumps(e.get("path")) for e in errors)}


def _ordered(value):
    if isinstance(value, dict):
        return [[key, _ordered(item)] for key, item in value.items()]
    if isinstance(value, list):
        return [_ordered(item) for item in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


@pytest.mark.parametrize("case", list(CASES))
async def test_our_gateway_answers_as_apollo_gateway(case, apollo_url, supergraph_file, subgraph_urls):
    """Each case names the Federation v2 feature it exercises (see CASES); the rule is in the module docstring."""
    query, variables, *operation_name = CASES[case]
    ours = await our_answer(supergraph_file, subgraph_urls, query, variables, *operation_name)
    if case in EXPECTED_INSTEAD:
        assert comparable(ours) == comparable(EXPECTED_INSTEAD[case])
        return
    apollo = await apollo_answer(apollo_url, query, variables, *operation_name)
    assert comparable(ours) == comparable(apollo), (json.dumps(ours, indent=1), json.dumps(apollo, indent=1))


async def test_an_object_whose_key_is_null_is_not_sent_to_another_subgraph(supergraph_file, subgraph_urls):
    """A null key identifies nothing: our gateway leaves such an object's fields from other subgraphs null without
    asking them (Apollo Gateway sends `{"badge": null}` and relies on the subgraph to answer null; the data agree,
    see the case "null-key")."""
    census = SUBGRAPHS["census"]
    census.representations.clear()
    ours = await our_answer(supergraph_file, subgraph_urls, CASES["null-key"][0], {})
    assert ours["data"]["permits"][2]["inspector"] == {"badge": None, "name": "Trainee", "rank": None}
    assert census.representations == [{"__typename": "Inspector", "badge": "B-1"},
                                      {"__typename": "Inspector", "badge": "B-2"}]


def test_our_composition_agrees_with_apollos_on_every_feature(supergraph_file):
    """The same client schema (definition by definition) and the same routing data as Apollo's composition."""
    apollo = from_supergraph_sdl(supergraph_file.read_text())
    ours = compose({name: s.sdl for name, s in SUBGRAPHS.items()},
                   {name: f"http://{name}/graphql" for name in SUBGRAPHS})
    assert_same_supergraph(ours, apollo)
