"""Article 5 at the subgraph: every mutation is the Audit Bureau's. Any other department gets a FORBIDDEN GraphQL
error naming AUDIT_BUREAU, the public an UNAUTHENTICATED one, and neither writes anything."""
import pytest

from tests.unit.audit.support import (
    ANONYMOUS,
    CLOSE,
    COMMIT,
    FIELDWORK,
    FINDING,
    MILLION_YUAN,
    OPEN,
    OTHER_DEPARTMENTS,
    REVEAL,
    SCHEMA,
    SEED,
    TRAIL,
    VERIFY_TRAIL,
    accept_projects,
    commit_input,
    finding_input,
    gql,
    mutate,
    snapshot,
)


@pytest.fixture
async def busy(runtime):
    """A committed plan and an engagement in fieldwork: each mutation below would have something to act on."""
    await accept_projects(runtime, {"p-0001": MILLION_YUAN, "p-9001": 25 * MILLION_YUAN})
    plan = (await mutate(runtime, COMMIT, i=commit_input()))["auditPlan"]
    engagement = (await mutate(runtime, OPEN, p="p-9001"))["engagement"]
    await mutate(runtime, FIELDWORK, e=engagement["id"])
    return runtime, plan["id"], engagement["id"]


def mutations(plan_id: str, engagement_id: str) -> dict:
    return {
        "commitAuditDraw": (COMMIT, {"i": commit_input(year=commit_input()["year"] + 1)}),
        "revealAuditDraw": (REVEAL, {"p": plan_id, "s": SEED}),
        "openAuditEngagement": (OPEN, {"p": "p-0001"}),
        "startAuditFieldwork": (FIELDWORK, {"e": engagement_id}),
        "publishAuditFinding": (FINDING, {"e": engagement_id, "i": finding_input()}),
        "closeAuditEngagement": (CLOSE, {"e": engagement_id, "c": "done"}),
    }


def test_article_5_every_mutation_of_the_subgraph_is_covered_here():
    declared = set(SCHEMA._schema.mutation_type.fields)
    assert declared == set(mutations("p", "e"))


@pytest.mark.parametrize("name", list(mutations("p", "e")))
async def test_article_5_a_wrong_department_is_forbidden_and_named_the_audit_bureau(busy, name):
    runtime, plan_id, engagement_id = busy
    query, variables = mutations(plan_id, engagement_id)[name]
    before = await snapshot(runtime)
    for caller in OTHER_DEPARTMENTS:
        result = await gql(runtime, query, caller, **variables)
        assert result.data is None or result.data[name] is None
        assert result.errors[0].extensions["code"] == "FORBIDDEN", (caller, result.errors)
        assert "AUDIT_BUREAU" in result.errors[0].message
    anonymous = await gql(runtime, query, ANONYMOUS, **variables)
    assert anonymous.errors[0].extensions["code"] == "UNAUTHENTICATED"
    assert await snapshot(runtime) == before


async def test_R_OVS_1_the_trail_is_for_the_bureau_and_the_supervisory_commission(busy):
    from shared.auth import Department

    runtime, _, _ = busy
    for caller in OTHER_DEPARTMENTS + [ANONYMOUS]:
        for query, variables in ((TRAIL, {"a": 0}), (VERIFY_TRAIL, {})):
            result = await gql(runtime, query, caller, **variables)
            reader = caller.department is Department.SUPERVISORY_COMMISSION
            assert (result.errors is None) is reader, (caller, result.errors)
            if not reader:
                assert result.errors[0].extensions["code"] == ("UNAUTHENTICATED" if caller.is_public
                                                               else "FORBIDDEN")
