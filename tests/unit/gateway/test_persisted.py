"""Persisted operations at the gateway: Apollo's automatic persisted queries (the `persistedQuery` extension,
`PERSISTED_QUERY_NOT_FOUND` then registration), and trusted documents (a front-end's manifest; in trusted-only
mode nothing else runs), over HTTP, as Apollo Client's persisted-queries link and a production deployment use them."""
from __future__ import annotations

import json
from contextlib import AsyncExitStack

import httpx
import pytest

from gateway.app import create_gateway_app
from gateway.persisted import PersistedDocuments, read_manifest, sha256

QUERY = '{ product(id: "2") { name } }'
MUTATION = 'mutation { createProduct(name: "Stool") { id } }'


def apq(document_hash: str, query: str | None = None) -> dict:
    body: dict = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": document_hash}}}
    if query is not None:
        body["query"] = query
    return body


@pytest.fixture
async def serve(settings, mounts):
    """Start a gateway with changed settings; every one started is shut down after the test."""
    async with AsyncExitStack() as stack:
        async def start(**changes) -> httpx.AsyncClient:
            app = create_gateway_app(settings.model_copy(update=changes), client=httpx.AsyncClient(mounts=mounts))
            await stack.enter_async_context(app.router.lifespan_context(app))
            return await stack.enter_async_context(
                httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway"))
        yield start


@pytest.fixture
async def gateway(serve):
    return await serve()


async def test_apq_an_unknown_hash_is_not_found_then_registered_with_its_query_then_runs_by_hash(gateway):
    document_hash = sha256(QUERY)
    missing = await gateway.post("/graphql", json=apq(document_hash))
    assert missing.status_code == 200  # Apollo's link retries on the code, whatever the status
    assert missing.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert "no-cache" in missing.headers["cache-control"]
    registered = await gateway.post("/graphql", json=apq(document_hash, QUERY))
    assert registered.json() == {"data": {"product": {"name": "Desk"}}}
    by_hash = await gateway.post("/graphql", json=apq(document_hash))
    assert by_hash.json() == {"data": {"product": {"name": "Desk"}}}
    over_get = await gateway.get("/graphql", params={"extensions": json.dumps(apq(document_hash)["extensions"])})
    assert over_get.status_code == 200 and over_get.json() == {"data": {"product": {"name": "Desk"}}}


async def test_apq_refuses_a_hash_that_is_not_the_querys_and_an_unknown_version(gateway):
    wrong = await gateway.post("/graphql", json=apq("0" * 64, QUERY))
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["message"] == "provided sha does not match query"
    still_missing = await gateway.post("/graphql", json=apq("0" * 64))
    assert still_missing.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    body = apq(sha256(QUERY), QUERY)
    body["extensions"]["persistedQuery"]["version"] = 2
    assert (await gateway.post("/graphql", json=body)).status_code == 400


async def test_apq_a_persisted_mutation_is_still_refused_over_get(gateway):
    await gateway.post("/graphql", json=apq(sha256(MUTATION), MUTATION), headers={
        "authorization": "Bearer x"})  # refused (bad token) but registered: registration is only the text
    response = await gateway.get("/graphql", params={
        "extensions": json.dumps(apq(sha256(MUTATION))["extensions"])})
    assert response.status_code == 405


def test_apq_store_is_bounded_least_recently_used_first():
    documents = PersistedDocuments(apq_capacity=2)
    for text in ("{ a }", "{ b }"):
        documents.resolve(apq(sha256(text), text))
    documents.resolve(apq(sha256("{ a }")))  # used again: b is now the oldest
    documents.resolve(apq(sha256("{ c }"), "{ c }"))
    assert documents.resolve(apq(sha256("{ a }")))["query"] == "{ a }"
    with pytest.raises(Exception, match="PersistedQueryNotFound"):
        documents.resolve(apq(sha256("{ b }")))


@pytest.fixture
def manifest(tmp_path):
    path = tmp_path / "persisted-query-manifest.json"
    path.write_text(json.dumps({"format": "apollo-persisted-query-manifest", "version": 1, "operations": [
        {"id": sha256(QUERY), "name": "Desk", "type": "query", "body": QUERY}]}))
    return path


async def test_trusted_documents_run_by_hash_or_documentid_and_nothing_else_runs_in_trusted_only_mode(serve, manifest):
    gateway = await serve(trusted_documents_file=manifest, trusted_documents_only=True)
    by_hash = await gateway.post("/graphql", json=apq(sha256(QUERY)))
    assert by_hash.json() == {"data": {"product": {"name": "Desk"}}}
    by_id = await gateway.post("/graphql", json={"documentId": f"sha256:{sha256(QUERY)}"})
    assert by_id.json() == {"data": {"product": {"name": "Desk"}}}
    over_get = await gateway.get("/graphql", params={"documentId": sha256(QUERY)})
    assert over_get.json() == {"data": {"product": {"name": "Desk"}}}
    in_full = await gateway.post("/graphql", json={"query": QUERY})
    assert in_full.json() == {"data": {"product": {"name": "Desk"}}}
    for body in ({"query": "{ products { id } }"}, apq(sha256("{ products { id } }"), "{ products { id } }"),
                 apq(sha256("{ products { id } }"))):
        refused = await gateway.post("/graphql", json=body)
        assert refused.status_code == 400, body
        assert refused.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"


async def test_trusted_documents_without_trusted_only_mode_add_to_what_runs(serve, manifest):
    gateway = await serve(trusted_documents_file=manifest)
    assert (await gateway.post("/graphql", json={"documentId": sha256(QUERY)})).json()["data"]
    assert (await gateway.post("/graphql", json={"query": "{ products { id } }"})).json()["data"]


def test_a_manifest_whose_id_is_not_its_documents_hash_is_refused(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({sha256("{ a }"): "{ b }"}))
    with pytest.raises(ValueError, match="not the SHA-256"):
        read_manifest(path)
    with pytest.raises(ValueError, match="needs a manifest"):
        PersistedDocuments(trusted_only=True)
