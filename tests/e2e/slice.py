"""The skeleton slice, walked through the gateway by each department with its own token."""
from __future__ import annotations

import httpx

from tests.conftest import eventually

CREATE = """
mutation Create($input: CreateProjectInput!) {
  createProject(input: $input) { project { id code status } userErrors { code field message } }
}"""
DOSSIER = """
mutation($id: ID!, $input: DossierInput!) {
  updateDossier(id: $id, input: $input) { project { submissionProblems { code } } userErrors { code field message } }
}"""


def complete_dossier(estimate: int) -> dict:
    """A dossier that R-APP-1, R-GEN-2, R-GEN-3 accept."""
    return {
        "feasibilityStudy": {"kind": "FEASIBILITY_STUDY", "reference": "YY-FS-2026-07",
                             "constructionContent": "shared health records", "investmentEstimate": estimate},
        "preliminaryDesign": {"constructionContent": "platform on the city cloud", "implementationApproach": "agile",
                              "sharingPlan": "records shared with hospitals", "functionalRequirements": "search",
                              "equipmentSelection": "none"},
        "dataSharing": {"analysisChapter": "chapter 7", "joinsSharingPlatform": True,
                        "feedbackChannel": "sharing-platform tickets",
                        "catalog": [{"name": "health records", "sharingClass": "CONDITIONAL",
                                     "sharingConditions": "treating physicians"},
                                    {"name": "clinic directory", "sharingClass": "UNCONDITIONAL"}]},
        "deliverables": {"customSoftware": True, "hardwareOrMatureSoftware": False},
    }


SUBMIT = "mutation($id: ID!) { submitProject(id: $id) { project { status } userErrors { code field message } } }"
APPROVE = "mutation($id: ID!) { approveProject(id: $id) { project { status } userErrors { code field message } } }"
PROJECT = """
query($id: ID!) {
  project(id: $id) {
    name status
    budgetReview { status }
    auditRegister { investment inCertaintyScope }
    classification { declaredClassified status }
  }
}"""


class GatewayClient:
    def __init__(self, client: httpx.AsyncClient, mint, subgraphs: dict[str, str] | None = None):
        self.client = client
        self.mint = mint
        self.subgraphs = subgraphs or {}  # each service's own /graphql, to check it trusts nobody more directly

    async def graphql(self, query: str, variables: dict | None = None, *, as_: dict | None = None,
                      url: str = "/graphql") -> dict:
        headers = {"authorization": f"Bearer {self.mint(**as_)}"} if as_ else {}
        response = await self.client.post(url, json={"query": query, "variables": variables or {}},
                                          headers=headers)
        assert response.status_code == 200, response.text
        return response.json()


UNIT = {"department": "CONSTRUCTION_UNIT", "unit": "city-health-commission", "parent_units": ["city-government"]}
OTHER_UNIT = {"department": "CONSTRUCTION_UNIT", "unit": "city-education-bureau"}
APPROVAL_BUREAU = {"department": "APPROVAL_BUREAU", "unit": "yiyang-approval-bureau"}
FINANCE_BUREAU = {"department": "FINANCE_BUREAU", "unit": "yiyang-finance-bureau"}


async def walk_the_skeleton(gateway: GatewayClient) -> dict:
    """Submit, approve, and read one project whose fields come from every subgraph. Returns the final project."""
    created = await gateway.graphql(CREATE, {"input": {
        "name": "Citizen health record sharing platform", "kind": "APPLICATION_SYSTEM_NEW", "jurisdiction": "CITY",
        "investmentEstimate": 2_500_000_000,
        "fundSources": [{"source": "FISCAL", "amount": 2_000_000_000}, {"source": "SELF_RAISED", "amount": 500_000_000}],
    }}, as_=UNIT)
    assert created.get("errors") is None, created
    payload = created["data"]["createProject"]
    assert payload["userErrors"] == [] and payload["project"]["status"] == "DRAFT"
    project_id = payload["project"]["id"]
    assert payload["project"]["code"].startswith("CITY-")

    refused = await gateway.graphql(SUBMIT, {"id": project_id}, as_=UNIT)
    assert {e["code"] for e in refused["data"]["submitProject"]["userErrors"]} == {"R-APP-1"}, refused
    dossier = await gateway.graphql(DOSSIER, {"id": project_id, "input": complete_dossier(2_500_000_000)}, as_=UNIT)
    assert dossier["data"]["updateDossier"] == {"project": {"submissionProblems": []}, "userErrors": []}, dossier
    submitted = await gateway.graphql(SUBMIT, {"id": project_id}, as_=UNIT)
    assert submitted["data"]["submitProject"]["project"]["status"] == "SUBMITTED", submitted

    # The wrong department is refused, and nothing changes.
    refused = await gateway.graphql(APPROVE, {"id": project_id}, as_=FINANCE_BUREAU)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "APPROVAL_BUREAU" in refused["errors"][0]["message"]

    approved = await gateway.graphql(APPROVE, {"id": project_id}, as_=APPROVAL_BUREAU)
    assert approved["data"]["approveProject"] == {"project": {"status": "APPROVED"}, "userErrors": []}, approved

    async def budget_review_open():
        result = await gateway.graphql(PROJECT, {"id": project_id}, as_=UNIT)
        project = result["data"]["project"]
        return project if project["budgetReview"] and project["auditRegister"] else None

    project = await eventually(budget_review_open, timeout=30)
    assert project["name"] == "Citizen health record sharing platform"
    assert project["status"] == "APPROVED"
    assert project["budgetReview"] == {"status": "WAITING_FOR_REVIEW_OPINION"}
    assert project["auditRegister"] == {"investment": 2_500_000_000, "inCertaintyScope": True}
    assert project["classification"] == {"declaredClassified": False, "status": "NOT_DECLARED"}

    reviews = await gateway.graphql("{ budgetReviews { projectId status } }", as_=FINANCE_BUREAU)
    assert [r["projectId"] for r in reviews["data"]["budgetReviews"]].count(project_id) == 1

    # Need-to-know: another unit and the public see nothing, in every subgraph.
    for outsider in (OTHER_UNIT, None):
        hidden = await gateway.graphql(PROJECT, {"id": project_id}, as_=outsider)
        assert hidden == {"data": {"project": None}}, hidden
    return {"id": project_id, **project}
