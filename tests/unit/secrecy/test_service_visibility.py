"""R-SEC-2 in the secrecy subgraph: a classified project's classification, reviews and evaluations are visible
only to those who need to know (its unit and the units above it, the workflow bureaus, oversight with clearance);
everyone else gets null, exactly as for a project that does not exist, never an error."""
import pytest

from tests.unit.secrecy.support import (
    ANONYMOUS,
    APPROVAL,
    BUREAU,
    CLEARED_SUPERVISORY,
    EVALUATE,
    OTHER_UNIT,
    PARENT_UNIT,
    SUPERVISORY,
    UNIT,
    accepted,
    approved,
    evaluation_input,
    gql,
    mutate,
    project,
    submitted,
)

NOTHING = {"classification": None, "secrecyReview": None, "preUseReview": None}


@pytest.fixture
async def classified(runtime):
    await runtime.consumer(submitted("p-1", declared_classified=True))
    await runtime.consumer(approved("p-1", classified=True))
    await runtime.consumer(accepted("p-1", classified=True))
    await mutate(runtime, EVALUATE, p="p-1", i=evaluation_input())
    return runtime


@pytest.mark.parametrize("identity", [OTHER_UNIT, ANONYMOUS, SUPERVISORY],
                         ids=["unrelated unit", "public", "oversight without clearance"])
async def test_R_SEC_2_a_classified_project_is_null_for_those_without_need_to_know(classified, identity):
    assert await project(classified, "p-1", identity) == NOTHING
    assert await project(classified, "never-existed", identity) == NOTHING  # indistinguishable


@pytest.mark.parametrize("identity", [UNIT, PARENT_UNIT, APPROVAL, BUREAU, CLEARED_SUPERVISORY],
                         ids=["its unit", "the unit above", "approval bureau", "secrecy bureau", "cleared oversight"])
async def test_R_SEC_2_those_who_need_to_know_see_everything(classified, identity):
    found = await project(classified, "p-1", identity)
    assert found["classification"]["classified"] is True
    assert found["secrecyReview"]["status"] == "OPEN"
    assert found["preUseReview"]["status"] == "EVALUATION_PASSED"
    assert len(found["preUseReview"]["evaluations"]) == 1


async def test_R_SEC_2_a_batch_of_entities_hides_only_what_the_caller_may_not_see(classified):
    await classified.consumer(submitted("p-2", declared_classified=False))
    query = """query($r: [_Any!]!) { _entities(representations: $r) { ... on Project {
                 classification { projectId } secrecyReview { id } } } }"""
    result = await gql(classified, query, UNIT, r=[{"__typename": "Project", "id": i} for i in ("p-1", "p-2", "x")])
    assert result.errors is None
    assert [e["classification"] and e["classification"]["projectId"] for e in result.data["_entities"]] == [
        "p-1", "p-2", None]
    result = await gql(classified, query, OTHER_UNIT, r=[{"__typename": "Project", "id": "p-1"}])
    assert result.data["_entities"] == [{"classification": None, "secrecyReview": None}]


@pytest.mark.parametrize("query", ["{ classificationsToConfirm { projectId } }", "{ secrecyReviews { id } }",
                                   "{ preUseReviews { id } }"])
async def test_R_SEC_2_the_bureaus_queues_are_the_bureaus_alone(classified, query):
    result = await gql(classified, query, OTHER_UNIT)
    assert result.errors[0].extensions["code"] == "FORBIDDEN"
    result = await gql(classified, query, ANONYMOUS)
    assert result.errors[0].extensions["code"] == "UNAUTHENTICATED"
    result = await gql(classified, query, BUREAU)
    assert result.errors is None and len(next(iter(result.data.values()))) == 1
