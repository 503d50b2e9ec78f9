"""The construction plan's mutations through the approval subgraph, and the one helper that puts projects in the
approved plan of their year by R-PLN-1's path (Approval Bureau, Leading Group, city government)."""
from __future__ import annotations

from shared.clock import budget_year, china_date, utc_now
from tests.unit.approval.builders import BUREAU, CITY_GOVERNMENT, LEADING_GROUP

YEAR = budget_year(utc_now())
TYPES = {"jurisdiction": "String!", "year": "Int!", "projectId": "ID!", "plannedAmount": "Fen!", "note": "String",
         "reason": "String!", "opinion": "String", "reasons": "[String!]!", "approvedOn": "Date!",
         "documentNumber": "String!"}
VERSION = """number status inForce total amendmentReason approvedOn documentNumber reviewOpinion
  returns { department reasons }
  items { projectId code name plannedAmount note withheld }
  decisions { at action version fromStatus toStatus department unit subject reasons detail projectId }"""
PLAN = f"jurisdiction year status versionInForce {{ number }} versions {{ {VERSION} }}"
READ = "query($jurisdiction: String!, $year: Int!) { constructionPlan(jurisdiction: $jurisdiction, year: $year) " \
       f"{{ {PLAN} }} }}"


async def plan_mutation(approval, actor, mutation: str, *, jurisdiction: str = "CITY", year: int = YEAR,
                        **arguments) -> dict:
    """Run a plan mutation; its payload, or the GraphQL errors."""
    arguments = {"jurisdiction": jurisdiction, "year": year, **arguments}
    signature = ", ".join(f"${k}: {TYPES[k]}" for k in arguments)
    call = ", ".join(f"{k}: ${k}" for k in arguments)
    query = f"mutation({signature}) {{ {mutation}({call}) {{ plan {{ {PLAN} }} userErrors {{ code field message }} }} }}"
    result = await approval.call(actor, query, **arguments)
    return result if "errors" in result else result[mutation]


async def read_plan(approval, actor=BUREAU, *, jurisdiction: str = "CITY", year: int = YEAR) -> dict | None:
    result = await approval.call(actor, READ, jurisdiction=jurisdiction, year=year)
    return result if "errors" in result else result["constructionPlan"]


async def put_in_approved_plan(approval, *project_ids: str, amount: int, jurisdiction: str = "CITY",
                               year: int = YEAR, document_number: str = "益政函〔2026〕12号") -> dict:
    """R-PLN-1's path: the Approval Bureau drafts the year's plan (or an amendment of the approved one), puts the
    projects in and submits it; the Leading Group passes it on; the city government approves it."""
    where = {"jurisdiction": jurisdiction, "year": year}
    steps = [(BUREAU, "draftConstructionPlanAmendment", {"reason": "projects ready to build"})
             if await read_plan(approval, **where) else (BUREAU, "draftConstructionPlan", {})]
    steps += [(BUREAU, "addConstructionPlanItem", {"projectId": p, "plannedAmount": amount}) for p in project_ids]
    steps += [(BUREAU, "submitConstructionPlanForReview", {}),
              (LEADING_GROUP, "passConstructionPlanReview", {"opinion": "in line with the overall plan"}),
              (CITY_GOVERNMENT, "approveConstructionPlan", {"approvedOn": china_date(utc_now()).isoformat(),
                                                            "documentNumber": document_number})]
    for actor, mutation, arguments in steps:
        done = await plan_mutation(approval, actor, mutation, **where, **arguments)
        assert "errors" not in done and done["userErrors"] == [], (mutation, done)
    return done["plan"]
