"""The subgraphs' SDL is committed, and Apollo's own composition accepts it: a deployment may put another
federation router in front of the same services (ARCHITECTURE.md, Gateway)."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from egov.registry import SERVICES
from graphql import parse, print_ast
from graphql.language import ast

from gateway.composition import compose, compose_sdl
from gateway.supergraph import from_supergraph_sdl
from tests.federation.npm import ensure_npm_packages

HERE = Path(__file__).parent
ROOT = HERE.parents[1]


async def subgraph_sdl(name: str) -> str:
    result = await SERVICES[name].schema_factory().execute("{ _service { sdl } }")
    assert result.errors is None, result.errors
    return result.data["_service"]["sdl"].strip() + "\n"


@pytest.mark.parametrize("name", list(SERVICES))
async def test_committed_subgraph_sdl_is_current(name):
    """Regenerate with EGOV_UPDATE_SDL=1 scripts/test.sh tests/federation, then review and commit the diff."""
    committed = ROOT / "services" / name / "schema.graphql"
    current = await subgraph_sdl(name)
    if os.environ.get("EGOV_UPDATE_SDL") == "1":
        committed.write_text(current)
    assert committed.exists() and committed.read_text() == current, f"{committed} is stale"


async def test_the_gateway_composes_the_subgraphs_into_one_project_entity():
    supergraph = compose({name: await subgraph_sdl(name) for name in SERVICES})
    project_fields = set(supergraph.schema.type_map["Project"].fields)
    assert {"id", "name", "status", "budgetReview", "auditRegister", "classification"} <= project_fields


def apollo_compose(files: dict[str, Path]) -> str:
    """Apollo's own composition (npm @apollo/composition) of the subgraph SDL files: its supergraph SDL."""
    ensure_npm_packages("the Apollo composition check")
    result = subprocess.run(["node", "compose.js", *(f"{n}={f}" for n, f in files.items())], cwd=HERE,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_apollo_composition_accepts_the_committed_subgraphs():
    supergraph = apollo_compose({name: ROOT / "services" / name / "schema.graphql" for name in SERVICES})
    assert "join__type(graph: FINANCE, key: \"id\")" in supergraph


def test_our_composition_agrees_with_apollos_on_the_four_bureaus():
    """The same supergraph, whichever composed it: client schema, routing data and Article 5's directives."""
    files = {name: ROOT / "services" / name / "schema.graphql" for name in SERVICES}
    apollo = from_supergraph_sdl(apollo_compose(files))
    ours = compose({name: path.read_text() for name, path in files.items()},
                   {name: f"http://{name}/graphql" for name in SERVICES})
    assert_same_supergraph(ours, apollo)
    assert ours.access[("Mutation", "approveProject")].scopes == (("APPROVAL_BUREAU",),)


def assert_same_supergraph(ours, apollo) -> None:
    """The same client schema (every definition character for character; their order may differ), subgraphs, routing
    data (who resolves what, keys, requires, provides, types per subgraph, overrides) and authorization directives."""
    assert sorted(ours.api_sdl.split("\n\n")) == sorted(apollo.api_sdl.split("\n\n"))
    assert ours.urls == apollo.urls
    for part in ("types", "implements", "members", "access"):
        assert getattr(ours, part) == getattr(apollo, part), part
    assert _field_routing(ours) == _field_routing(apollo)


def _field_routing(supergraph) -> dict:
    return {k: {s: (f.external, f.type, f.used_overridden, f.override,
                    *(print_ast(x) if x else None for x in (f.requires, f.provides))) for s, f in v.items()}
            for k, v in supergraph.fields.items()}


AUDITED = '''extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.11", import: ["@key", "@composeDirective"])
  @link(url: "https://yiyang.gov.cn/specs/audited/v1.0", import: ["@audited"])
  @composeDirective(name: "@audited")
directive @audited(reason: String) on FIELD_DEFINITION | OBJECT
type Query { project(id: ID!): Project }
type Project @key(fields: "id") @audited { id: ID! investment: Int @audited(reason: "money") }
'''
PLAIN = '''extend schema @link(url: "https://specs.apollo.dev/federation/v2.11", import: ["@key"])
type Project @key(fields: "id") { id: ID! name: String }
'''


def _custom(sdl: str) -> tuple:
    """What a supergraph says of custom directives: links beyond Apollo's specs, definitions, applications."""
    doc = parse(sdl)
    links = sorted(print_ast(d) for n in doc.definitions if isinstance(n, ast.SchemaDefinitionNode)
                   for d in n.directives if "specs.apollo.dev" not in print_ast(d))
    definitions = sorted(print_ast(n) for n in doc.definitions
                         if isinstance(n, ast.DirectiveDefinitionNode) and n.name.value == "audited")
    applied = sorted((n.name.value, f.name.value if f else "", print_ast(d))
                     for n in doc.definitions if isinstance(n, ast.ObjectTypeDefinitionNode)
                     for f, directives in [(None, n.directives), *((f, f.directives) for f in n.fields or ())]
                     for d in directives or () if d.name.value == "audited")
    return links, definitions, applied


def test_a_composed_directive_reaches_the_supergraph_as_in_apollos_composition(tmp_path):
    """@composeDirective: a department's own directive (here @audited) keeps its link, definition and every
    application in the supergraph, for the routers and tools that read it; clients never see it."""
    files = {"audit": tmp_path / "audit.graphql", "approval": tmp_path / "approval.graphql"}
    files["audit"].write_text(AUDITED)
    files["approval"].write_text(PLAIN)
    apollo = apollo_compose(files)
    ours = compose_sdl({name: path.read_text() for name, path in files.items()},
                       {name: f"http://{name}/graphql" for name in files})
    assert _custom(ours) == _custom(apollo)
    assert _custom(ours)[2] == [("Project", "", "@audited"), ("Project", "investment", '@audited(reason: "money")')]
    assert_same_supergraph(from_supergraph_sdl(ours), from_supergraph_sdl(apollo))
    assert "audited" not in from_supergraph_sdl(ours).api_sdl
