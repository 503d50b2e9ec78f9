"""GraphQL over HTTP at the gateway: GET for queries, POST for everything, the response media types and their
status codes, malformed parameters refused, and Apollo's `extensions.code` on every request error."""
from __future__ import annotations

import json

import httpx
import pytest

from gateway.app import create_gateway_app

GRAPHQL_RESPONSE = "application/graphql-response+json"


@pytest.fixture
async def http(settings, mounts):
    app = create_gateway_app(settings, client=httpx.AsyncClient(mounts=mounts))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client:
            yield client


async def test_queries_run_over_get_and_mutations_are_refused_with_405(http):
    response = await http.get("/graphql", params={"query": 'query Q($id: ID!) { product(id: $id) { name } }',
                                                  "variables": json.dumps({"id": "2"}), "operationName": "Q"})
    assert response.status_code == 200 and response.json() == {"data": {"product": {"name": "Desk"}}}
    response = await http.get("/graphql", params={"query": 'mutation { createProduct(name: "X") { id } }'})
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    page = await http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


async def test_the_graphql_response_media_type_is_negotiated_with_its_status_codes(http):
    ok = await http.post("/graphql", json={"query": "{ products { id } }"}, headers={"accept": GRAPHQL_RESPONSE})
    assert ok.status_code == 200 and ok.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    invalid = await http.post("/graphql", json={"query": "{ nope }"}, headers={"accept": GRAPHQL_RESPONSE})
    assert invalid.status_code == 400 and "data" not in invalid.json()
    legacy = await http.post("/graphql", json={"query": "{ nope }"}, headers={"accept": "application/json"})
    assert legacy.status_code == 200 and legacy.headers["content-type"].startswith("application/json")
    refused = await http.post("/graphql", json={"query": "{ products { id } }"}, headers={"accept": "text/plain"})
    assert refused.status_code == 406


@pytest.mark.parametrize("body", [
    [], "query", {"query": 1}, {"query": ""}, {"query": "{ products { id } }", "operationName": 1},
    {"query": "{ products { id } }", "variables": []}, {"query": "{ products { id } }", "variables": "{}"},
    {"query": "{ products { id } }", "extensions": "x"}])
async def test_malformed_parameters_are_a_400(http, body):
    response = await http.post("/graphql", json=body, headers={"accept": GRAPHQL_RESPONSE})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_a_body_that_is_not_json_or_not_declared_json_is_refused(http):
    assert (await http.post("/graphql", content=b"{ nope", headers={"content-type": "application/json"})
            ).status_code == 400
    assert (await http.post("/graphql", content=b'{"query": "{ products { id } }"}',
                            headers={"content-type": "text/plain"})).status_code == 415


@pytest.mark.parametrize("query, variables, code", [
    ("{ products { id ", None, "GRAPHQL_PARSE_FAILED"),
    ("{ nope }", None, "GRAPHQL_VALIDATION_FAILED"),
    ("query($id: ID!) { product(id: $id) { name } }", {}, "BAD_USER_INPUT"),
    ("query A { products { id } } query B { products { id } }", None, "OPERATION_RESOLUTION_FAILURE")])
async def test_request_errors_carry_apollos_codes(http, query, variables, code):
    response = await http.post("/graphql", json={"query": query, "variables": variables})
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == [code]


async def test_introspection_and_suggestions_are_off_for_the_public_in_production(settings, mounts, keys):
    """Production's safe defaults: no introspection without a token, no "Did you mean ...?" hints that map the schema
    for a stranger; a signed-in developer still introspects. While developing, both are on."""
    from shared.auth import mint_token
    from shared.settings import GatewaySettings

    production = GatewaySettings(environment="production", jwt_public_key_file=keys[1])
    assert production.public_introspection is False and production.validation_suggestions is False
    assert settings.public_introspection is True and settings.validation_suggestions is True
    closed = settings.model_copy(update={"public_introspection": False, "validation_suggestions": False})
    app = create_gateway_app(closed, client=httpx.AsyncClient(mounts=mounts))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as http:
            public = (await http.post("/graphql", json={"query": "{ __schema { types { name } } }"})).json()
            assert public["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
            typo = (await http.post("/graphql", json={"query": "{ prodcts { id } }"})).json()
            assert "Did you mean" not in typo["errors"][0]["message"]
            token = mint_token(settings, department="AUDIT_BUREAU", unit="audit")
            signed_in = (await http.post("/graphql", json={"query": "{ __schema { types { name } } }"},
                                         headers={"authorization": f"Bearer {token}"})).json()
            assert "errors" not in signed_in


async def test_while_developing_the_public_may_introspect_and_is_offered_suggestions(http):
    assert "errors" not in (await http.post("/graphql", json={"query": "{ __schema { types { name } } }"})).json()
    typo = (await http.post("/graphql", json={"query": "{ prodcts { id } }"})).json()
    assert "Did you mean" in typo["errors"][0]["message"]
