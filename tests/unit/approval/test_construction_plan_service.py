"""R-PLN-1 through the approval subgraph on SQLite: each plan mutation for its department only, refusals that
write nothing, the decision history and the events, construction refused without an approved plan and allowed with
it, amendments that keep version 1 readable, and need-to-know for a classified item (R-SEC-2)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from services.approval.adapters.orm import construction_plans, trail
from shared.auth import Department, Identity
from shared.clock import china_date, utc_now
from shared.events import BudgetReviewReported, SecrecyReviewPassed
from shared.visibility import SECRECY_CLEARANCE_ROLE
from tests.unit.approval.builders import BUREAU, CITY_GOVERNMENT, LEADING_GROUP, UNIT
from shared.jurisdictions import JURISDICTIONS
from tests.unit.work_support import statements
from tests.unit.approval.plan_support import YEAR, plan_mutation, put_in_approved_plan, read_plan
from tests.unit.approval.test_service import approved_and_reviewed, envelope, run

ESTIMATE = 5_000_000_00
TODAY = china_date(utc_now()).isoformat()
# Every plan mutation, with valid arguments and the department the law gives it to.
MUTATIONS = [
    ("draftConstructionPlan", {}, Department.APPROVAL_BUREAU),
    ("draftConstructionPlanAmendment", {"reason": "r"}, Department.APPROVAL_BUREAU),
    ("addConstructionPlanItem", {"projectId": "p", "plannedAmount": 1}, Department.APPROVAL_BUREAU),
    ("removeConstructionPlanItem", {"projectId": "p"}, Department.APPROVAL_BUREAU),
    ("submitConstructionPlanForReview", {}, Department.APPROVAL_BUREAU),
    ("passConstructionPlanReview", {"opinion": "o"}, Department.LEADING_GROUP),
    ("returnConstructionPlanFromReview", {"reasons": ["r"]}, Department.LEADING_GROUP),
    ("approveConstructionPlan", {"approvedOn": TODAY, "documentNumber": "n"}, Department.CITY_GOVERNMENT),
    ("returnConstructionPlanFromApproval", {"reasons": ["r"]}, Department.CITY_GOVERNMENT),
]
WRONG = [(mutation, arguments, department) for mutation, arguments, owner in MUTATIONS for department in Department
         if department not in (owner, Department.PUBLIC)]


async def rows(approval) -> tuple[int, int, int]:
    async with approval.runtime.sessions() as session:
        return tuple([(await session.execute(select(func.count()).select_from(table))).scalar_one()
                      for table in (construction_plans, trail.entries, approval.runtime.outbox)])


async def a_reviewed_plan(approval) -> str:
    project_id = await approved_and_reviewed(approval)
    for actor, mutation, arguments in ((BUREAU, "draftConstructionPlan", {}),
                                       (BUREAU, "addConstructionPlanItem", {"projectId": project_id,
                                                                            "plannedAmount": ESTIMATE}),
                                       (BUREAU, "submitConstructionPlanForReview", {}),
                                       (LEADING_GROUP, "passConstructionPlanReview", {})):
        assert (await plan_mutation(approval, actor, mutation, **arguments))["userErrors"] == []
    return project_id


@pytest.mark.parametrize("mutation,arguments,department", WRONG,
                         ids=[f"{m}-by-{d.value}" for m, _, d in WRONG])
async def test_R_PLN_1_each_plan_mutation_refuses_every_other_department_and_writes_nothing(
        approval, mutation, arguments, department):
    """Article 5 is checked before the plan is read: whatever the plan's state, the wrong department learns nothing."""
    assert (await plan_mutation(approval, BUREAU, "draftConstructionPlan"))["userErrors"] == []
    before = await rows(approval)
    refused = await plan_mutation(approval, Identity(department, unit="some-unit"), mutation, **arguments)
    assert refused["errors"][0]["code"] == "FORBIDDEN", refused
    assert await rows(approval) == before


@pytest.mark.parametrize("mutation,arguments,owner", MUTATIONS, ids=[m for m, _, _ in MUTATIONS])
async def test_R_PLN_1_the_public_is_asked_to_sign_in(approval, mutation, arguments, owner):
    refused = await plan_mutation(approval, Identity(Department.PUBLIC), mutation, **arguments)
    assert refused["errors"][0]["code"] == "UNAUTHENTICATED"


