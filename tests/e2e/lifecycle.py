"""Whole lifecycles through the gateway, every department acting with its own token: an ordinary project, and a
classified major cross-year project with the secrecy gates holding at each step."""
from __future__ import annotations

from shared.clock import budget_year, china_date, utc_now
from tests.conftest import eventually
from tests.e2e.slice import (
    APPROVAL_BUREAU, CREATE, DOSSIER, FINANCE_BUREAU, OTHER_UNIT, UNIT, GatewayClient, complete_dossier,
)

SECRECY_BUREAU = {"department": "SECRECY_BUREAU", "unit": "yiyang-secrecy-bureau"}
AUDIT_BUREAU = {"department": "AUDIT_BUREAU", "unit": "yiyang-audit-bureau"}
LEADING_GROUP = {"department": "LEADING_GROUP", "unit": "smart-city-leading-group"}
CITY_GOVERNMENT = {"department": "CITY_GOVERNMENT", "unit": "yiyang-city-government"}
ERRORS = "userErrors { code field message }"
ASPECTS = ["CONSTRUCTION_GOALS", "SITE", "FUNCTIONAL_REQUIREMENTS", "TECHNICAL_APPROACH", "SHARING_PLAN",
           "EQUIPMENT_SELECTION", "INVESTMENT_ESTIMATE"]
ALL_DOCUMENTS = ["APPROVAL_DOCUMENTS", "IMPLEMENTATION_PLAN", "COMPLETION_REPORT", "SUPERVISION_REPORT",
                 "TRIAL_OPERATION_AND_INITIAL_ACCEPTANCE_REPORT", "USER_TRAINING_REPORT",
                 "NETWORK_AND_SYSTEM_TEST_REPORTS", "SECURITY_ANALYSIS_REPORT"]
STATE = """query($id: ID!) { project(id: $id) {
  status investment approvedBudget classified secrecyReviewPassed preUseApproved
  budgetReview { status approvedBudget }
  auditRegister { investment acceptedAt inCertaintyScope }
  classification { status level }
  history { action fromStatus toStatus department }
} }"""
PRE_USE = 'query($id: ID!) { project(id: $id) { preUseReview { status } } }'


