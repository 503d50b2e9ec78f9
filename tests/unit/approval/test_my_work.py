"""`myWork` in the approval service: what waits on the Approval Bureau, the Leading Group, the city government and
a construction unit, oldest first, gone once acted on; need to know; the merge of the other services' lists."""
from __future__ import annotations

from datetime import timedelta

from shared.auth import Department, Identity
from shared.clock import clock_at, utc_now
from shared.events import SecrecyReviewPassed
from shared.work import owner_of
from tests.unit.approval.builders import BUREAU, CITY_GOVERNMENT, ESTIMATE, LEADING_GROUP, OTHER_UNIT, PARENT_UNIT, UNIT
from tests.unit.approval.plan_support import YEAR, plan_mutation
from tests.unit.approval.test_construction_plan_service import TODAY
from tests.unit.approval.test_service import approved_and_reviewed, drafted, envelope, run
from tests.unit.approval.work_walks import apply_for_acceptance, call, in_operation, initially_accepted, \
    under_construction
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


NOBODY = {"items": [], "counts": []}
# Those who must never hear of a classified project's work: a sibling unit, and oversight bodies (even cleared ones,
# who act on none of it).
OUTSIDERS = (OTHER_UNIT, LEADING_GROUP, CITY_GOVERNMENT, SUPERVISORY)


def soon(step: int):
    """The instant of the test's `step`-th decision: after the walk that set the project up, a minute apart."""
    return START + timedelta(minutes=step)


START = utc_now().replace(microsecond=0) + timedelta(hours=1)


def since(work: dict) -> list[str]:
    return [item["waitingSince"] for item in work["items"]]


def plans(work: dict) -> list[tuple]:
    return [(i["kind"], i["jurisdiction"], i["year"], i["projectId"]) for i in work["items"]]


async def reviewed(approval) -> str:
    """A classified project past technical review (after the secrecy review, R-REV-3): waiting on Finance now."""
    project = await approved_and_reviewed(approval, classified=True)
    await approval.runtime.consumer(envelope(SecrecyReviewPassed(project_id=project, review_id="r",
                                                                 passed_at=utc_now()), "secrecy"))
    await run(approval, BUREAU, "concludeTechnicalReview", id=project, opinion="sound", approvedEstimate=ESTIMATE)
    return project


async def plan_step(approval, actor, mutation: str, step: int, **arguments) -> None:
    with clock_at(soon(step)):
        done = await plan_mutation(approval, actor, mutation, **arguments)
    assert "errors" not in done and done["userErrors"] == [], (mutation, done)


async def test_r_pln_1_the_plan_waits_on_the_leading_group_the_city_government_and_when_returned_the_bureau(approval):
    secret = await reviewed(approval)  # the plan's item is classified: its work must not leak through the plan's
    await plan_step(approval, BUREAU, "draftConstructionPlan", 0)
    await plan_step(approval, BUREAU, "addConstructionPlanItem", 0, projectId=secret, plannedAmount=1_000_000_00)
    assert (await approval_work(approval, BUREAU))["items"] == []  # a fresh draft is no one's work but the drafter's
    everyone = (BUREAU, LEADING_GROUP, CITY_GOVERNMENT, UNIT, OTHER_UNIT, SUPERVISORY)

    async def waits_on(department, kind: str, step: int) -> None:
        for identity in everyone:
            work = await approval_work(approval, identity)
            if identity is department:  # the plan itself, never a project of it (R-SEC-2: no classified item shows)
                assert plans(work) == [(kind, "CITY", YEAR, None)] and since(work) == [soon(step).isoformat()]
                assert work["counts"] == [{"kind": kind, "count": 1}]
            else:
                assert work == NOBODY, (identity, work)

    await plan_step(approval, BUREAU, "submitConstructionPlanForReview", 1)
    await waits_on(LEADING_GROUP, "REVIEW_CONSTRUCTION_PLAN", 1)
    await plan_step(approval, LEADING_GROUP, "returnConstructionPlanFromReview", 2, reasons=["cost unclear"])
    await waits_on(BUREAU, "REVISE_CONSTRUCTION_PLAN", 2)
    await plan_step(approval, BUREAU, "submitConstructionPlanForReview", 3)
    await waits_on(LEADING_GROUP, "REVIEW_CONSTRUCTION_PLAN", 3)  # since the resubmission
    await plan_step(approval, LEADING_GROUP, "passConstructionPlanReview", 4, opinion="in line")
    await waits_on(CITY_GOVERNMENT, "APPROVE_CONSTRUCTION_PLAN", 4)
    await plan_step(approval, CITY_GOVERNMENT, "returnConstructionPlanFromApproval", 5, reasons=["phase it"])
    await waits_on(BUREAU, "REVISE_CONSTRUCTION_PLAN", 5)  # since the latest of its two returns
    await plan_step(approval, BUREAU, "submitConstructionPlanForReview", 6)
    await plan_step(approval, LEADING_GROUP, "passConstructionPlanReview", 7)
    await waits_on(CITY_GOVERNMENT, "APPROVE_CONSTRUCTION_PLAN", 7)
    await plan_step(approval, CITY_GOVERNMENT, "approveConstructionPlan", 8, approvedOn=TODAY,
                    documentNumber="益政函〔2026〕12号")
    for identity in everyone:
        assert await approval_work(approval, identity) == NOBODY, identity


