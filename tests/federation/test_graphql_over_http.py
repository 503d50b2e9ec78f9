"""The gateway and every subgraph speak GraphQL over HTTP (https://graphql.github.io/graphql-over-http/): all 61
server audits of `graphql-http`, the spec's reference implementation, are ok at each endpoint (no warning, no
error), over real HTTP. That covers queries over GET, JSON and application/graphql-response+json negotiated with
their status codes, and 400 for malformed parameters."""
from __future__ import annotations

import json
import subprocess

import httpx
import pytest

from egov.registry import SERVICES
from shared.settings import GatewaySettings
from tests.federation.npm import ensure_npm_packages
from tests.support.http_server import serve

ENDPOINTS = {"gateway": "/graphql", **{name: f"/services/{name}/graphql" for name in SERVICES}}


@pytest.fixture(scope="module")
def embedded_system_url(tmp_path_factory, keys):
    """The embedded system (four services on SQLite, in-process bus, the gateway in front) on a free port."""
    from egov.embedded import EmbeddedSystem

    system = EmbeddedSystem(GatewaySettings(data_dir=tmp_path_factory.mktemp("graphql-over-http"),
                                            jwt_private_key_file=keys[0], jwt_public_key_file=keys[1],
                                            subgraph_poll_interval=0, expose_subgraphs=True))
    with serve(system.app) as base_url:
        yield base_url


def graphql_http_audits(url: str) -> list[dict]:
    folder = ensure_npm_packages("the graphql-http audits")
    result = subprocess.run(["node", "http_audit.js", url], cwd=folder, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_every_graphql_http_audit_is_ok(embedded_system_url, endpoint):
    results = graphql_http_audits(embedded_system_url + ENDPOINTS[endpoint])
    failures = [f"{r['id']} {r['status']}: {r['name']}: {r['reason']} (HTTP {r['httpStatus']}, {r['contentType']})"
                for r in results if r["status"] != "ok"]
    assert len(results) == 61
    assert not failures, f"{len(failures)} of {len(results)} audits not ok at {endpoint}:\n" + "\n".join(failures)


GRAPHQL_RESPONSE = "application/graphql-response+json"


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_mutations_over_get_are_refused_and_graphiql_is_only_for_a_browser(embedded_system_url, endpoint):
    """GraphQL over HTTP: GET is for queries; a mutation over GET is a 405 naming POST. The IDE is for text/html."""
    url = embedded_system_url + ENDPOINTS[endpoint]
    mutation = httpx.get(url, params={"query": "mutation { __typename }"})
    assert mutation.status_code == 405 and mutation.headers["allow"] == "POST"
    assert mutation.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert httpx.get(url, headers={"accept": "text/html,*/*;q=0.8"}).headers["content-type"].startswith("text/html")
    for accept in ("*/*", "application/json", ""):
        refused = httpx.get(url, headers={"accept": accept})
        assert refused.status_code == 400 and refused.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
@pytest.mark.parametrize("request_body, code", [
    ({"query": "{ __typename "}, "GRAPHQL_PARSE_FAILED"),
    ({"query": "{ nope }"}, "GRAPHQL_VALIDATION_FAILED"),
    ({"query": "query($show: Boolean!) { __typename @include(if: $show) }", "variables": {"show": "yes"}},
     "BAD_USER_INPUT"),
    ({"query": "query A { __typename }", "operationName": "B"}, "OPERATION_RESOLUTION_FAILURE")])
def test_request_errors_carry_apollos_codes_and_no_data(embedded_system_url, endpoint, request_body, code):
    """Apollo's `extensions.code` on each error of a request that never executed; with
    application/graphql-response+json such a request is a 400 without `data`, with application/json a 200."""
    url = embedded_system_url + ENDPOINTS[endpoint]
    strict = httpx.post(url, json=request_body, headers={"accept": GRAPHQL_RESPONSE})
    assert strict.status_code == 400 and strict.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert "data" not in strict.json()
    assert [e["extensions"]["code"] for e in strict.json()["errors"]] == [code]
    legacy = httpx.post(url, json=request_body, headers={"accept": "application/json"})
    assert legacy.status_code == 200 and legacy.headers["content-type"].startswith("application/json")
    assert [e["extensions"]["code"] for e in legacy.json()["errors"]] == [code]


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_a_bad_token_is_a_401_unauthenticated(embedded_system_url, endpoint):
    response = httpx.post(embedded_system_url + ENDPOINTS[endpoint], json={"query": "{ __typename }"},
                          headers={"authorization": "Bearer not-a-token", "accept": GRAPHQL_RESPONSE})
    assert response.status_code == 401 and "data" not in response.json()
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