class Walk:
    """One project's way through the system, with a clerk of each department."""

    def __init__(self, gateway: GatewayClient):
        self.gateway = gateway
        self.id: str | None = None

    async def do(self, actor: dict, mutation: str, arguments: str, variables: dict | None = None, *,
                 expect: set[str] | None = None) -> dict:
        """Run a mutation taking `id`/`projectId`; with `expect`, assert exactly those rule codes refused it."""
        variables = {"id": self.id, **(variables or {})}
        declared = ", ".join(f"${k}: {TYPES[k]}" for k in variables)
        query = f"mutation({declared}) {{ result: {mutation}({arguments}) {{ {ERRORS} }} }}"
        answer = await self.gateway.graphql(query, variables, as_=actor)
        assert "errors" not in answer, (mutation, answer)
        codes = {e["code"] for e in answer["data"]["result"]["userErrors"]}
        assert codes == (expect or set()), (mutation, answer["data"]["result"]["userErrors"])
        return answer["data"]["result"]

    async def do_once_ready(self, actor: dict, mutation: str, arguments: str, variables: dict | None = None) -> None:
        """Run a mutation that waits on another service's event: retry until it is accepted (or time out)."""
        async def accepted():
            try:
                await self.do(actor, mutation, arguments, variables)
                return True
            except AssertionError:
                return False

        await eventually(accepted, timeout=30)

    async def state(self, actor: dict = UNIT, query: str = STATE) -> dict | None:
        return (await self.gateway.graphql(query, {"id": self.id}, as_=actor))["data"]["project"]

    async def until(self, predicate, actor: dict = UNIT, timeout: float = 30, query: str = STATE) -> dict:
        async def check():
            state = await self.state(actor, query)
            return state if state and predicate(state) else None

        return await eventually(check, timeout=timeout)

    async def create(self, estimate: int, **extra) -> None:
        created = await self.gateway.graphql(CREATE, {"input": {
            "name": "Municipal data platform", "kind": "APPLICATION_SYSTEM_NEW", "investmentEstimate": estimate,
            "fundSources": [{"source": "FISCAL", "amount": estimate}], **extra}}, as_=UNIT)
        self.id = created["data"]["createProject"]["project"]["id"]

    async def dossier(self, dossier: dict) -> None:
        answer = await self.gateway.graphql(DOSSIER, {"id": self.id, "input": dossier}, as_=UNIT)
        assert answer["data"]["updateDossier"]["userErrors"] == [], answer

    async def technical_review(self, estimate: int, *, expect=None) -> None:
        for aspect in ASPECTS:
            await self.do(APPROVAL_BUREAU, "recordReviewFinding", "id: $id, aspect: $aspect, finding: $finding",
                          {"aspect": aspect, "finding": "meets the city's standards"})
        await self.do(APPROVAL_BUREAU, "concludeTechnicalReview",
                      "id: $id, opinion: $opinion, approvedEstimate: $amount",
                      {"opinion": "approved with minor changes", "amount": estimate}, expect=expect)

    async def budget_review(self, estimate: int, *, expect_report=None) -> int:
        """Finance approves five lines adding up to just under the estimate and issues the report."""
        await self.until(lambda s: s["budgetReview"] and s["budgetReview"]["status"] == "IN_REVIEW", FINANCE_BUREAU)
        share = estimate // 5
        for category in ("EQUIPMENT", "SYSTEM_INTEGRATION", "SUPERVISION", "THIRD_PARTY_TESTING", "OTHER"):
            await self.do(FINANCE_BUREAU, "setBudgetLine", "projectId: $id, category: $category, "
                          "requestedAmount: $amount, approvedAmount: $approved",
                          {"category": category, "amount": share, "approved": share - 100})
        await self.do(FINANCE_BUREAU, "issueBudgetReviewReport", "projectId: $id", expect=expect_report)
        return 5 * (share - 100)

    async def targets(self) -> None:
        await self.do(UNIT, "setPerformanceTargets", "id: $id, targets: $targets", {"targets": [
            {"indicator": "records shared per day", "target": "10,000"},
            {"indicator": "hospitals connected", "target": "12"}]})

    async def contract(self, total: int, vendor: str = "91430900MA4L000001", *, expect=None) -> None:
        await self.do(UNIT, "recordContract", "id: $id, input: $contract", {"contract": {
            "contractId": "HT-2026-017", "contractSum": total, "signedOn": "2026-06-01",
            "vendors": [{"vendorId": vendor, "name": "Xiangjiang Integration", "scope": "OVERALL_INTEGRATION"}]}},
            expect=expect)

    async def into_approved_plan(self, amount: int, jurisdiction: str = "CITY") -> None:
        """R-PLN-1, before construction starts: the project becomes an item of the approved construction plan of its
        jurisdiction for this year (see `put_in_approved_plan`)."""
        await put_in_approved_plan(self.gateway, self.id, amount, jurisdiction)

    async def test_reports(self, kinds: list[str]) -> None:
        for kind in kinds:
            await self.do(UNIT, "recordTestReport", "id: $id, input: $report", {"report": {
                "kind": kind, "tester": "Hunan Software Testing Center", "testerQualification": "CMA 2019-123",
                "reportNumber": f"T-{kind}", "issuedOn": "2026-10-01"}})

    async def acceptance(self, documents: list[str]) -> None:
        await self.do(UNIT, "passInitialAcceptance", "id: $id, reportReference: $reference",
                      {"reference": "initial acceptance minutes 2026-10-20"})
        await self.do(UNIT, "applyForCompletionAcceptance", "id: $id, documents: $documents",
                      {"documents": [{"kind": k, "reference": f"DOC-{k}"} for k in documents]})
        await self.do(APPROVAL_BUREAU, "passCompletionAcceptance", "id: $id")

    async def operation(self, *, expect=None) -> None:
        await self.do(UNIT, "startOperation", "id: $id, input: $operation", {"operation": {
            "omMonths": 36, "operatingOrganisation": "the unit's IT office", "omAnnualFunding": 30_000_000}},
            expect=expect)


PLAN = """query($jurisdiction: String!, $year: Int!) { constructionPlan(jurisdiction: $jurisdiction, year: $year) {
  versionInForce { items { projectId } } versions { status items { projectId } } } }"""
PLAN_TYPES = {"jurisdiction": "String!", "year": "Int!", "reason": "String!", "projectId": "ID!",
              "plannedAmount": "Fen!", "approvedOn": "Date!", "documentNumber": "String!"}