async def changes_of(approval, project_id: str) -> list[str]:
    found = await approval.call(BUREAU, "query($id: ID!) { project(id: $id) { changes { changeId } } }",
                                id=project_id)
    return [c["changeId"] for c in found["project"]["changes"]]


async def test_r_imp_3_each_change_request_waits_on_the_bureau_since_its_own_request(approval):
    project = await under_construction(approval, classified=True)
    for step, plan in ((1, "add an appointment module"), (2, "add a billing module")):
        with clock_at(soon(step)):
            await call(approval, UNIT, "requestChange", "id: ID!, plan: String!", id=project, plan=plan)
    work = await approval_work(approval, BUREAU)
    assert kinds(work) == [("DECIDE_CHANGE", project)] * 2
    # Each since its own request, found by the trail's wording ("change <id>"): were the wording to drift, both would
    # fall back to the project's last change (step 2) and the first would not read step 1.
    assert since(work) == [soon(1).isoformat(), soon(2).isoformat()]
    assert work["counts"] == [{"kind": "DECIDE_CHANGE", "count": 2}]
    for identity in (UNIT, PARENT_UNIT, *OUTSIDERS):  # nothing waits on the unit; outsiders never hear of it
        assert await approval_work(approval, identity) == NOBODY, identity
    first, second = await changes_of(approval, project)
    await call(approval, BUREAU, "approveChange", "id: ID!, changeId: String!", id=project, changeId=first)
    assert since(await approval_work(approval, BUREAU)) == [soon(2).isoformat()]
    await call(approval, BUREAU, "rejectChange", "id: ID!, changeId: String!, reasons: [String!]!", id=project,
               changeId=second, reasons=["outside the approved content"])
    assert await approval_work(approval, BUREAU) == NOBODY


async def test_r_acc_4_a_refused_acceptance_waits_on_the_unit_until_it_applies_again(approval):
    project = await under_construction(approval, classified=True)
    await initially_accepted(approval, project)
    await apply_for_acceptance(approval, project)
    with clock_at(soon(1)):
        await call(approval, BUREAU, "refuseCompletionAcceptance", "id: ID!, reasons: [String!]!", id=project,
                   reasons=["the supervision report is unsigned"])
    for identity in (UNIT, PARENT_UNIT):
        work = await approval_work(approval, identity)
        assert kinds(work) == [("ANSWER_ACCEPTANCE_REFUSAL", project)] and since(work) == [soon(1).isoformat()]
        assert work["counts"] == [{"kind": "ANSWER_ACCEPTANCE_REFUSAL", "count": 1}]
    for identity in (BUREAU, *OUTSIDERS):
        assert await approval_work(approval, identity) == NOBODY, identity
    await apply_for_acceptance(approval, project)
    assert await approval_work(approval, UNIT) == NOBODY
    assert kinds(await approval_work(approval, BUREAU)) == [("DECIDE_COMPLETION_ACCEPTANCE", project)]


async def test_r_per_2_each_years_cycle_waits_since_that_years_decision(approval):
    project = await in_operation(approval, classified=True)

    async def step(actor, mutation: str, signature: str, at: int, **arguments) -> None:
        with clock_at(soon(at)):
            await call(approval, actor, mutation, "id: ID!, year: Int!, " + signature, id=project, **arguments)

    def cycles(work: dict) -> list[tuple]:
        return [(i["kind"], i["projectId"], i["year"], i["waitingSince"]) for i in work["items"]]

    def expect(kind: str, *steps: tuple[int, int]) -> list[tuple]:
        return [(kind, project, year, soon(at).isoformat()) for year, at in steps]

    # Two years in each state: each item must read its own year's trail line ("<year> ...", see
    # services/approval/domain/work.py); were the wording to drift, both would read the project's last change.
    for year, at in ((2027, 1), (2028, 2)):
        await step(UNIT, "fileSelfEvaluation", "report: String!, claimsTargetsMet: Boolean!", at, year=year,
                   report=f"self-evaluation {year}", claimsTargetsMet=True)
    assert cycles(await approval_work(approval, BUREAU)) == expect("REVIEW_SELF_EVALUATION", (2027, 1), (2028, 2))
    assert await approval_work(approval, UNIT) == NOBODY
    for year, at in ((2027, 3), (2028, 4)):
        await step(BUREAU, "reviewPerformance", "targetsMet: Boolean!, opinion: String!", at, year=year,
                   targetsMet=False, opinion="two hospitals are not connected")
    assert await approval_work(approval, BUREAU) == NOBODY
    for identity in (UNIT, PARENT_UNIT):
        work = await approval_work(approval, identity)
        assert cycles(work) == expect("RECTIFY_PERFORMANCE", (2027, 3), (2028, 4))
        assert work["counts"] == [{"kind": "RECTIFY_PERFORMANCE", "count": 2}]
    for identity in OUTSIDERS:
        assert await approval_work(approval, identity) == NOBODY, identity
    for year, at in ((2027, 5), (2028, 6)):
        await step(UNIT, "reportRectification", "report: String!", at, year=year, report="connected them")
    assert await approval_work(approval, UNIT) == NOBODY
    assert cycles(await approval_work(approval, BUREAU)) == expect("CONFIRM_RECTIFICATION", (2027, 5), (2028, 6))
    for year in (2027, 2028):
        await step(BUREAU, "confirmRectification", "", 7, year=year)
    assert await approval_work(approval, BUREAU) == NOBODY
