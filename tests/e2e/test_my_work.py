"""`myWork` through the gateway: each service's list on the caller's queue, merged oldest first by the approval
service from the others' lists (`@requires`), with exact counts; need to know, the public and other owners."""
from __future__ import annotations

from tests.conftest import eventually
from tests.e2e.lifecycle import SECRECY_BUREAU, Walk, walk_an_ordinary_project
from tests.e2e.slice import APPROVAL_BUREAU, OTHER_UNIT, UNIT, complete_dossier

ITEMS = "items { kind service projectId code title waitingSince waitingSeconds } counts { kind count }"
MY_WORK = "{ myWork { owner " + ITEMS + " approvalWork { " + ITEMS + " } financeWork { " + ITEMS + \
          " } auditWork { " + ITEMS + " } secrecyWork { " + ITEMS + " } } }"
FIRST_ONE = "{ myWork { items(first: 1) { kind projectId } counts { kind count } } }"
SUPERVISORY_COMMISSION = {"department": "SUPERVISORY_COMMISSION", "unit": "jiwei", "roles": ["SECRECY_CLEARANCE"]}


async def my_work(gateway, actor, query: str = MY_WORK) -> dict:
    answer = await gateway.graphql(query, as_=actor)
    assert "errors" not in answer, answer
    return answer["data"]["myWork"]


async def classified_with_a_failed_secrecy_review(gateway) -> Walk:
    walk = Walk(gateway)
    await walk.create(3_000_000_00, declaredClassified=True)
    await walk.dossier(complete_dossier(3_000_000_00))
    await walk.do(UNIT, "submitProject", "id: $id")
    await walk.until(lambda s: s["classification"], SECRECY_BUREAU)
    await walk.do(SECRECY_BUREAU, "confirmClassification", "projectId: $id, level: $level", {"level": "SECRET"})
    await walk.do(APPROVAL_BUREAU, "approveProject", "id: $id")

    async def failed():
        answer = await gateway.graphql(
            "mutation($id: ID!) { failSecrecyReview(projectId: $id, reasons: [\"no isolation plan\"]) "
            "{ userErrors { code } } }", {"id": walk.id}, as_=SECRECY_BUREAU)
        return "errors" not in answer and answer["data"]["failSecrecyReview"]["userErrors"] == []

    await eventually(failed, timeout=30)
    return walk


async def test_my_work_merges_three_services_oldest_first_and_respects_need_to_know(embedded_gateway):
    await merges_three_services_oldest_first(embedded_gateway[0])


async def test_my_work_merges_three_services_on_postgres_and_rabbitmq(real_gateway):
    await merges_three_services_oldest_first(real_gateway)


async def merges_three_services_oldest_first(gateway) -> None:
    draft = Walk(gateway)
    await draft.create(1_000_000_00)
    accepted = await walk_an_ordinary_project(gateway)  # accepted, its assets not registered (R-FIN-7)
    secret = await classified_with_a_failed_secrecy_review(gateway)

    async def three_waiting():  # each service learns of the last decisions from the bus
        return len((await my_work(gateway, UNIT))["items"]) == 3

    await eventually(three_waiting, timeout=30)
    queue = await my_work(gateway, UNIT)
    merged = [(i["kind"], i["service"], i["projectId"]) for i in queue["items"]]
    assert merged == [("SUBMIT_DRAFT_PROJECT", "approval", draft.id), ("REGISTER_ASSETS", "finance", accepted.id),
                      ("FIX_SECRECY_REVIEW_FINDINGS", "secrecy", secret.id)]
    since = [i["waitingSince"] for i in queue["items"]]
    assert since == sorted(since) and all(i["waitingSeconds"] >= 0 for i in queue["items"])
    assert all(i["title"] for i in queue["items"])  # names from the approval service where the others keep none
    assert sorted((c["kind"], c["count"]) for c in queue["counts"]) == [
        ("FIX_SECRECY_REVIEW_FINDINGS", 1), ("REGISTER_ASSETS", 1), ("SUBMIT_DRAFT_PROJECT", 1)]
    assert [i["kind"] for i in queue["financeWork"]["items"]] == ["REGISTER_ASSETS"]
    assert queue["auditWork"] == {"items": [], "counts": []}

    bounded = await my_work(gateway, UNIT, FIRST_ONE)
    assert [i["kind"] for i in bounded["items"]] == ["SUBMIT_DRAFT_PROJECT"] and len(bounded["counts"]) == 3

    # R-SEC-2: the classified project's work reaches the Secrecy Bureau, never an unrelated unit.
    secrecy = await my_work(gateway, SECRECY_BUREAU)
    assert secret.id not in [i["projectId"] for i in secrecy["items"]]  # the fix is the unit's, not the bureau's
    other = await my_work(gateway, OTHER_UNIT)
    assert other["items"] == [] and other["counts"] == []
    assert (await my_work(gateway, SUPERVISORY_COMMISSION))["items"] == []

    # Acted on, it leaves the queue: the unit submits its draft, which now waits on the Approval Bureau.
    await draft.dossier(complete_dossier(1_000_000_00))
    await draft.do(UNIT, "submitProject", "id: $id")
    assert draft.id not in [i["projectId"] for i in (await my_work(gateway, UNIT))["items"]]
    bureau = await my_work(gateway, APPROVAL_BUREAU)
    assert ("APPROVE_PROJECT", draft.id) in [(i["kind"], i["projectId"]) for i in bureau["items"]]


