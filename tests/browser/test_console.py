"""The console in a browser: one project through its whole lifecycle, each step at the screen of the department
that takes it; a refusal shown at the field it names; the public pages show a published project and never a
classified one; a decision by another bureau appears without reloading. Screenshots of each main screen are saved."""
from __future__ import annotations

import datetime as dt
import os
import shutil

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.console import Clerk, project_id_from
from tests.e2e.conftest import ROOT

UNIT = ("CONSTRUCTION_UNIT", "city-health-commission")
APPROVAL = ("APPROVAL_BUREAU", "yiyang-approval-bureau")
FINANCE = ("FINANCE_BUREAU", "yiyang-finance-bureau")
SECRECY = ("SECRECY_BUREAU", "yiyang-secrecy-bureau")
AUDIT = ("AUDIT_BUREAU", "yiyang-audit-bureau")
LEADING_GROUP = ("LEADING_GROUP", "smart-city-leading-group")
CITY_GOVERNMENT = ("CITY_GOVERNMENT", "yiyang-city-government")
NAME = "市民健康档案共享平台"
SECRET_NAME = "机密指挥调度网"
YEAR = str(dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).year)
TODAY = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date().isoformat()
ASPECTS = ["CONSTRUCTION_GOALS", "SITE", "FUNCTIONAL_REQUIREMENTS", "TECHNICAL_APPROACH", "SHARING_PLAN",
           "EQUIPMENT_SELECTION", "INVESTMENT_ESTIMATE"]
DOCUMENTS = ["APPROVAL_DOCUMENTS", "IMPLEMENTATION_PLAN", "COMPLETION_REPORT", "SUPERVISION_REPORT",
             "TRIAL_OPERATION_AND_INITIAL_ACCEPTANCE_REPORT", "USER_TRAINING_REPORT",
             "NETWORK_AND_SYSTEM_TEST_REPORTS", "SECURITY_ANALYSIS_REPORT"]


@pytest.fixture(scope="module")
def clerks(browser, console_url, artifacts):
    opened: dict[tuple, Clerk] = {}

    def clerk(who: tuple[str, str]) -> Clerk:
        if who not in opened:
            opened[who] = Clerk(browser, console_url, artifacts, *who)
        return opened[who]

    yield clerk
    for one in opened.values():
        one.close()


def wait_status(clerk: Clerk, project_id: str, status: str, timeout: float = 30_000) -> None:
    """The project page shows `status`, after reloading it if an event has not refreshed it yet."""
    page = clerk.project(project_id)
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", status, timeout=timeout)


def test_R_APP_1_a_refusal_is_shown_at_the_field_it_names(clerks):
    unit = clerks(UNIT)
    unit.new_project()
    form = unit.act("createProject", {
        "input.name": "字段错误演示", "input.kind": "APPLICATION_SYSTEM_NEW", "input.investmentEstimate": "1000000",
        "input.fundSources.0.source": "FISCAL", "input.fundSources.0.amount": "0"}, expect_outcome="refused")
    amount = form.locator('[data-field="input.fundSources.0.amount"]')
    expect(amount.locator(".ant-form-item-explain-error")).to_contain_text("R-APP-1")
    expect(form.locator('[data-field="input.name"] .ant-form-item-explain-error')).to_have_count(0)
    unit.shot("field-error")