async def test_R_PLN_1_the_whole_path_is_on_the_history_and_on_the_bus(approval):
    project_id = await a_reviewed_plan(approval)
    early = await plan_mutation(approval, CITY_GOVERNMENT, "approveConstructionPlan", approvedOn="2000-01-01",
                                documentNumber="益政函〔2026〕12号")
    assert [(e["code"], e["field"]) for e in early["userErrors"]] == [("R-PLN-1", ["approvedOn"])]
    approved = await plan_mutation(approval, CITY_GOVERNMENT, "approveConstructionPlan", approvedOn=TODAY,
                                   documentNumber="益政函〔2026〕12号")
    version = approved["plan"]["versions"][0]
    assert (version["status"], version["inForce"], version["approvedOn"], version["documentNumber"]) == (
        "APPROVED", True, TODAY, "益政函〔2026〕12号")
    assert [(d["action"], d["department"], d["fromStatus"], d["toStatus"]) for d in version["decisions"]] == [
        ("DRAFT", "APPROVAL_BUREAU", None, "DRAFT"), ("ADD_ITEM", "APPROVAL_BUREAU", "DRAFT", "DRAFT"),
        ("SUBMIT_FOR_REVIEW", "APPROVAL_BUREAU", "DRAFT", "SUBMITTED"),
        ("PASS_REVIEW", "LEADING_GROUP", "SUBMITTED", "REVIEWED"),
        ("APPROVE", "CITY_GOVERNMENT", "REVIEWED", "APPROVED")]
    assert version["decisions"][1]["projectId"] == project_id
    assert version["decisions"][-1]["subject"] == "mayor-office" and "益政函" in version["decisions"][-1]["detail"]
    async with approval.runtime.sessions() as session:
        events = (await session.execute(select(approval.runtime.outbox.c.type, approval.runtime.outbox.c.envelope)
                                        .where(approval.runtime.outbox.c.type.like("approval.construction_plan.%"))
                                        .order_by(approval.runtime.outbox.c.created_at))).all()
    assert [e.type for e in events] == ["approval.construction_plan.submitted.v1",
                                        "approval.construction_plan.reviewed.v1",
                                        "approval.construction_plan.approved.v1"]
    # One subject per plan: the relay keeps a plan's decisions in the order they were taken.
    assert {e.envelope["subject"] for e in events} == {f"construction-plan:CITY:{YEAR}"}
    data = events[-1].envelope["data"]
    assert data["items"] == [{"project_id": project_id, "planned_amount": ESTIMATE}]
    assert (data["version"], data["document_number"], data["supersedes_version"]) == (1, "益政函〔2026〕12号", None)


async def test_R_PLN_1_a_refused_step_writes_nothing(approval):
    project_id = await a_reviewed_plan(approval)
    before = await rows(approval)
    for actor, mutation, arguments in (
            (LEADING_GROUP, "passConstructionPlanReview", {}),  # reviewing twice
            (BUREAU, "addConstructionPlanItem", {"projectId": project_id, "plannedAmount": 1}),  # after submission
            (BUREAU, "draftConstructionPlan", {}),  # a second plan for the year
            (CITY_GOVERNMENT, "returnConstructionPlanFromApproval", {"reasons": [" "]})):  # without reasons
        refused = await plan_mutation(approval, actor, mutation, **arguments)
        assert [e["code"] for e in refused["userErrors"]] == ["R-PLN-1"] and refused["plan"] is None, (mutation,
                                                                                                       refused)
    assert await rows(approval) == before


async def test_R_PLN_1_amounts_are_integer_fen_and_bounded(approval):
    project_id = await approved_and_reviewed(approval)
    await plan_mutation(approval, BUREAU, "draftConstructionPlan")
    negative = await plan_mutation(approval, BUREAU, "addConstructionPlanItem", projectId=project_id,
                                   plannedAmount=-1)
    assert negative["errors"][0]["code"] == "BAD_USER_INPUT"
    absurd = await plan_mutation(approval, BUREAU, "addConstructionPlanItem", projectId=project_id,
                                 plannedAmount=ESTIMATE + 1)
    assert [(e["code"], e["field"]) for e in absurd["userErrors"]] == [("R-PLN-1", ["plannedAmount"])]
    long_note = await plan_mutation(approval, BUREAU, "addConstructionPlanItem", projectId=project_id,
                                    plannedAmount=1, note="x" * 5000)
    assert [e["code"] for e in long_note["userErrors"]] == ["INVALID"]
    unknown = await plan_mutation(approval, BUREAU, "addConstructionPlanItem", projectId="no-such", plannedAmount=1)
    assert [e["code"] for e in unknown["userErrors"]] == ["NOT_FOUND"]