async def put_in_approved_plan(gateway: GatewayClient, project_id: str, amount: int, jurisdiction: str) -> None:
    """R-PLN-1 through the gateway, each department with its own token: the Approval Bureau drafts the year's plan
    (or an amendment of the approved one), puts the project in and submits it; the Leading Group passes it on; the
    city government approves it. Walks running side by side share the year's plan, so each takes whichever step the
    plan waits for, until its project is in the version in force (a step another walk took first is refused and
    the plan is read again)."""
    where = {"jurisdiction": jurisdiction, "year": budget_year(utc_now())}
    refusals: list = []

    def next_step(plan: dict | None) -> tuple[dict, str, dict]:
        latest = plan["versions"][-1] if plan else None
        if latest is None:
            return APPROVAL_BUREAU, "draftConstructionPlan", {}
        if latest["status"] == "APPROVED":
            return APPROVAL_BUREAU, "draftConstructionPlanAmendment", {"reason": "projects ready to build"}
        if latest["status"] == "DRAFT" and project_id not in [i["projectId"] for i in latest["items"]]:
            return APPROVAL_BUREAU, "addConstructionPlanItem", {"projectId": project_id, "plannedAmount": amount}
        if latest["status"] == "DRAFT":
            return APPROVAL_BUREAU, "submitConstructionPlanForReview", {}
        if latest["status"] == "SUBMITTED":
            return LEADING_GROUP, "passConstructionPlanReview", {}
        return CITY_GOVERNMENT, "approveConstructionPlan", {"approvedOn": china_date(utc_now()).isoformat(),
                                                            "documentNumber": "益政函〔2026〕12号"}

    async def in_force() -> bool:
        plan = (await gateway.graphql(PLAN, where, as_=APPROVAL_BUREAU))["data"]["constructionPlan"]
        if plan and plan["versionInForce"] and project_id in [i["projectId"] for i in plan["versionInForce"]["items"]]:
            return True
        actor, mutation, variables = next_step(plan)
        variables = {**where, **variables}
        declared = ", ".join(f"${name}: {PLAN_TYPES[name]}" for name in variables)
        arguments = ", ".join(f"{name}: ${name}" for name in variables)
        answer = await gateway.graphql(f"mutation({declared}) {{ r: {mutation}({arguments}) {{ {ERRORS} }} }}",
                                       variables, as_=actor)
        assert "errors" not in answer, (mutation, answer)
        refusals[:] = answer["data"]["r"]["userErrors"]
        return False

    try:
        await eventually(in_force, timeout=60)
    except AssertionError as timeout:
        raise AssertionError(f"not in the approved construction plan; last refusal: {refusals}") from timeout


TYPES = {"id": "ID!", "aspect": "ReviewAspect!", "finding": "String!", "opinion": "String!", "amount": "Fen!",
         "approved": "Fen!", "category": "BudgetLineCategory!", "contract": "ContractInput!", "report": "TestReportInput!",
         "reference": "String!", "documents": "[SubmittedDocumentInput!]!", "operation": "OperationInput!",
         "plan": "String!", "changeId": "String!", "level": "SecrecyLevel!", "vendor": "VendorQualificationInput!",
         "evaluation": "GradedProtectionEvaluationInput!", "supervision": "SupervisionInput!", "kind": "InfrastructureKind!",
         "reason": "String!", "targets": "[PerformanceTargetInput!]!", "year": "Int!", "text": "String!"}