def test_one_project_through_its_whole_lifecycle_each_step_at_its_department(clerks, console_url):
    unit, approval, finance = clerks(UNIT), clerks(APPROVAL), clerks(FINANCE)
    unit.page.goto(f"{console_url}/console/#/signin")
    unit.shot("sign-in")
    # The unit drafts the project (5,000,000 yuan), fills the dossier step by step and submits it.
    unit.new_project()
    unit.act("createProject", {
        "input.name": NAME, "input.kind": "APPLICATION_SYSTEM_NEW", "input.investmentEstimate": "5,000,000",
        "input.fundSources.0.source": "FISCAL", "input.fundSources.0.amount": "5000000"})
    expect(unit.page.get_by_test_id("project-page")).to_be_visible()
    project = project_id_from(unit.page)
    unit.page.get_by_role("tab", name="申报材料", exact=True).click()
    dossier = unit.page.get_by_test_id("dossier-form")
    # R-APP-1: what the submission still lacks is shown at the dossier's fields before anything is sent.
    expect(dossier.locator('[data-field="input.feasibilityStudy.kind"] .ant-form-item-explain-error')).to_contain_text("R-APP-1")
    unit.shot("dossier")
    steps = dossier.locator(".ant-steps-item")
    unit.act("updateDossier", {
        "input.feasibilityStudy.kind": "FEASIBILITY_STUDY", "input.feasibilityStudy.reference": "YY-FS-2026-07",
        "input.feasibilityStudy.constructionContent": "全市健康档案共享", "input.feasibilityStudy.investmentEstimate": "5000000"})
    steps.nth(1).click()
    unit.act("updateDossier", {
        "input.preliminaryDesign.constructionContent": "依托市政务云建设", "input.preliminaryDesign.implementationApproach": "分期实施",
        "input.preliminaryDesign.sharingPlan": "与医院共享档案", "input.preliminaryDesign.functionalRequirements": "检索、调阅",
        "input.preliminaryDesign.equipmentSelection": "不新购设备"})
    steps.nth(2).click()
    unit.act("updateDossier", {
        "input.dataSharing.analysisChapter": "第七章", "input.dataSharing.joinsSharingPlatform": True,
        "input.dataSharing.feedbackChannel": "共享平台工单", "input.dataSharing.catalog.0.name": "健康档案",
        "input.dataSharing.catalog.0.sharingClass": "CONDITIONAL", "input.dataSharing.catalog.0.sharingConditions": "经治医师"},
        rows={"input.dataSharing.catalog": 1})
    steps.last.click()
    unit.act("updateDossier", {"input.deliverables.customSoftware": True, "input.deliverables.hardwareOrMatureSoftware": False})
    expect(unit.page.get_by_test_id("submission-problems")).to_contain_text("材料齐全")
    unit.act("submitProject")
    expect(unit.page.get_by_test_id("status")).to_have_text("已提交")

    # The Approval Bureau finds it in its work queue, oldest first, and approves it; the unit's open page follows
    # without a reload (the subscription).
    approval.screen("work", "work-queue")
    expect(approval.page.get_by_test_id("work-queue")).to_contain_text(NAME)
    approval.shot("work-queue")
    approval.page.get_by_test_id("work-queue").get_by_text(NAME).click()
    expect(approval.page.get_by_test_id("project-page")).to_be_visible()
    approval.act("approveProject")
    expect(unit.page.get_by_test_id("status")).to_have_text("已立项", timeout=10_000)  # live, no reload
    for aspect in ASPECTS:
        approval.act("recordReviewFinding", {"aspect": aspect, "finding": "符合要求"})
    approval.act("concludeTechnicalReview", {"opinion": "同意", "approvedEstimate": "4,800,000"})
    approval.shot("project-approval")

    # Finance reviews the budget line by line and issues its report.
    wait_status(finance, project, "TECHNICAL_REVIEW_PASSED")
    finance.screen("finance", "budget-reviews")
    finance.shot("finance")
    finance.project(project)
    for category in ("EQUIPMENT", "SYSTEM_INTEGRATION", "SUPERVISION", "THIRD_PARTY_TESTING", "OTHER"):
        finance.act("setBudgetLine", {"category": category, "requestedAmount": "960000", "approvedAmount": "950000"})
    finance.act("issueBudgetReviewReport")

    # The unit sets its performance targets and records the contract.
    wait_status(unit, project, "BUDGET_REVIEW_PASSED")
    unit.act("setPerformanceTargets", {"targets.0.indicator": "日均共享档案数", "targets.0.target": "10000"})
    unit.act("recordContract", {
        "input.contractId": "HT-2026-017", "input.contractSum": "4750000", "input.signedOn": TODAY,
        "input.vendors.0.vendorId": "91430900MA4L000001", "input.vendors.0.name": "湘江集成", "input.vendors.0.scope": "OVERALL_INTEGRATION"})

    # R-PLN-1: the Approval Bureau drafts the year's construction plan with the project, the Leading Group reviews it,
    # the city government approves it.
    approval.screen("plans", "construction-plans")
    approval.act("draftConstructionPlan", {"jurisdiction": "CITY", "year": YEAR})
    approval.project(project)
    approval.act("addConstructionPlanItem", {"jurisdiction": "CITY", "year": YEAR, "plannedAmount": "4750000"})
    approval.screen("plans", "construction-plans")
    approval.act("submitConstructionPlanForReview", {"jurisdiction": "CITY", "year": YEAR})
    leading = clerks(LEADING_GROUP)
    leading.screen("plans", "construction-plans")
    leading.act("passConstructionPlanReview", {"jurisdiction": "CITY", "year": YEAR, "opinion": "同意"})
    city = clerks(CITY_GOVERNMENT)
    city.screen("plans", "construction-plans")
    city.act("approveConstructionPlan", {"jurisdiction": "CITY", "year": YEAR, "approvedOn": TODAY, "documentNumber": "益政函〔2026〕12号"})
    city.shot("plans")

    # Construction, a change, tests and acceptance.
    unit.project(project)
    unit.act("startConstruction")
    unit.act("requestChange", {"plan": "增加预约挂号模块"})
    unit.page.get_by_role("tab", name="审计 / 保密", exact=True).click()
    change_id = unit.page.locator("[data-change-id]").first.get_attribute("data-change-id")
    approval.project(project)
    approval.act("approveChange", {"changeId": change_id})
    unit.project(project)
    unit.act("recordTestReport", {"input.kind": "CUSTOM_SOFTWARE", "input.tester": "湖南省软件测评中心",
                                  "input.testerQualification": "CMA 2019-123", "input.reportNumber": "T-001", "input.issuedOn": TODAY})
    unit.act("passInitialAcceptance", {"reportReference": "初验纪要"})
    unit.act("applyForCompletionAcceptance", {f"documents.{i}.{k}": v for i, kind in enumerate(DOCUMENTS)
                                              for k, v in (("kind", kind), ("reference", f"DOC-{i}"))},
             rows={"documents": len(DOCUMENTS)})
    approval.project(project)
    approval.act("passCompletionAcceptance")

    # Money: a yearly allocation, the special-fund plan signed by Finance and the Approval Bureau and passed by the
    # Leading Group, then a payment with the balance shown.
    finance.project(project)
    finance.act("setFundAllocation", {"input.year": YEAR, "input.amount": "1000000", "input.progressNote": "设备已采购"})
    finance.screen("finance", "budget-reviews")
    finance.act("draftSpecialFundPlan", {"jurisdiction": "CITY", "year": YEAR})
    finance.act("signSpecialFundPlan", {"jurisdiction": "CITY", "year": YEAR})
    approval.screen("plans", "construction-plans")
    approval.act("signSpecialFundPlan", {"jurisdiction": "CITY", "year": YEAR})
    leading.screen("plans", "construction-plans")
    leading.act("reviewSpecialFundPlan", {"jurisdiction": "CITY", "year": YEAR, "approve": True})
    finance.project(project)
    finance.act("makePayment", {"input.kind": "CONSTRUCTION", "input.tranche": "进度款", "input.purpose": "服务器",
                                "input.amount": "300,000.50"})
    finance.page.get_by_role("tab", name="资金", exact=True).click()
    expect(finance.page.get_by_test_id("balance")).to_contain_text("¥300,000.50")
    finance.shot("project-money")

    # Operation and performance.
    unit.project(project)
    unit.act("startOperation", {"input.omMonths": "36", "input.operatingOrganisation": "信息科", "input.omAnnualFunding": "300000"})
    unit.act("fileSelfEvaluation", {"year": str(int(YEAR) + 1), "report": "年度自评", "claimsTargetsMet": True})
    approval.project(project)
    approval.act("reviewPerformance", {"year": str(int(YEAR) + 1), "targetsMet": True, "opinion": "达到目标"})
    wait_status(unit, project, "IN_OPERATION")
    expect(unit.page.get_by_test_id("timeline")).to_contain_text("市财政局")
    unit.shot("project-lifecycle")
    if os.environ.get("EGOV_UPDATE_SCREENSHOT") == "1":  # the README's picture, then review and commit it
        shutil.copy(unit.artifacts / "project-lifecycle.png", ROOT / "docs" / "console.png")

    # The public sees the project on its pages, and the open data.
    page = unit.context.browser.new_page()
    page.goto(f"{console_url}/console/#/public")
    expect(page.get_by_test_id("published")).to_contain_text(NAME)
    page.get_by_test_id("published").get_by_text(NAME).click()
    expect(page.get_by_test_id("published-project")).to_contain_text("湘江集成")
    page.screenshot(path=str(unit.artifacts / "public-project.png"), full_page=True)
    page.close()


