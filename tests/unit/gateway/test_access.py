"""Article 5 in the graph: the gateway reads `@authenticated` / `@requiresScopes` (departments as scopes) from the
supergraph and refuses an operation that selects what its caller may not use, before planning it: no subgraph is
called and nothing is written. Composition merges the directives as Apollo's does."""
from __future__ import annotations

import httpx
import pytest

from gateway.access import dnf_conjunction
from gateway.app import create_gateway_app
from shared.auth import mint_token
from tests.unit.gateway import subgraphs

CREATE = 'mutation { createProduct(name: "Stool", price: 30) { id name } }'


class Counting(httpx.AsyncBaseTransport):
    """Counts the requests that reach the subgraphs."""

    def __init__(self, inner: httpx.AsyncBaseTransport):
        self.inner, self.calls = inner, 0

    async def handle_async_request(self, request):
        self.calls += 1
        return await self.inner.handle_async_request(request)


@pytest.fixture
async def gateway(settings, mounts):
    counted = {url: Counting(transport) for url, transport in mounts.items()}
    app = create_gateway_app(settings, client=httpx.AsyncClient(mounts=counted))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client:
            async def post(query: str, department: str | None = None, **variables):
                headers = {"authorization": "Bearer " + mint_token(settings, department=department, unit="u")} \
                    if department else {}
                before = sum(t.calls for t in counted.values())
                response = await client.post("/graphql", json={"query": query, "variables": variables},
                                             headers=headers)
                assert response.status_code == 200
                return response.json(), sum(t.calls for t in counted.values()) - before
            yield post


async def test_article_5_a_department_the_mutation_does_not_name_is_refused_before_planning(gateway):
    products = dict(subgraphs.PRODUCTS)
    body, calls = await gateway(CREATE, "CONSTRUCTION_UNIT")
    assert body["data"] is None and calls == 0 and subgraphs.PRODUCTS == products
    [error] = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN" and error["path"] == ["createProduct"]
    assert "APPROVAL_BUREAU or FINANCE_BUREAU" in error["message"] and "CONSTRUCTION_UNIT" in error["message"]


async def test_article_5_the_public_is_told_to_sign_in(gateway):
    body, calls = await gateway(CREATE)
    assert calls == 0 and [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]


@pytest.mark.parametrize("department", ["APPROVAL_BUREAU", "FINANCE_BUREAU"])
async def test_article_5_each_named_department_may_call_it(gateway, department):
    body, calls = await gateway(CREATE, department)
    assert "errors" not in body and body["data"]["createProduct"]["name"] == "Stool" and calls == 1


async def test_a_field_for_signed_in_callers_is_refused_to_the_public_wherever_the_query_hides_it(gateway):
    query = """query($skip: Boolean!) { products { ...P } }
               fragment P on Product { name ... on Product { notes: internalNotes @skip(if: $skip) } }"""
    body, calls = await gateway(query, skip=False)
    assert calls == 0 and body["data"] is None
    assert [(e["path"], e["extensions"]["code"]) for e in body["errors"]] == [
        (["products", "notes"], "UNAUTHENTICATED")]
    skipped, _ = await gateway(query, skip=True)
    assert "errors" not in skipped and skipped["data"]["products"][0] == {"name": "Lamp"}
    signed_in, _ = await gateway(query, "AUDIT_BUREAU", skip=False)
    assert signed_in["data"]["products"][0] == {"name": "Lamp", "notes": "notes on 1"}


def test_requires_scopes_of_several_subgraphs_merge_as_apollos_dnf_conjunction():
    """Each subgraph's condition must hold; the result is again "any one of these sets" (Apollo's
    DNF_CONJUNCTION: cross product, each set sorted, subsumed sets dropped)."""
    assert dnf_conjunction([[["A"], ["C"]], [["B", "D"]]]) == [["A", "B", "D"], ["B", "C", "D"]]
    assert dnf_conjunction([[["A"], ["B"]], [["A"]]]) == [["A"]]
    assert dnf_conjunction([[["B", "A"]]]) == [["A", "B"]]
    assert dnf_conjunction([[], [["A"]]]) == [["A"]]
