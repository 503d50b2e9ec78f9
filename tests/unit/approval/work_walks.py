"""Projects walked through the approval subgraph's real commands to where work waits on them: under construction
(a change to decide), refused at completion acceptance (the unit to answer), in operation (performance cycles).
A classified project takes the secrecy service's facts on the way (R-REV-3, R-IMP-2, R-ACC-5)."""
from __future__ import annotations

from datetime import date, datetime, timezone

from shared.events import BudgetReviewReported, PreUseApproved, SecrecyReviewPassed, VendorQualified
from tests.e2e.lifecycle import ALL_DOCUMENTS
from tests.unit.approval.builders import BUREAU, ESTIMATE, UNIT
from tests.unit.approval.plan_support import put_in_approved_plan
from tests.unit.approval.test_construction_plan_service import TODAY
from tests.unit.approval.test_service import approved_and_reviewed, envelope, run

PAYLOAD = "{ project { id status } userErrors { code field message } }"


async def call(approval, actor, mutation: str, signature: str, **arguments) -> dict:
    """A project mutation with arguments of the given GraphQL types; the payload, refused by nothing."""
    types = dict(map(str.strip, part.split(":")) for part in signature.split(",") if part.strip())
    declared = ", ".join(f"${k}: {types[k]}" for k in arguments)
    passed = ", ".join(f"{k}: ${k}" for k in arguments)
    result = await approval.call(actor, f"mutation({declared}) {{ {mutation}({passed}) {PAYLOAD} }}", **arguments)
    assert "errors" not in result and result[mutation]["userErrors"] == [], (mutation, result)
    return result[mutation]["project"]


async def _consume(approval, payload, source: str) -> None:
    await approval.runtime.consumer(envelope(payload, source))


async def under_construction(approval, *, classified: bool = False) -> str:
    """A project of this year's CITY plan, its contract signed and construction started (R-PLN-1)."""
    now = datetime.now(timezone.utc)
    project_id = await approved_and_reviewed(approval, classified=classified)
    vendor = "v-1"
    if classified:  # R-REV-3: the secrecy review passed; R-IMP-2: a qualified vendor
        vendor = "v-9"
        await _consume(approval, SecrecyReviewPassed(project_id=project_id, review_id="r", passed_at=now), "secrecy")
        await _consume(approval, VendorQualified(
            vendor_id=vendor, vendor_name="Xiangjiang", certificate_number="BM-1", grade="A",
            scopes=["OVERALL_INTEGRATION"], valid_from=date(2025, 1, 1), valid_until=date(2099, 12, 31)), "secrecy")
    await run(approval, BUREAU, "concludeTechnicalReview", id=project_id, opinion="o", approvedEstimate=ESTIMATE)
    await _consume(approval, BudgetReviewReported(project_id=project_id, case_id="c", approved_budget=ESTIMATE,
                                                  lines=[], reported_at=now), "finance")
    await call(approval, UNIT, "setPerformanceTargets", "id: ID!, targets: [PerformanceTargetInput!]!",
               id=project_id, targets=[{"indicator": "records shared", "target": "10,000/day"}])
    await call(approval, UNIT, "recordContract", "id: ID!, input: ContractInput!", id=project_id, input={
        "contractId": "HT-1", "contractSum": ESTIMATE, "signedOn": TODAY,
        "vendors": [{"vendorId": vendor, "name": "Xiangjiang", "scope": "OVERALL_INTEGRATION"}]})
    await put_in_approved_plan(approval, project_id, amount=ESTIMATE)
    await call(approval, UNIT, "startConstruction", "id: ID!", id=project_id)
    return project_id


async def initially_accepted(approval, project_id: str) -> None:
    """R-ACC-1, R-ACC-3: the custom software's test report, then the unit's initial acceptance."""
    await call(approval, UNIT, "recordTestReport", "id: ID!, input: TestReportInput!", id=project_id, input={
        "kind": "CUSTOM_SOFTWARE", "tester": "Hunan Software Testing Center", "testerQualification": "CMA 2019-123",
        "reportNumber": "T-1", "issuedOn": TODAY})
    await call(approval, UNIT, "passInitialAcceptance", "id: ID!, reportReference: String!", id=project_id,
               reportReference="initial acceptance minutes")


async def apply_for_acceptance(approval, project_id: str) -> None:
    """R-ACC-4: the unit applies for completion acceptance with every document."""
    await call(approval, UNIT, "applyForCompletionAcceptance", "id: ID!, documents: [SubmittedDocumentInput!]!",
               id=project_id, documents=[{"kind": k, "reference": f"DOC-{k}"} for k in ALL_DOCUMENTS])


async def in_operation(approval, *, classified: bool = False) -> str:
    """Accepted (and for a classified project approved before use, R-ACC-5), in operation (R-OPS-1)."""
    project_id = await under_construction(approval, classified=classified)
    await initially_accepted(approval, project_id)
    await apply_for_acceptance(approval, project_id)
    await call(approval, BUREAU, "passCompletionAcceptance", "id: ID!", id=project_id)
    if classified:
        await _consume(approval, PreUseApproved(project_id=project_id, evaluation_id="e",
                                                approved_at=datetime.now(timezone.utc)), "secrecy")
    await call(approval, UNIT, "startOperation", "id: ID!, input: OperationInput!", id=project_id, input={
        "omMonths": 36, "operatingOrganisation": "the unit's IT office", "omAnnualFunding": 30_000_000})
    return project_id