def test_R_SEC_2_the_public_pages_never_show_a_classified_project(clerks, browser, console_url, artifacts):
    def token(department, unit, parents=()):
        answer = httpx.post(f"{console_url}/dev/sign-in", json={"department": department, "unit": unit,
                                                                 "parentUnits": list(parents)})
        return answer.json()["token"]

    def graphql(who, query, variables):
        answer = httpx.post(f"{console_url}/graphql", json={"query": query, "variables": variables},
                            headers={"authorization": f"Bearer {who}"}, timeout=30).json()
        assert "errors" not in answer, answer
        return answer["data"]

    unit = token(*UNIT, ["city-government"])
    created = graphql(unit, "mutation($i: CreateProjectInput!) { createProject(input: $i) { project { id } } }", {"i": {
        "name": SECRET_NAME, "kind": "NETWORK_AND_INFORMATION_SECURITY", "declaredClassified": True,
        "investmentEstimate": 100_000_000, "fundSources": [{"source": "FISCAL", "amount": 100_000_000}]}})
    secret_id = created["createProject"]["project"]["id"]
    secrecy = clerks(SECRECY)
    secrecy.screen("secrecy", "vendors")
    secrecy.shot("secrecy")
    audit = clerks(AUDIT)
    audit.screen("audit", "audit-plans")
    audit.shot("audit")
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    page.goto(f"{console_url}/console/#/public")
    expect(page.get_by_test_id("published")).to_be_visible()
    page.wait_for_timeout(1000)
    assert SECRET_NAME not in page.content()
    page.screenshot(path=str(artifacts / "public.png"), full_page=True)
    page.goto(f"{console_url}/console/#/public/{secret_id}")
    page.wait_for_timeout(1000)
    assert SECRET_NAME not in page.content()
    page.close()