async def walk_an_ordinary_project(gateway: GatewayClient) -> Walk:
    walk = Walk(gateway)
    estimate = 5_000_000_00
    await walk.create(estimate)
    await walk.dossier(complete_dossier(estimate))
    await walk.do(UNIT, "submitProject", "id: $id")
    await walk.do(APPROVAL_BUREAU, "approveProject", "id: $id")
    await walk.technical_review(estimate - 20_000_000)
    budget = await walk.budget_review(estimate - 20_000_000)
    await walk.until(lambda s: s["status"] == "BUDGET_REVIEW_PASSED")
    await walk.contract(budget, expect={"R-PER-1"})  # targets are set with the budget, before procurement
    await walk.targets()
    await walk.contract(budget + 1, expect={"R-IMP-1"})
    await walk.contract(budget)
    await walk.do(UNIT, "startConstruction", "id: $id", expect={"R-PLN-1"})  # not in the approved plan yet
    await walk.into_approved_plan(budget)
    await walk.do(UNIT, "startConstruction", "id: $id")
    await walk.do(UNIT, "requestChange", "id: $id, plan: $plan", {"plan": "add an appointment module"})
    changes = (await gateway.graphql("query($id: ID!) { project(id: $id) { changes { changeId status } } }",
                                     {"id": walk.id}, as_=UNIT))["data"]["project"]["changes"]
    await walk.test_reports(["CUSTOM_SOFTWARE"])
    await walk.do(UNIT, "passInitialAcceptance", "id: $id, reportReference: $reference", {"reference": "minutes"})
    documents = {"documents": [{"kind": k, "reference": f"DOC-{k}"} for k in ALL_DOCUMENTS]}
    # R-IMP-3: the change plan still awaiting the bureau's decision blocks the application until it is decided.
    await walk.do(UNIT, "applyForCompletionAcceptance", "id: $id, documents: $documents", documents,
                  expect={"R-IMP-3"})
    await walk.do(APPROVAL_BUREAU, "approveChange", "id: $id, changeId: $changeId",
                  {"changeId": changes[0]["changeId"]})
    await walk.do(UNIT, "applyForCompletionAcceptance", "id: $id, documents: $documents", documents)
    await walk.do(APPROVAL_BUREAU, "passCompletionAcceptance", "id: $id")
    accepted = await walk.until(lambda s: s["auditRegister"] and s["auditRegister"]["acceptedAt"], AUDIT_BUREAU)
    assert accepted["status"] == "ACCEPTED" and accepted["auditRegister"]["investment"] == estimate - 20_000_000
    await walk.operation()
    # R-PER-2: a missed target is rectified before the bureau's experts are satisfied.
    await walk.do(UNIT, "fileSelfEvaluation", "id: $id, year: $year, report: $text, claimsTargetsMet: true",
                  {"year": 2027, "text": "self-evaluation 2027"})
    await walk.do(APPROVAL_BUREAU, "reviewPerformance", "id: $id, year: $year, targetsMet: false, opinion: $opinion",
                  {"year": 2027, "opinion": "three hospitals are not connected"})
    await walk.do(UNIT, "reportRectification", "id: $id, year: $year, report: $text",
                  {"year": 2027, "text": "connected the last three hospitals"})
    await walk.do(APPROVAL_BUREAU, "confirmRectification", "id: $id, year: $year", {"year": 2027})
    final = await walk.state()
    assert final["status"] == "IN_OPERATION" and final["approvedBudget"] == budget
    assert final["budgetReview"] == {"status": "REPORTED", "approvedBudget": budget}
    transitions = [(h["action"], h["department"]) for h in final["history"] if h["fromStatus"] != h["toStatus"]]
    assert transitions == [
        ("CREATE", "CONSTRUCTION_UNIT"), ("SUBMIT", "CONSTRUCTION_UNIT"), ("APPROVE", "APPROVAL_BUREAU"),
        ("CONCLUDE_TECHNICAL_REVIEW", "APPROVAL_BUREAU"), ("RECORD_BUDGET_REVIEW", "FINANCE_BUREAU"),
        ("RECORD_CONTRACT", "CONSTRUCTION_UNIT"), ("START_CONSTRUCTION", "CONSTRUCTION_UNIT"),
        ("PASS_INITIAL_ACCEPTANCE", "CONSTRUCTION_UNIT"), ("APPLY_FOR_COMPLETION_ACCEPTANCE", "CONSTRUCTION_UNIT"),
        ("PASS_COMPLETION_ACCEPTANCE", "APPROVAL_BUREAU"), ("START_OPERATION", "CONSTRUCTION_UNIT")]
    assert await walk.state(OTHER_UNIT) is None  # another unit sees nothing of it
    return walk


