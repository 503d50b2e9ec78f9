"""`myWork` in the approval service: what waits on the Approval Bureau, the Leading Group, the city government and
a construction unit, oldest first, gone once acted on; need to know; the merge of the other services' lists."""
from __future__ import annotations

from shared.auth import Department, Identity
from shared.clock import clock_at
from shared.work import owner_of
from tests.unit.approval.builders import BUREAU, LEADING_GROUP, OTHER_UNIT, PARENT_UNIT, UNIT
from tests.unit.approval.test_service import drafted, run
from tests.unit.work_support import at, kinds, statements, work_of

PUBLIC = Identity(Department.PUBLIC)
SUPERVISORY = Identity(Department.SUPERVISORY_COMMISSION, unit="jiwei", roles=("SECRECY_CLEARANCE",))


async def approval_work(approval, identity, owner=None) -> dict:
    return await work_of(approval.schema, approval.runtime, identity, "approvalWork", owner=owner)


async def test_article_5_the_approval_bureaus_queue_is_oldest_first_and_empties_as_it_decides(approval):
    with clock_at(at(0)):
        first = await drafted(approval)
    with clock_at(at(1)):
        second = await drafted(approval)
    with clock_at(at(2)):
        await run(approval, UNIT, "submitProject", id=first)
    with clock_at(at(3)):
        await run(approval, UNIT, "submitProject", id=second)
    with clock_at(at(4)):
        await run(approval, BUREAU, "approveProject", id=first)
    with clock_at(at(5)):
        work = await approval_work(approval, BUREAU)
    assert kinds(work) == [("APPROVE_PROJECT", second), ("CONCLUDE_TECHNICAL_REVIEW", first)]
    assert [i["waitingSince"] for i in work["items"]] == [at(3).isoformat(), at(4).isoformat()]
    assert [i["waitingSeconds"] for i in work["items"]] == [7200, 3600]
    assert work["items"][0]["title"] == "Health data platform" and work["items"][0]["code"].startswith("CITY-")
    assert work["counts"] == [{"kind": "APPROVE_PROJECT", "count": 1}, {"kind": "CONCLUDE_TECHNICAL_REVIEW", "count": 1}]
    await run(approval, BUREAU, "rejectProject", id=second, reasons=["no sharing analysis"])
    assert kinds(await approval_work(approval, BUREAU)) == [("CONCLUDE_TECHNICAL_REVIEW", first)]


async def test_r_app_2_a_units_drafts_and_rejections_wait_on_it_and_its_parent_unit(approval):
    with clock_at(at(0)):
        rejected = await drafted(approval)
        await run(approval, UNIT, "submitProject", id=rejected)
    with clock_at(at(1)):
        draft = await drafted(approval)
    with clock_at(at(2)):
        await run(approval, BUREAU, "rejectProject", id=rejected, reasons=["estimate unclear"])
    expected = [("SUBMIT_DRAFT_PROJECT", draft), ("REVISE_REJECTED_PROJECT", rejected)]
    assert kinds(await approval_work(approval, UNIT)) == expected
    assert kinds(await approval_work(approval, PARENT_UNIT)) == expected  # a unit manages its subordinates'
    assert (await approval_work(approval, OTHER_UNIT))["items"] == []
    assert (await approval_work(approval, BUREAU))["items"] == []  # nothing waits on the bureau
    await run(approval, UNIT, "reviseProject", id=rejected)
    assert [k for k, _ in kinds(await approval_work(approval, UNIT))] == ["SUBMIT_DRAFT_PROJECT"] * 2


async def test_r_sec_2_a_classified_projects_work_reaches_only_those_who_may_see_it(approval):
    secret = await drafted(approval, declaredClassified=True)
    await run(approval, UNIT, "submitProject", id=secret)
    assert kinds(await approval_work(approval, BUREAU)) == [("APPROVE_PROJECT", secret)]
    for outsider in (OTHER_UNIT, LEADING_GROUP, SUPERVISORY):
        work = await approval_work(approval, outsider)
        assert work == {"items": [], "counts": []}, outsider


async def test_another_owners_key_gets_nothing_and_the_public_is_refused(approval):
    await run(approval, UNIT, "submitProject", id=await drafted(approval))
    assert (await approval_work(approval, OTHER_UNIT, owner=BUREAU)) == {"items": [], "counts": []}
    assert (await approval_work(approval, BUREAU, owner=UNIT)) == {"items": [], "counts": []}
    refused = await approval.call(PUBLIC, "{ myWork { items { kind } } }")
    assert refused["errors"][0]["code"] == "UNAUTHENTICATED"
    assert owner_of(UNIT) != owner_of(OTHER_UNIT)


async def test_the_merged_list_takes_the_other_services_lists_oldest_first_with_exact_counts(approval):
    with clock_at(at(2)):
        project = await drafted(approval)
    finance = {"items": [{"kind": "REGISTER_ASSETS", "service": "finance", "projectId": project, "code": "X",
                          "title": None, "jurisdiction": "CITY", "year": None,
                          "waitingSince": at(1).isoformat(), "waitingSeconds": 0}],
               "counts": [{"kind": "REGISTER_ASSETS", "count": 7}]}
    secrecy = {"items": [{"kind": "FIX_SECRECY_REVIEW_FINDINGS", "service": "secrecy", "projectId": "p-2",
                          "code": "Y", "title": None, "jurisdiction": None, "year": None,
                          "waitingSince": at(3).isoformat(), "waitingSeconds": 0}],
               "counts": [{"kind": "FIX_SECRECY_REVIEW_FINDINGS", "count": 1}]}
    query = ("query($r: [_Any!]!) { _entities(representations: $r) { ... on WorkQueue { "
             "items(first: 2) { kind service title } counts { kind count } } } }")

    async def merged(identity, owner):
        result = await approval.schema.execute(query, variable_values={"r": [{
            "__typename": "WorkQueue", "owner": owner_of(owner), "financeWork": finance,
            "auditWork": {"items": [], "counts": []}, "secrecyWork": secrecy}]}, context_value=_context(approval,
                                                                                                          identity))
        assert result.errors is None, result.errors
        return result.data["_entities"][0]

    mine = await merged(UNIT, UNIT)
    assert [(i["kind"], i["service"]) for i in mine["items"]] == [("REGISTER_ASSETS", "finance"),
                                                                  ("SUBMIT_DRAFT_PROJECT", "approval")]
    assert mine["items"][0]["title"] == "Health data platform"  # named by the approval service
    assert mine["counts"] == [{"kind": "SUBMIT_DRAFT_PROJECT", "count": 1}, {"kind": "REGISTER_ASSETS", "count": 7},
                              {"kind": "FIX_SECRECY_REVIEW_FINDINGS", "count": 1}]
    assert await merged(OTHER_UNIT, UNIT) == {"items": [], "counts": []}


async def test_the_queue_takes_the_same_number_of_statements_for_one_project_or_many(approval):
    await run(approval, UNIT, "submitProject", id=await drafted(approval))
    with statements(approval.runtime) as one:
        await approval_work(approval, BUREAU)
    for _ in range(4):
        await run(approval, UNIT, "submitProject", id=await drafted(approval))
    with statements(approval.runtime) as five:
        assert len((await approval_work(approval, BUREAU))["items"]) == 5
    assert len(one) == len(five) <= 4


def _context(approval, identity):
    from shared.graphql import RequestContext

    return RequestContext(identity=identity, runtime=approval.runtime)