def test_graphiql_is_served_offline_from_the_build_with_the_consoles_token(browser, console_url, artifacts):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{console_url}/console/#/signin")
    page.get_by_test_id("sign-in-APPROVAL_BUREAU-yiyang-approval-bureau").click()
    expect(page.get_by_test_id("identity")).to_be_visible()
    page.goto(f"{console_url}/graphql")
    expect(page.locator(".graphiql-container")).to_be_visible(timeout=20_000)
    expect(page.locator(".graphiql-query-editor")).to_contain_text("市行政审批服务局")
    page.locator(".graphiql-execute-button").click()
    expect(page.locator(".graphiql-response")).to_contain_text("publishedProjects", timeout=20_000)
    page.screenshot(path=str(artifacts / "graphiql.png"))
    assert all(url.startswith(console_url) for url in requests), [u for u in requests if not u.startswith(console_url)]
    assert not any("token" in url.lower() or "eyJ" in url for url in requests)
    context.close()


def test_R_APP_2_a_rejected_project_is_revised_resubmitted_and_approved(clerks, console_url):
    from tests.browser.console import submitted_project

    name, reason = "社区养老服务信息平台", "可行性研究报告未说明与市政务云的衔接"
    project = submitted_project(console_url, name)
    unit, approval = clerks(UNIT), clerks(APPROVAL)
    # The Approval Bureau rejects it, giving its reason.
    approval.project(project)
    approval.act("rejectProject", {"reasons": [reason]})
    expect(approval.page.get_by_test_id("status")).to_have_attribute("data-status", "REJECTED")
    # The unit finds the rejection waiting in its work queue and the reason on the project page.
    unit.screen("work", "work-queue")
    unit.page.get_by_test_id("work-queue").get_by_text(name).click()
    page = unit.page
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", "REJECTED")
    refusal = page.get_by_test_id("refusal")
    expect(refusal).to_have_attribute("data-kind", "REJECTED")
    expect(refusal).to_contain_text(reason)
    expect(refusal).to_contain_text("市行政审批服务局")
    expect(page.locator('[data-testid="lifecycle"] .ant-steps-item-error')).to_contain_text("退回")
    unit.shot("project-rejected")
    # It takes the project back, revises the feasibility study the reason names, and submits it again.
    unit.act("reviseProject")
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", "DRAFT")
    expect(refusal).to_have_count(0)
    page.get_by_role("tab", name="申报材料", exact=True).click()
    unit.act("updateDossier", {
        "input.feasibilityStudy.kind": "FEASIBILITY_STUDY", "input.feasibilityStudy.reference": "YY-FS-2026-07 修订版",
        "input.feasibilityStudy.constructionContent": "依托市政务云部署，与市政务云共享平台对接",
        "input.feasibilityStudy.investmentEstimate": "3000000"})
    expect(page.get_by_test_id("submission-problems")).to_contain_text("材料齐全")
    unit.act("submitProject")
    expect(page.get_by_test_id("status")).to_have_attribute("data-status", "SUBMITTED")
    # The Approval Bureau approves the revised project; the unit's page follows, the rejection kept in its history.
    approval.project(project)
    approval.act("approveProject")
    approval.page.get_by_role("tab", name="申报材料", exact=True).click()
    expect(approval.page.get_by_role("tabpanel", name="申报材料")).to_contain_text("与市政务云共享平台对接")  # the revised dossier
    wait_status(unit, project, "APPROVED")
    expect(unit.page.get_by_test_id("timeline")).to_contain_text(reason)