async def contract_signed(approval) -> str:
    """A project of this year's CITY jurisdiction with its contract signed: ready to build."""
    project_id = await approved_and_reviewed(approval)
    await run(approval, BUREAU, "concludeTechnicalReview", id=project_id, opinion="o", approvedEstimate=ESTIMATE)
    await approval.runtime.consumer(envelope(BudgetReviewReported(
        project_id=project_id, case_id="c", approved_budget=ESTIMATE, lines=[],
        reported_at=datetime.now(timezone.utc)), "finance"))
    targets = await approval.call(
        UNIT, "mutation($id: ID!, $t: [PerformanceTargetInput!]!) { setPerformanceTargets(id: $id, targets: $t) "
              "{ userErrors { code } } }", id=project_id, t=[{"indicator": "records shared", "target": "10,000/day"}])
    assert targets["setPerformanceTargets"]["userErrors"] == []
    signed = await run(approval, UNIT, "recordContract", id=project_id, input={
        "contractId": "HT-1", "contractSum": ESTIMATE, "signedOn": TODAY,
        "vendors": [{"vendorId": "v-1", "name": "Xiangjiang", "scope": "OVERALL_INTEGRATION"}]})
    assert signed["project"]["status"] == "CONTRACT_SIGNED", signed
    return project_id


async def test_R_PLN_1_construction_is_refused_without_the_approved_plan_and_starts_with_it(approval):
    project_id = await contract_signed(approval)
    refused = await run(approval, UNIT, "startConstruction", id=project_id)
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("R-PLN-1", ["id"])]
    # Next year's plan is no plan for this year; nor is this year's plan before the city government approves it.
    await put_in_approved_plan(approval, project_id, amount=ESTIMATE, year=YEAR + 1)
    await plan_mutation(approval, BUREAU, "draftConstructionPlan")
    await plan_mutation(approval, BUREAU, "addConstructionPlanItem", projectId=project_id, plannedAmount=ESTIMATE)
    for actor, mutation in ((BUREAU, "submitConstructionPlanForReview"), (LEADING_GROUP, "passConstructionPlanReview")):
        still = await run(approval, UNIT, "startConstruction", id=project_id)
        assert [e["code"] for e in still["userErrors"]] == ["R-PLN-1"], mutation
        assert (await plan_mutation(approval, actor, mutation))["userErrors"] == []
    assert (await plan_mutation(approval, CITY_GOVERNMENT, "approveConstructionPlan", approvedOn=TODAY,
                                documentNumber="益政函〔2026〕12号"))["userErrors"] == []
    started = await run(approval, UNIT, "startConstruction", id=project_id)
    assert started["userErrors"] == [] and started["project"]["status"] == "UNDER_CONSTRUCTION"


async def test_R_PLN_1_an_amendment_takes_the_same_path_and_version_1_stays_readable(approval):
    first, second = await approved_and_reviewed(approval), await approved_and_reviewed(approval)
    await put_in_approved_plan(approval, first, amount=1_000_000_00, document_number="益政函〔2026〕12号")
    amending = await plan_mutation(approval, BUREAU, "draftConstructionPlanAmendment", reason="a second project")
    assert [v["status"] for v in amending["plan"]["versions"]] == ["APPROVED", "DRAFT"]
    assert amending["plan"]["versionInForce"] == {"number": 1}
    for actor, mutation, arguments in (
            (BUREAU, "addConstructionPlanItem", {"projectId": second, "plannedAmount": 2_000_000_00}),
            (BUREAU, "submitConstructionPlanForReview", {}), (LEADING_GROUP, "passConstructionPlanReview", {}),
            (CITY_GOVERNMENT, "approveConstructionPlan", {"approvedOn": TODAY, "documentNumber": "益政函〔2026〕30号"})):
        plan = await plan_mutation(approval, actor, mutation, **arguments)
        assert plan["userErrors"] == [], (mutation, plan)
    for reader in (BUREAU, LEADING_GROUP, CITY_GOVERNMENT, Identity(Department.SUPERVISORY_COMMISSION, unit="jiwei"),
                   Identity(Department.FINANCE_BUREAU, unit="finance")):
        read = await read_plan(approval, reader)
        v1, v2 = read["versions"]
        assert (v1["number"], v1["status"], v1["inForce"], v1["documentNumber"], v1["total"]) == (
            1, "APPROVED", False, "益政函〔2026〕12号", 1_000_000_00), reader
        assert [i["projectId"] for i in v1["items"]] == [first]
        assert [d["action"] for d in v1["decisions"]][-1] == "APPROVE"
        assert (v2["number"], v2["inForce"], v2["amendmentReason"], v2["total"]) == (
            2, True, "a second project", 3_000_000_00)
        assert [i["projectId"] for i in v2["items"]] == [first, second]
        assert read["versionInForce"] == {"number": 2}
    listed = await approval.call(LEADING_GROUP, "{ constructionPlans(year: %d) { year versions { number } } }" % YEAR)
    assert listed["constructionPlans"] == [{"year": YEAR, "versions": [{"number": 1}, {"number": 2}]}]
    for outsider in (UNIT, Identity(Department.BIG_DATA_CENTER, unit="bdc")):
        assert (await read_plan(approval, outsider))["errors"][0]["code"] == "FORBIDDEN"
    assert (await read_plan(approval, Identity(Department.PUBLIC)))["errors"][0]["code"] == "UNAUTHENTICATED"


