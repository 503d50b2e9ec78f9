"""The approval service through its subgraph, on SQLite: permissions, refusals that write nothing, lists, history,
and what it learns from other bureaus' events."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from services.approval.adapters.orm import projects, trail
from shared.auth import Department, Identity
from shared.events import (
    BudgetReviewReported, ClassificationConfirmed, Envelope, PreUseApproved, SecrecyReviewPassed, VendorQualified,
)
from tests.e2e.slice import complete_dossier
from tests.unit.approval.builders import BUREAU, OTHER_UNIT, PARENT_UNIT, UNIT

PUBLIC = Identity(Department.PUBLIC)
PAYLOAD = "{ project { id status } userErrors { code field message } }"
CREATE = "mutation($input: CreateProjectInput!) { createProject(input: $input) " + PAYLOAD + " }"
DOSSIER = "mutation($id: ID!, $input: DossierInput!) { updateDossier(id: $id, input: $input) " + PAYLOAD + " }"


def create_input(estimate=5_000_000_00, **changes):
    return {"name": "Health data platform", "kind": "APPLICATION_SYSTEM_NEW", "investmentEstimate": estimate,
            "fundSources": [{"source": "FISCAL", "amount": estimate}], **changes}


async def drafted(approval, actor=UNIT, estimate=5_000_000_00, **changes) -> str:
    created = await approval.call(actor, CREATE, input=create_input(estimate, **changes))
    project_id = created["createProject"]["project"]["id"]
    done = await approval.call(actor, DOSSIER, id=project_id, input=complete_dossier(estimate))
    assert done["updateDossier"]["userErrors"] == []
    return project_id


async def run(approval, actor, mutation: str, **arguments) -> dict:
    signature = ", ".join(f"${k}: {TYPES[k]}" for k in arguments)
    call = ", ".join(f"{k}: ${k}" for k in arguments)
    query = f"mutation({signature}) {{ {mutation}({call}) {PAYLOAD} }}"
    result = await approval.call(actor, query, **arguments)
    return result if "errors" in result else result[mutation]


TYPES = {"id": "ID!", "reasons": "[String!]!", "reason": "String!", "aspect": "ReviewAspect!", "finding": "String!",
         "opinion": "String!", "approvedEstimate": "Fen!", "input": "ContractInput!", "plan": "String!",
         "changeId": "String!", "description": "String!", "reportReference": "String!", "kind": "InfrastructureKind!",
         "year": "Int!", "report": "String!", "targetsMet": "Boolean!", "claimsTargetsMet": "Boolean!",
         "law": "String!"}

# Every project mutation, with arguments and the departments the law gives it to.
MUTATIONS = [
    ("submitProject", {}, "unit"), ("approveProject", {}, "bureau"), ("rejectProject", {"reasons": ["r"]}, "bureau"),
    ("reviseProject", {}, "unit"), ("flagMajorProject", {"reason": "r"}, "bureau"),
    ("recordInfrastructureExemption", {"kind": "COMPUTE", "reason": "r"}, "bureau"),
    ("recordReviewFinding", {"aspect": "SITE", "finding": "f"}, "bureau"),
    ("concludeTechnicalReview", {"opinion": "o", "approvedEstimate": 1}, "bureau"),
    ("startConstruction", {}, "unit"), ("requestChange", {"plan": "p"}, "unit"),
    ("approveChange", {"changeId": "c"}, "bureau"), ("rejectChange", {"changeId": "c", "reasons": ["r"]}, "bureau"),
    ("recordUnauthorizedChange", {"description": "d"}, "bureau"),
    ("passInitialAcceptance", {"reportReference": "r"}, "unit"), ("passCompletionAcceptance", {}, "bureau"),
    ("refuseCompletionAcceptance", {"reasons": ["r"]}, "bureau"), ("closeProject", {"reason": "r"}, "bureau"),
    ("fileSelfEvaluation", {"year": 2027, "report": "r", "claimsTargetsMet": True}, "unit"),
    ("reviewPerformance", {"year": 2027, "targetsMet": False, "opinion": "o"}, "bureau"),
    ("reportRectification", {"year": 2027, "report": "r"}, "unit"), ("confirmRectification", {"year": 2027}, "bureau"),
    # R-PUB-1: only the Approval Bureau withholds a project from publication, or releases it.
    ("withholdPublication", {"law": "l", "reason": "r"}, "bureau"), ("releasePublication", {"reason": "r"}, "bureau"),
]
BUREAUS = [d for d in Department if d not in (Department.PUBLIC, Department.CONSTRUCTION_UNIT,
                                               Department.BIG_DATA_CENTER)]


@pytest.mark.parametrize("mutation,arguments,owner", MUTATIONS)
async def test_every_mutation_refuses_the_wrong_department(approval, mutation, arguments, owner):
    project_id = await drafted(approval)
    wrong = [Identity(d, unit="some-bureau") for d in BUREAUS if not (owner == "bureau" and
                                                                      d is Department.APPROVAL_BUREAU)]
    if owner == "bureau":
        wrong.append(UNIT)  # the project's own unit may not take the bureau's decisions
    for identity in wrong:
        refused = await run(approval, identity, mutation, id=project_id, **arguments)
        assert refused["errors"][0]["code"] == "FORBIDDEN", (identity, refused)
    refused = await run(approval, PUBLIC, mutation, id=project_id, **arguments)
    assert refused["errors"][0]["code"] == "UNAUTHENTICATED"
    # A unit that may not see the project is told it does not exist; a bureau's decision is refused to any unit
    # before the project is read, so the refusal says nothing about the project either.
    hidden = await run(approval, OTHER_UNIT, mutation, id=project_id, **arguments)
    if owner == "bureau":
        assert hidden["errors"][0]["code"] == "FORBIDDEN"
    else:
        assert hidden["userErrors"] == [{"code": "NOT_FOUND", "field": ["id"],
                                         "message": "no project with this id is visible to you"}]


async def counts(approval, project_id):
    async with approval.runtime.sessions() as session:
        version = (await session.execute(select(projects.c.version).where(projects.c.id == project_id))).scalar_one()
        lines = (await session.execute(select(func.count()).select_from(trail.entries)
                                       .where(trail.entries.c.project_id == project_id))).scalar_one()
        events = (await session.execute(select(func.count()).select_from(approval.runtime.outbox))).scalar_one()
    return version, lines, events


async def test_R_APP_1_a_refused_submission_lists_what_is_missing_and_writes_nothing(approval):
    created = await approval.call(UNIT, CREATE, input=create_input())
    project_id = created["createProject"]["project"]["id"]
    before = await counts(approval, project_id)
    refused = await run(approval, UNIT, "submitProject", id=project_id)
    assert refused["project"] is None
    assert {(e["code"], tuple(e["field"])) for e in refused["userErrors"]} == {
        ("R-APP-1", ("feasibilityStudy",)), ("R-APP-1", ("preliminaryDesign",)), ("R-APP-1", ("dataSharing",)),
        ("R-APP-1", ("deliverables",))}
    assert await counts(approval, project_id) == before


async def test_a_float_or_negative_amount_is_a_clear_error(approval):
    for amount in (12.5, -100):
        result = await approval.call(UNIT, CREATE, input=create_input() | {"investmentEstimate": amount})
        message = result["errors"][0]["message"]
        assert "floating point" in message or "cannot be negative" in message, message


async def test_a_submitted_project_moves_with_one_event_and_one_history_line_per_state_change(approval):
    project_id = await drafted(approval)
    assert (await run(approval, UNIT, "submitProject", id=project_id))["project"]["status"] == "SUBMITTED"
    assert (await run(approval, BUREAU, "rejectProject", id=project_id, reasons=["add the sharing plan"]))[
        "project"]["status"] == "REJECTED"
    assert (await run(approval, UNIT, "reviseProject", id=project_id))["project"]["status"] == "DRAFT"
    assert (await run(approval, UNIT, "submitProject", id=project_id))["project"]["status"] == "SUBMITTED"
    assert (await run(approval, BUREAU, "approveProject", id=project_id))["project"]["status"] == "APPROVED"
    found = await approval.call(UNIT, "query($id: ID!) { project(id: $id) { history { action fromStatus toStatus "
                                      "department reasons rule } } }", id=project_id)
    entries = found["project"]["history"]
    changes = [e for e in entries if e["fromStatus"] != e["toStatus"]]
    assert [e["action"] for e in changes] == ["CREATE", "SUBMIT", "REJECT", "REVISE", "SUBMIT", "APPROVE"]
    assert changes[2]["reasons"] == ["add the sharing plan"] and changes[2]["department"] == "APPROVAL_BUREAU"
    assert [e["rule"] for e in changes] == ["R-APP-1", "R-APP-1", "R-APP-2", "R-APP-2", "R-APP-1", "R-APP-2"]
    async with approval.runtime.sessions() as session:
        types = [row.type for row in await session.execute(
            select(approval.runtime.outbox.c.type).order_by(approval.runtime.outbox.c.seq))]
    assert types == ["approval.project.submitted.v1", "approval.project.rejected.v1", "approval.project.revised.v1",
                     "approval.project.submitted.v1", "approval.project.approved.v1"]


LIST = """query($filter: ProjectFilterInput, $first: Int!, $after: String) {
  projects(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { code unitId investment classified } } } }"""


async def test_lists_filter_paginate_and_show_each_caller_only_what_it_may_see(approval):
    sibling = Identity(Department.CONSTRUCTION_UNIT, unit="education-bureau", parent_units=("city-government",))
    for estimate in (1_000_00, 2_000_00, 3_000_00):
        await drafted(approval, UNIT, estimate)
    await drafted(approval, sibling, 4_000_00)
    await drafted(approval, sibling, 5_000_00, declaredClassified=True)
    pages, after = [], None
    while True:
        page = (await approval.call(BUREAU, LIST, first=2, after=after))["projects"]
        pages.append([e["node"]["code"] for e in page["edges"]])
        assert page["totalCount"] == 5
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert [len(p) for p in pages] == [2, 2, 1] and len({c for p in pages for c in p}) == 5
    mine = (await approval.call(UNIT, LIST, first=50))["projects"]
    assert mine["totalCount"] == 3 and {e["node"]["unitId"] for e in mine["edges"]} == {"health-commission"}
    parents = (await approval.call(PARENT_UNIT, LIST, first=50))["projects"]
    assert parents["totalCount"] == 5  # a unit sees its subordinate units' projects
    ranged = (await approval.call(BUREAU, LIST, first=50, filter={"minInvestment": 2_000_00,
                                                                   "maxInvestment": 4_000_00}))["projects"]
    assert sorted(e["node"]["investment"] for e in ranged["edges"]) == [2_000_00, 3_000_00, 4_000_00]
    by_unit = (await approval.call(BUREAU, LIST, first=50, filter={"unit": "education-bureau", "statuses": ["DRAFT"],
                                                                    "year": datetime.now().year,
                                                                    "kinds": ["APPLICATION_SYSTEM_NEW"],
                                                                    "jurisdiction": "CITY"}))["projects"]
    assert by_unit["totalCount"] == 2
    oversight = Identity(Department.SUPERVISORY_COMMISSION, unit="jiwei")
    assert (await approval.call(oversight, LIST, first=50))["projects"]["totalCount"] == 4  # R-SEC-2
    cleared = Identity(Department.SUPERVISORY_COMMISSION, unit="jiwei", roles=("SECRECY_CLEARANCE",))
    assert (await approval.call(cleared, LIST, first=50))["projects"]["totalCount"] == 5
    assert (await approval.call(PUBLIC, LIST, first=50))["projects"]["totalCount"] == 0
    assert (await approval.call(OTHER_UNIT, LIST, first=50))["projects"]["totalCount"] == 2


async def approved_and_reviewed(approval, *, classified=False) -> str:
    project_id = await drafted(approval, declaredClassified=classified)
    await run(approval, UNIT, "submitProject", id=project_id)
    await run(approval, BUREAU, "approveProject", id=project_id)
    for aspect in ("CONSTRUCTION_GOALS", "SITE", "FUNCTIONAL_REQUIREMENTS", "TECHNICAL_APPROACH", "SHARING_PLAN",
                   "EQUIPMENT_SELECTION", "INVESTMENT_ESTIMATE"):
        await run(approval, BUREAU, "recordReviewFinding", id=project_id, aspect=aspect, finding="fine")
    return project_id


def envelope(payload, source) -> Envelope:
    return Envelope.wrap(payload, source=source, subject=getattr(payload, "project_id", None))


async def status_of(approval, project_id) -> dict:
    return (await approval.call(BUREAU, "query($id: ID!) { project(id: $id) { status approvedBudget classified "
                                        "secrecyReviewPassed preUseApproved } }", id=project_id))["project"]


async def test_R_REV_2_finances_report_moves_the_project_once_even_if_delivered_twice(approval):
    project_id = await approved_and_reviewed(approval)
    concluded = await run(approval, BUREAU, "concludeTechnicalReview", id=project_id, opinion="sound",
                          approvedEstimate=4_000_000_00)
    assert concluded["project"]["status"] == "TECHNICAL_REVIEW_PASSED"
    report = envelope(BudgetReviewReported(project_id=project_id, case_id="c", approved_budget=3_900_000_00, lines=[],
                                           reported_at=datetime.now(timezone.utc)), "finance")
    await approval.runtime.consumer(report)
    await approval.runtime.consumer(Envelope.from_bytes(report.to_bytes()))
    assert await status_of(approval, project_id) == {"status": "BUDGET_REVIEW_PASSED", "approvedBudget": 3_900_000_00,
                                                     "classified": False, "secrecyReviewPassed": False,
                                                     "preUseApproved": False}
    version, lines, _ = await counts(approval, project_id)
    async with approval.runtime.sessions() as session:
        recorded = (await session.execute(select(func.count()).select_from(approval.runtime.outbox).where(
            approval.runtime.outbox.c.type == "approval.project.budget_review_recorded.v1"))).scalar_one()
    assert recorded == 1


async def test_R_REV_3_the_secrecy_services_facts_reach_the_project(approval):
    project_id = await approved_and_reviewed(approval, classified=True)
    refused = await run(approval, BUREAU, "concludeTechnicalReview", id=project_id, opinion="o",
                        approvedEstimate=4_000_000_00)
    assert [e["code"] for e in refused["userErrors"]] == ["R-REV-3"]
    now = datetime.now(timezone.utc)
    await approval.runtime.consumer(envelope(SecrecyReviewPassed(project_id=project_id, review_id="r", passed_at=now),
                                             "secrecy"))
    concluded = await run(approval, BUREAU, "concludeTechnicalReview", id=project_id, opinion="o",
                          approvedEstimate=4_000_000_00)
    assert concluded["project"]["status"] == "TECHNICAL_REVIEW_PASSED"
    await approval.runtime.consumer(envelope(ClassificationConfirmed(project_id=project_id, classified=False,
                                                                     level=None, decided_at=now), "secrecy"))
    await approval.runtime.consumer(envelope(PreUseApproved(project_id=project_id, evaluation_id="e",
                                                            approved_at=now), "secrecy"))
    facts = await status_of(approval, project_id)
    assert facts["classified"] is False and facts["secrecyReviewPassed"] and facts["preUseApproved"]


async def test_R_IMP_2_vendor_qualifications_come_from_the_secrecy_service(approval):
    project_id = await approved_and_reviewed(approval, classified=True)
    now = datetime.now(timezone.utc)
    for payload in (SecrecyReviewPassed(project_id=project_id, review_id="r", passed_at=now),
                    VendorQualified(vendor_id="v-9", vendor_name="Xiangjiang", certificate_number="BM-1", grade="A",
                                    scopes=["OVERALL_INTEGRATION"], valid_from=date(2025, 1, 1),
                                    valid_until=date(2027, 12, 31))):
        await approval.runtime.consumer(envelope(payload, "secrecy"))
    await run(approval, BUREAU, "concludeTechnicalReview", id=project_id, opinion="o", approvedEstimate=4_000_000_00)
    await approval.runtime.consumer(envelope(BudgetReviewReported(
        project_id=project_id, case_id="c", approved_budget=4_000_000_00, lines=[], reported_at=now), "finance"))

    def contract(vendor, signed):
        return {"contractId": "HT-1", "contractSum": 3_000_000_00, "signedOn": signed,
                "vendors": [{"vendorId": vendor, "name": "Xiangjiang", "scope": "OVERALL_INTEGRATION"}]}

    targets = await approval.call(
        UNIT, "mutation($id: ID!, $t: [PerformanceTargetInput!]!) { setPerformanceTargets(id: $id, targets: $t) "
              "{ userErrors { code } } }", id=project_id, t=[{"indicator": "records shared", "target": "10,000/day"}])
    assert targets["setPerformanceTargets"]["userErrors"] == []
    unknown = await run(approval, UNIT, "recordContract", id=project_id, input=contract("v-0", "2026-06-01"))
    expired = await run(approval, UNIT, "recordContract", id=project_id, input=contract("v-9", "2028-01-01"))
    assert [e["code"] for e in unknown["userErrors"] + expired["userErrors"]] == ["R-IMP-2", "R-IMP-2"]
    signed = await run(approval, UNIT, "recordContract", id=project_id, input=contract("v-9", "2026-06-01"))
    assert signed["project"]["status"] == "CONTRACT_SIGNED", json.dumps(signed)