def test_R_ACC_4_a_refused_completion_acceptance_is_answered_by_the_unit(clerks, console_url):
    from tests.browser.console import project_past_initial_acceptance

    name, reason = "智慧停车诱导系统", "用户培训报告未经使用科室签字确认"
    project = project_past_initial_acceptance(console_url, name)
    unit, approval = clerks(UNIT), clerks(APPROVAL)
    documents = [kind for kind in DOCUMENTS if kind not in ("SUPERVISION_REPORT", "USER_TRAINING_REPORT")]
    rows = {f"documents.{i}.{k}": v for i, kind in enumerate(documents)
            for k, v in (("kind", kind), ("reference", f"DOC-{kind}"))}
    # The unit applies without its user-training report: refused (R-ACC-4) at the list of documents, by name.
    unit.project(project)
    # Another project's page starts afresh: not on the tab, nor with the entries, the last project's page was left with.
    expect(unit.page.get_by_role("tab", name="概况", exact=True)).to_have_attribute("aria-selected", "true")
    form = unit.act("applyForCompletionAcceptance", rows, rows={"documents": len(documents)}, expect_outcome="refused")
    listed = form.locator('[data-field="documents"] .ant-form-item-explain-error')
    expect(listed).to_contain_text("R-ACC-4")
    expect(listed).to_contain_text("user training report")
    expect(form.get_by_test_id("action-errors")).to_have_count(0)  # shown at its field, not in general
    unit.shot("acceptance-application-refused")
    # It adds the report to the same form and applies again.
    last = len(documents)
    unit.act("applyForCompletionAcceptance", {f"documents.{last}.kind": "USER_TRAINING_REPORT",
                                              f"documents.{last}.reference": "DOC-USER_TRAINING_REPORT"},
             rows={"documents": last + 1})
    expect(listed).to_have_count(0)
    expect(unit.page.get_by_test_id("status")).to_have_attribute("data-status", "COMPLETION_ACCEPTANCE_REQUESTED")
    # The Approval Bureau refuses completion acceptance, with its reason.
    approval.project(project)
    approval.act("refuseCompletionAcceptance", {"reasons": [reason]})
    # The unit sees the refusal and its reason, answers it with a signed report and applies again; the bureau passes.
    wait_status(unit, project, "INITIAL_ACCEPTANCE_PASSED")
    refusal = unit.page.get_by_test_id("refusal")
    expect(refusal).to_have_attribute("data-kind", "ACCEPTANCE_REFUSED")
    expect(refusal).to_contain_text(reason)
    unit.shot("acceptance-refused")
    answered = {**rows, f"documents.{last}.kind": "USER_TRAINING_REPORT",
                f"documents.{last}.reference": "DOC-USER_TRAINING_REPORT 签字版"}
    unit.act("applyForCompletionAcceptance", answered, rows={"documents": last + 1})
    expect(refusal).to_have_count(0)
    approval.project(project)
    approval.act("passCompletionAcceptance")
    wait_status(unit, project, "ACCEPTED")
    expect(unit.page.get_by_test_id("timeline")).to_contain_text(reason)


