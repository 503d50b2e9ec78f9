"""The subgraphs' SDL is committed, and Apollo's own composition accepts it: a deployment may put another
federation router in front of the same services (ARCHITECTURE.md, Gateway)."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from egov.registry import SERVICES
from graphql import print_ast

from gateway.composition import compose
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