async def test_my_work_refuses_the_public_and_answers_nothing_for_another_owners_key(embedded_gateway):
    gateway, _system = embedded_gateway
    refused = await gateway.graphql("{ myWork { counts { kind count } } }")
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    draft = Walk(gateway)
    await draft.create(1_000_000_00)
    owner = (await my_work(gateway, UNIT))["owner"]
    for name, field in (("approval", "approvalWork"), ("finance", "financeWork"), ("secrecy", "secrecyWork")):
        query = ("query($r: [_Any!]!) { _entities(representations: $r) { ... on WorkQueue { " + field +
                 " { items { projectId } counts { count } } } } }")
        mine = await gateway.graphql(query, {"r": [{"__typename": "WorkQueue", "owner": owner}]}, as_=UNIT,
                                     url=gateway.subgraphs[name])
        theirs = await gateway.graphql(query, {"r": [{"__typename": "WorkQueue", "owner": owner}]}, as_=OTHER_UNIT,
                                       url=gateway.subgraphs[name])
        assert theirs["data"]["_entities"] == [{field: {"items": [], "counts": []}}], (name, theirs)
        if name == "approval":
            assert mine["data"]["_entities"][0][field]["items"] == [{"projectId": draft.id}]


async def test_my_work_a_service_list_asked_with_a_smaller_first_leaves_the_merged_items_whole(embedded_gateway):
    """The merged `items` need the other services' whole lists (`@requires`); a client asking a service's own list
    with a smaller `first` in the same query must get that shorter list, and the merged one must lose nothing."""
    gateway, _system = embedded_gateway
    draft = Walk(gateway)
    await draft.create(1_000_000_00)
    accepted = await walk_an_ordinary_project(gateway)
    secret = await classified_with_a_failed_secrecy_review(gateway)
    query = ("{ myWork { items { kind service projectId } counts { kind count } "
             "financeWork { items(first: 0) { kind } counts { kind count } } "
             "secrecyWork { items(first: 0) { kind } counts { kind count } } "
             "approvalWork { items(first: 0) { kind } counts { kind count } } } }")
    queue = await my_work(gateway, UNIT, query)
    assert [(i["kind"], i["service"], i["projectId"]) for i in queue["items"]] == [
        ("SUBMIT_DRAFT_PROJECT", "approval", draft.id), ("REGISTER_ASSETS", "finance", accepted.id),
        ("FIX_SECRECY_REVIEW_FINDINGS", "secrecy", secret.id)]
    assert sorted((c["kind"], c["count"]) for c in queue["counts"]) == [
        ("FIX_SECRECY_REVIEW_FINDINGS", 1), ("REGISTER_ASSETS", 1), ("SUBMIT_DRAFT_PROJECT", 1)]
    assert queue["financeWork"] == {"items": [], "counts": [{"kind": "REGISTER_ASSETS", "count": 1}]}
    assert queue["secrecyWork"] == {"items": [], "counts": [{"kind": "FIX_SECRECY_REVIEW_FINDINGS", "count": 1}]}
    assert queue["approvalWork"] == {"items": [], "counts": [{"kind": "SUBMIT_DRAFT_PROJECT", "count": 1}]}