def test_R_AUD_2_the_audit_bureau_recomputes_its_revealed_draw_in_the_browser(clerks, console_url):
    """The year's draw committed and revealed, the Audit Bureau's screen recomputes the published document in the
    browser and finds it matches. The frame needs an accepted project: the lifecycle test above walks one."""
    from services.audit.domain.sampling.commitment import seed_commitment

    token = httpx.post(f"{console_url}/dev/sign-in", json={"department": AUDIT[0], "unit": AUDIT[1],
                                                            "parentUnits": []}).json()["token"]

    def graphql(query, variables):
        answer = httpx.post(f"{console_url}/graphql", json={"query": query, "variables": variables},
                            headers={"authorization": f"Bearer {token}"}, timeout=30).json()
        assert "errors" not in answer, answer
        return answer["data"]

    seed = "1618033988749894848204586834365638117720"
    committed = graphql("mutation($i: CommitAuditDrawInput!) { commitAuditDraw(input: $i) { auditPlan { id } "
                        "userErrors { code field message } } }",
                        {"i": {"jurisdiction": "CITY", "year": int(YEAR), "proportion": "1", "method": "SRS",
                               "stratifyBy": "NONE", "seedCommitment": seed_commitment(seed)}})["commitAuditDraw"]
    if any("frame" in error["message"] and "empty" in error["message"] for error in committed["userErrors"]):
        pytest.skip("no accepted project to draw from: run with the lifecycle test")
    assert committed["userErrors"] == [], committed
    revealed = graphql("mutation($p: ID!, $s: String!) { revealAuditDraw(planId: $p, seed: $s) { userErrors { code } } }",
                       {"p": committed["auditPlan"]["id"], "s": seed})
    assert revealed["revealAuditDraw"]["userErrors"] == [], revealed
    audit = clerks(AUDIT)
    page = audit.screen("audit", "draw-recompute")
    page.get_by_test_id("recompute-draw").click()
    expect(page.get_by_test_id("draw-verdict")).to_have_attribute("data-verdict", "matches")
    expect(page.get_by_test_id("draw-verdict")).to_contain_text("与公布的抽样一致")
    selection = page.get_by_test_id("draw-selection")
    expect(selection.locator('tr[data-match="true"]').first).to_be_visible()
    expect(selection.locator('tr[data-match="false"]')).to_have_count(0)
    audit.shot("audit-recompute")
