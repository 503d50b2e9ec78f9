"""Article 5 at the subgraph: every mutation is the Secrecy Bureau's. Another department gets a FORBIDDEN GraphQL
error naming the department it needs, the public an UNAUTHENTICATED one, and neither writes anything."""
import pytest

from shared.auth import Department, Identity
from tests.unit.secrecy.support import (
    ANONYMOUS,
    APPROVE_USE,
    BUREAU,
    CONFIRM,
    DECLASSIFY,
    EVALUATE,
    FAIL,
    PASS,
    REFUSE_USE,
    REGISTER,
    REOPEN,
    REVOKE,
    accepted,
    approved,
    evaluation_input,
    gql,
    mutate,
    snapshot,
    submitted,
    vendor_input,
)

MUTATIONS = {
    "confirmClassification": (CONFIRM, {"p": "p-1", "l": "SECRET"}),
    "declassifyProject": (DECLASSIFY, {"p": "p-1", "r": "no secret"}),
    "passSecrecyReview": (PASS, {"p": "p-1", "o": "ok"}),
    "failSecrecyReview": (FAIL, {"p": "p-1", "r": ["no plan"]}),
    "reopenSecrecyReview": (REOPEN, {"p": "p-1"}),
    "registerVendorQualification": (REGISTER, {"i": vendor_input("v-new")}),
    "revokeVendorQualification": (REVOKE, {"v": "v-1", "r": "fraud", "d": "2026-06-01"}),
    "recordGradedProtectionEvaluation": (EVALUATE, {"p": "p-1", "i": evaluation_input()}),
    "approvePreUse": (APPROVE_USE, {"p": "p-1"}),
    "refusePreUse": (REFUSE_USE, {"p": "p-1", "r": ["no"]}),
}
OTHERS = [
    Identity(Department.CONSTRUCTION_UNIT, unit="public-security-bureau", parent_units=("city-government",)),
    Identity(Department.APPROVAL_BUREAU, unit="approval"),
    Identity(Department.FINANCE_BUREAU, unit="finance"),
    Identity(Department.SUPERVISORY_COMMISSION, unit="supervisory", roles=("SECRECY_CLEARANCE",)),
]


@pytest.fixture
async def busy(runtime):
    """A register where each mutation above would have something to act on."""
    await runtime.consumer(submitted("p-1", declared_classified=True))
    await runtime.consumer(approved("p-1", classified=True))
    await runtime.consumer(accepted("p-1", classified=True))
    await mutate(runtime, REGISTER, i=vendor_input("v-1"))
    return runtime


def test_article_5_every_mutation_of_the_subgraph_is_covered_here():
    from tests.unit.secrecy.support import SCHEMA

    assert set(SCHEMA._schema.mutation_type.fields) == set(MUTATIONS)


@pytest.mark.parametrize("identity", OTHERS, ids=lambda i: i.department.value)
@pytest.mark.parametrize("name", list(MUTATIONS))
async def test_article_5_another_department_is_forbidden_and_nothing_is_written(busy, name, identity):
    query, variables = MUTATIONS[name]
    before = await snapshot(busy)
    result = await gql(busy, query, identity, **variables)
    assert result.data is None or result.data.get(name) is None
    [error] = result.errors
    assert error.extensions["code"] == "FORBIDDEN"
    assert "SECRECY_BUREAU" in error.message and identity.department.value in error.message
    assert await snapshot(busy) == before


@pytest.mark.parametrize("name", list(MUTATIONS))
async def test_article_5_the_public_must_sign_in_and_nothing_is_written(busy, name):
    query, variables = MUTATIONS[name]
    before = await snapshot(busy)
    result = await gql(busy, query, ANONYMOUS, **variables)
    [error] = result.errors
    assert error.extensions["code"] == "UNAUTHENTICATED"
    assert await snapshot(busy) == before


async def test_article_5_the_secrecy_bureau_is_not_forbidden(busy):
    query, variables = MUTATIONS["passSecrecyReview"]
    result = await gql(busy, query, BUREAU, **variables)
    assert result.errors is None and result.data["passSecrecyReview"]["userErrors"] == []