async def test_R_SEC_2_a_classified_item_shows_its_amount_only_to_readers_without_need_to_know(approval):
    ordinary = await approved_and_reviewed(approval)
    secret = await approved_and_reviewed(approval, classified=True)
    await approval.runtime.consumer(envelope(SecrecyReviewPassed(project_id=secret, review_id="r",
                                                                 passed_at=datetime.now(timezone.utc)), "secrecy"))
    await plan_mutation(approval, BUREAU, "draftConstructionPlan")
    await plan_mutation(approval, BUREAU, "addConstructionPlanItem", projectId=ordinary, plannedAmount=1_000_000_00)
    await plan_mutation(approval, BUREAU, "addConstructionPlanItem", projectId=secret, plannedAmount=2_000_000_00,
                        note="shielded machine room")
    cleared = [BUREAU, Identity(Department.SECRECY_BUREAU, unit="secrecy"),
               Identity(Department.LEADING_GROUP, unit="leading-group", roles=(SECRECY_CLEARANCE_ROLE,)),
               Identity(Department.CITY_GOVERNMENT, unit="city", roles=(SECRECY_CLEARANCE_ROLE,))]
    uncleared = [LEADING_GROUP, CITY_GOVERNMENT, Identity(Department.SUPERVISORY_COMMISSION, unit="jiwei")]
    for reader in cleared + uncleared:
        version = (await read_plan(approval, reader))["versions"][0]
        assert version["total"] == 3_000_000_00, reader  # the total counts the classified item
        shown, hidden = version["items"]
        assert shown["projectId"] == ordinary and shown["name"] == "Health data platform", reader
        decisions = [d["projectId"] for d in version["decisions"] if d["action"] == "ADD_ITEM"]
        if reader in cleared:
            assert (hidden["projectId"], hidden["note"], hidden["withheld"]) == (secret, "shielded machine room",
                                                                                 False)
            assert decisions == [ordinary, secret]
        else:
            assert hidden == {"projectId": None, "code": None, "name": None, "plannedAmount": 2_000_000_00,
                              "note": None, "withheld": True}, reader
            assert decisions == [ordinary, None]
            details = [d["detail"] for d in version["decisions"] if d["action"] == "ADD_ITEM"]
            assert details[0] and details[1] == "", reader  # its decision's text could give its amount away


async def test_R_PLN_1_listing_many_plans_reads_them_in_a_fixed_number_of_statements(approval):
    """constructionPlans reads the plans, their decisions and their projects once for all of them, not per plan."""
    jurisdictions = list(JURISDICTIONS)[:4]

    async def listed() -> tuple[list, int]:
        with statements(approval.runtime) as seen:
            answer = await approval.call(LEADING_GROUP, "{ constructionPlans(year: %d) { jurisdiction versions { "
                                                        "number decisions { action } } } }" % YEAR)
        return answer["constructionPlans"], len(seen)

    assert (await plan_mutation(approval, BUREAU, "draftConstructionPlan", jurisdiction=jurisdictions[0]))[
        "userErrors"] == []
    one, statements_for_one = await listed()
    for jurisdiction in jurisdictions[1:]:
        assert (await plan_mutation(approval, BUREAU, "draftConstructionPlan", jurisdiction=jurisdiction))[
            "userErrors"] == []
    many, statements_for_many = await listed()
    assert sorted(p["jurisdiction"] for p in many) == sorted(jurisdictions) and len(one) == 1
    assert all(p["versions"][0]["decisions"] for p in many)
    assert statements_for_many == statements_for_one
