"""R-SEC-2: a classified project's name, content, amounts and documents reach only those with a need to know:
every field of the supergraph, queried as every role, through the gateway."""
from __future__ import annotations

import json

import pytest

from tests.e2e.everything import entity_query, every_root_query, subgraph_schema, supergraph_schema
from tests.e2e.lifecycle import AUDIT_BUREAU, SECRECY_BUREAU, Walk, put_in_approved_plan
from tests.e2e.slice import APPROVAL_BUREAU, FINANCE_BUREAU, OTHER_UNIT, UNIT, complete_dossier

SECRET_NAME = "Confidential command platform 机密指挥平台"
SECRET_ESTIMATE = 31_415_926_00  # a figure that appears nowhere else
ORDINARY_ESTIMATE = 2_718_281_00

ALLOWED = {
    "its unit": UNIT,
    "its parent unit": {"department": "CONSTRUCTION_UNIT", "unit": "city-government"},
    "Approval Bureau": APPROVAL_BUREAU, "Finance Bureau": FINANCE_BUREAU, "Audit Bureau": AUDIT_BUREAU,
    "Secrecy Bureau": SECRECY_BUREAU,
    "supervisory commission with clearance": {"department": "SUPERVISORY_COMMISSION", "unit": "jiwei",
                                              "roles": ["SECRECY_CLEARANCE"]},
    "the city government with clearance": {"department": "CITY_GOVERNMENT", "unit": "city-government-office",
                                           "roles": ["SECRECY_CLEARANCE"]},
}
REFUSED = {
    "the public": None,
    "an unrelated unit": OTHER_UNIT,
    "the Big Data Center": {"department": "BIG_DATA_CENTER", "unit": "big-data-center"},
    "the Leading Group": {"department": "LEADING_GROUP", "unit": "leading-group"},
    "the supervisory commission without clearance": {"department": "SUPERVISORY_COMMISSION", "unit": "jiwei"},
    "the city government without clearance": {"department": "CITY_GOVERNMENT", "unit": "city-government-office"},
}


async def classified_and_ordinary_projects(gateway) -> tuple[Walk, Walk]:
    """A classified project taken as far as its reviews (so every service holds facts about it), and an ordinary
    one from the same unit."""
    secret = Walk(gateway)
    created = await gateway.graphql(
        "mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id code } } }",
        {"input": {"name": SECRET_NAME, "kind": "NETWORK_AND_INFORMATION_SECURITY", "declaredClassified": True,
                   "investmentEstimate": SECRET_ESTIMATE,
                   "fundSources": [{"source": "FISCAL", "amount": SECRET_ESTIMATE}]}}, as_=UNIT)
    secret.id = created["data"]["createProject"]["project"]["id"]
    secret.code = created["data"]["createProject"]["project"]["code"]
    await secret.dossier(complete_dossier(SECRET_ESTIMATE))
    await secret.do(UNIT, "submitProject", "id: $id")
    await secret.until(lambda s: s["classification"], SECRECY_BUREAU)
    await secret.do(SECRECY_BUREAU, "confirmClassification", "projectId: $id, level: $level", {"level": "SECRET"})
    await secret.do(APPROVAL_BUREAU, "approveProject", "id: $id")
    await secret.do_once_ready(SECRECY_BUREAU, "passSecrecyReview", "projectId: $id, opinion: $opinion",
                               {"opinion": "ok"})
    await secret.until(lambda s: s["secrecyReviewPassed"], APPROVAL_BUREAU)
    await secret.technical_review(SECRET_ESTIMATE)
    await secret.until(lambda s: s["budgetReview"] and s["budgetReview"]["status"] == "IN_REVIEW", FINANCE_BUREAU)
    await secret.until(lambda s: s["auditRegister"], AUDIT_BUREAU)

    ordinary = Walk(gateway)
    await ordinary.create(ORDINARY_ESTIMATE)
    await ordinary.dossier(complete_dossier(ORDINARY_ESTIMATE))
    await ordinary.do(UNIT, "submitProject", "id: $id")
    await ordinary.do(APPROVAL_BUREAU, "approveProject", "id: $id")
    await ordinary.until(lambda s: s["budgetReview"] and s["auditRegister"], FINANCE_BUREAU)
    for walk in (secret, ordinary):  # R-PLN-1: the year's construction plan names both, to those who may see them
        await put_in_approved_plan(gateway, walk.id, 1_000_000_00, "CITY")
    return secret, ordinary


def markers(secret: Walk) -> list[str]:
    return [secret.id, secret.code, SECRET_NAME, "机密指挥平台", str(SECRET_ESTIMATE)]


async def everything_seen_by(gateway, actor, queries: dict[str, str]) -> str:
    answers = {}
    for name, query in queries.items():
        answer = await gateway.graphql(query, as_=actor)
        assert "errors" not in answer or all(
            e.get("extensions", {}).get("code") in ("FORBIDDEN", "UNAUTHENTICATED") for e in answer["errors"]), \
            (name, answer)
        answers[name] = answer
    return json.dumps(answers, ensure_ascii=False)


async def check_need_to_know(gateway) -> None:
    secret, ordinary = await classified_and_ordinary_projects(gateway)
    schema = await supergraph_schema(gateway)
    queries = every_root_query(schema, secret.id)
    assert len(queries) >= 8, sorted(queries)  # every subgraph's root fields are in the sweep
    assert "constructionPlans" in queries  # the plan holding the classified project is swept too
    for role, actor in REFUSED.items():
        seen = await everything_seen_by(gateway, actor, queries)
        leaked = [m for m in markers(secret) if m in seen]
        assert not leaked, f"{role} saw {leaked} of the classified project"
        assert await secret.state(actor) is None, role
    for role, actor in ALLOWED.items():
        state = await secret.state(actor)
        assert state is not None and state["classified"] is True, role
        seen = await everything_seen_by(gateway, actor, queries)
        assert secret.id in seen and SECRET_NAME in seen, f"{role} should see the classified project"
    # Each service reached directly, as the gateway reaches it, trusts nobody more (ARCHITECTURE.md, Security).
    for name, url in gateway.subgraphs.items():
        query = entity_query(await subgraph_schema(gateway, url))
        representations = {"representations": [{"__typename": "Project", "id": secret.id}]}
        for role, actor in REFUSED.items():
            answer = await gateway.graphql(query, representations, as_=actor, url=url)
            leaked = [m for m in markers(secret)[1:] if m in json.dumps(answer, ensure_ascii=False)]
            assert not leaked, f"{name} told {role} {leaked} about the classified project"
            assert _nothing_but_the_key(answer, secret.id), (name, role, answer)
    # The ordinary project is not hidden from the oversight bodies: the filter is need-to-know, not a blackout.
    for actor in (REFUSED["the Leading Group"], REFUSED["the supervisory commission without clearance"],
                  REFUSED["the city government without clearance"]):
        assert await ordinary.state(actor) is not None


async def test_R_SEC_2_need_to_know_across_the_supergraph_embedded(embedded_gateway):
    await check_need_to_know(embedded_gateway[0])


@pytest.mark.integration
async def test_R_SEC_2_need_to_know_across_the_supergraph_on_postgres_and_rabbitmq(real_gateway):
    await check_need_to_know(real_gateway)


def _nothing_but_the_key(answer: dict, project_id: str) -> bool:
    """An entity a caller may not see comes back as null, or as its bare key with every field empty."""
    entity = (answer.get("data") or {}).get("_entities", [None])[0]
    if entity is None:
        return True
    return all(value in (None, [], project_id, "Project") for value in entity.values())