async def walk_a_classified_major_cross_year_project(gateway: GatewayClient) -> Walk:
    """R-REV-3, R-IMP-2, R-IMP-4, R-ACC-2, R-ACC-5, R-APP-3, R-GEN-2 on one project, through every bureau."""
    walk = Walk(gateway)
    estimate = 30_000_000_00
    await walk.create(estimate, declaredClassified=True, cityDecided=True)
    plan = [{"year": 2026, "amount": 10_000_000_00}, {"year": 2027, "amount": 20_000_000_00},
            {"year": 2028, "amount": 0}]
    await walk.dossier({**complete_dossier(estimate), "crossYear": True, "yearlyPlan": plan,
                        "infrastructureRequests": [{"kind": "MACHINE_ROOM", "justification": "shielded room"}]})
    await walk.do(UNIT, "submitProject", "id: $id", expect={"R-GEN-2"})
    await walk.do(APPROVAL_BUREAU, "recordInfrastructureExemption", "id: $id, kind: $kind, reason: $reason",
                  {"kind": "MACHINE_ROOM", "reason": "classified system under 分级保护 may not use the shared cloud"})
    await walk.do(UNIT, "submitProject", "id: $id")
    await walk.until(lambda s: s["classification"], SECRECY_BUREAU)  # the declaration reached the secrecy service
    await walk.do(SECRECY_BUREAU, "confirmClassification", "projectId: $id, level: $level", {"level": "SECRET"})
    await walk.do(APPROVAL_BUREAU, "approveProject", "id: $id")
    await walk.technical_review(estimate, expect={"R-REV-3"})  # the secrecy review has not passed
    await walk.until(lambda s: s["classification"]["status"] != "DECLARED", SECRECY_BUREAU)  # the secrecy review has not passed
    await walk.do_once_ready(SECRECY_BUREAU, "passSecrecyReview", "projectId: $id, opinion: $opinion",
                             {"opinion": "secrecy measures adequate"})  # once the review case has opened
    await walk.until(lambda s: s["secrecyReviewPassed"], APPROVAL_BUREAU)
    await walk.do(APPROVAL_BUREAU, "concludeTechnicalReview", "id: $id, opinion: $opinion, approvedEstimate: $amount",
                  {"opinion": "approved", "amount": estimate})
    budget = await walk.budget_review(estimate)
    await walk.until(lambda s: s["status"] == "BUDGET_REVIEW_PASSED")
    await walk.targets()
    await walk.contract(budget, expect={"R-IMP-2"})  # the vendor holds no classified-integration qualification
    vendor = {"vendorId": "91430900MA4L000001", "vendorName": "Xiangjiang Integration", "certificateNumber": "BM-2025-1",
              "grade": "A", "scopes": ["OVERALL_INTEGRATION", "SOFTWARE_DEVELOPMENT"], "validFrom": "2025-01-01",
              "validUntil": "2029-12-31"}
    answer = await gateway.graphql("mutation($vendor: VendorQualificationInput!) { registerVendorQualification("
                                   f"input: $vendor) {{ {ERRORS} }} }}", {"vendor": vendor}, as_=SECRECY_BUREAU)
    assert answer["data"]["registerVendorQualification"]["userErrors"] == [], answer

    async def contract_signed():
        answer = await gateway.graphql(
            "mutation($id: ID!, $contract: ContractInput!) { recordContract(id: $id, input: $contract) "
            f"{{ {ERRORS} }} }}", {"id": walk.id, "contract": {
                "contractId": "HT-2026-018", "contractSum": budget, "signedOn": "2026-06-01",
                "vendors": [{"vendorId": vendor["vendorId"], "name": "Xiangjiang Integration",
                             "scope": "OVERALL_INTEGRATION"}]}}, as_=UNIT)
        return answer["data"]["recordContract"]["userErrors"] == []

    await eventually(contract_signed)  # once the qualification's event has reached the approval service
    await walk.into_approved_plan(10_000_000_00)  # this year's share of the cross-year project
    await walk.do(UNIT, "startConstruction", "id: $id", expect={"R-IMP-4"})  # a major project needs supervision
    await walk.do(UNIT, "recordSupervision", "id: $id, input: $supervision", {"supervision": {
        "company": "Dongting Supervision Co", "companyQualificationNumber": "JL-A-001", "leadName": "Li Wei",
        "leadCertificateNumber": "ZS-2020-88"}})
    await walk.do(UNIT, "startConstruction", "id: $id")
    await walk.test_reports(["CUSTOM_SOFTWARE", "SOURCE_CODE", "DATABASE_SYSTEM", "NETWORK_SECURITY_AND_SECRECY"])
    await walk.acceptance(ALL_DOCUMENTS)
    await walk.until(lambda s: s["status"] == "ACCEPTED")
    await walk.operation(expect={"R-ACC-5"})  # no review before use yet
    # The Secrecy Bureau opens the review before use when approval's "accepted" event reaches it: eventually.
    await walk.until(lambda s: s["preUseReview"] is not None, actor=SECRECY_BUREAU, query=PRE_USE)
    evaluation = {"evaluator": "Hunan Classified Systems Evaluation Center", "reportNumber": "FB-2026-09",
                  "evaluatedOn": "2026-11-01", "conclusion": "PASSED", "findings": []}
    await walk.do(SECRECY_BUREAU, "recordGradedProtectionEvaluation", "projectId: $id, input: $evaluation",
                  {"evaluation": evaluation})
    await walk.do(SECRECY_BUREAU, "approvePreUse", "projectId: $id")
    await walk.until(lambda s: s["preUseApproved"])
    await walk.operation()
    final = await walk.state()
    assert final["status"] == "IN_OPERATION" and final["classified"] is True
    assert final["classification"]["level"] == "SECRET"
    assert final["auditRegister"]["inCertaintyScope"] is True  # R-AUD-1: 30M yuan
    for outsider in (OTHER_UNIT, None):
        assert await walk.state(outsider) is None  # R-SEC-2, in every subgraph
    return walk
