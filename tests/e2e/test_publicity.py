"""R-PUB-1 (Art 19) through the gateway, as the public (no token): a seeded data set (an ordinary project walked to
operation and through its year's audit draw, a major one, a cross-year one, a classified one, a withheld one, a
draft), every public query and the OC4IDS download swept for any trace of what is not published, and the Approval
Bureau's withholding and release, refused to every other department."""
from __future__ import annotations

import json

import pytest

from services.audit.domain.sampling.commitment import seed_commitment
from shared.auth import Department
from shared.clock import budget_year, utc_now
from tests.conftest import eventually
from tests.e2e.everything import every_root_query, supergraph_schema
from tests.e2e.lifecycle import AUDIT_BUREAU, SECRECY_BUREAU, walk_an_ordinary_project
from tests.e2e.slice import APPROVAL_BUREAU, CREATE, DOSSIER, UNIT, complete_dossier
from tests.support.oc4ids import codelist, load, validation_errors

SECRET = ("Classified command network 机密指挥网", 31_415_926_00)
WITHHELD = ("Withheld flood sensor grid 防汛传感网", 27_182_818_00)
DRAFT = ("Draft archive scanner 档案扫描", 1_414_213_00)
MAJOR = ("Major city brain 城市大脑", 20_000_000_00)  # exactly 20M yuan: major (R-AUD-1 "以上" is inclusive)
CROSS_YEAR = ("Cross-year government cloud 政务云", 8_000_000_01)
SEED = "2718281828459045235360287471352662497757"
NODE = """id code name unitId kind jurisdiction year status investment crossYear fundSources { source amount }
  yearlyPlan { year amount } milestones { kind at }
  contract { contractId contractSum signedOn vendors { vendorId name } }
  changes { changeId status decidedAt } acceptance { completionAcceptancePassedAt refusals { at } }
  operation { omMonths operatingOrganisation omAnnualFunding startedOn }
  auditPlan { year planId planStatus reason inPlan }"""
LIST = ("query($filter: PublishedProjectFilter, $first: Int!, $after: String) { publishedProjects(filter: $filter, "
        "first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { "
        + NODE + " } } } }")
ONE = "query($id: ID!) { publishedProject(id: $id) { " + NODE + " } }"
WITHHOLD = ("mutation($id: ID!, $law: String!, $reason: String!) { withholdPublication(id: $id, law: $law, "
            "reason: $reason) { userErrors { code field message } } }")
RELEASE = ("mutation($id: ID!, $reason: String!) { releasePublication(id: $id, reason: $reason) { "
           "userErrors { code field message } } }")
LAW = "《中华人民共和国政府信息公开条例》第十四条"


async def create(gateway, name: str, estimate: int, **extra) -> dict:
    created = await gateway.graphql(CREATE, {"input": {
        "name": name, "kind": "INFORMATION_NETWORK_NEW", "investmentEstimate": estimate,
        "fundSources": [{"source": "FISCAL", "amount": estimate}], **extra}}, as_=UNIT)
    return created["data"]["createProject"]["project"]


async def approve(gateway, project: dict, dossier: dict | None = None) -> None:
    estimate = project.get("estimate")
    answer = await gateway.graphql(DOSSIER, {"id": project["id"], "input": dossier or complete_dossier(estimate)},
                                   as_=UNIT)
    assert answer["data"]["updateDossier"]["userErrors"] == [], answer
    for mutation, actor in (("submitProject", UNIT), ("approveProject", APPROVAL_BUREAU)):
        answer = await gateway.graphql(f"mutation($id: ID!) {{ {mutation}(id: $id) {{ userErrors {{ code }} }} }}",
                                       {"id": project["id"]}, as_=actor)
        assert answer["data"][mutation]["userErrors"] == [], (mutation, answer)


async def seed(gateway) -> dict[str, dict]:
    projects = {"ordinary": {"id": (await walk_an_ordinary_project(gateway)).id}}
    for key, (name, estimate), extra in (("major", MAJOR, {}), ("cross_year", CROSS_YEAR, {}),
                                         ("secret", SECRET, {"declaredClassified": True}), ("withheld", WITHHELD, {}),
                                         ("draft", DRAFT, {})):
        projects[key] = {**await create(gateway, name, estimate, **extra), "name": name, "estimate": estimate}
    year = budget_year(utc_now())
    cross = projects["cross_year"]["estimate"]
    await approve(gateway, projects["cross_year"], {**complete_dossier(cross), "crossYear": True, "yearlyPlan": [
        {"year": year, "amount": 3_000_000_00}, {"year": year + 1, "amount": cross - 3_000_000_00}]})
    for key in ("major", "secret", "withheld"):
        await approve(gateway, projects[key])
    answer = await gateway.graphql(WITHHOLD, {"id": projects["withheld"]["id"], "law": LAW,
                                              "reason": "the grid's sensor sites are protected"}, as_=APPROVAL_BUREAU)
    assert answer["data"]["withholdPublication"]["userErrors"] == [], answer
    # The Audit Bureau's plan of the year holds the accepted ordinary project; the draw is revealed.
    committed = await gateway.graphql(
        "mutation($i: CommitAuditDrawInput!) { commitAuditDraw(input: $i) { auditPlan { id } userErrors { code } } }",
        {"i": {"jurisdiction": "CITY", "year": year, "proportion": "1", "method": "SRS", "stratifyBy": "NONE",
               "seedCommitment": seed_commitment(SEED)}}, as_=AUDIT_BUREAU)
    plan_id = committed["data"]["commitAuditDraw"]["auditPlan"]["id"]
    revealed = await gateway.graphql("mutation($p: ID!, $s: String!) { revealAuditDraw(planId: $p, seed: $s) { "
                                     "userErrors { code } } }", {"p": plan_id, "s": SEED}, as_=AUDIT_BUREAU)
    assert revealed["data"]["revealAuditDraw"]["userErrors"] == [], revealed
    return projects


def markers(project: dict) -> list[str]:
    name, fen = project["name"], project["estimate"]
    return [project["id"], project["code"], name, name.split()[-1], str(fen), f"{fen // 100}.{fen % 100:02d}"]


async def public(gateway, query: str, **variables) -> dict:
    return await gateway.graphql(query, variables)  # no token: the public


async def listed(gateway, **filter_) -> list[dict]:
    """Every page of the public list for the filter, one project a page, checking the count on each page."""
    nodes, after, total = [], None, None
    while True:
        page = (await public(gateway, LIST, filter=filter_ or None, first=1, after=after))["data"]["publishedProjects"]
        total = page["totalCount"] if total is None else total
        assert page["totalCount"] == total
        nodes += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            assert len(nodes) == total
            return nodes
        after = page["pageInfo"]["endCursor"]


async def sweep(gateway, projects: dict, hidden: list[str]) -> str:
    """Everything the public can ask, as one text: the lists under every filter, every root field for every hidden
    id, the one-project query, and the OC4IDS download."""
    year = budget_year(utc_now())
    answers = []
    filters = [{}, {"jurisdiction": "CITY"}, {"year": year}, {"unit": "city-government"},
               {"unit": UNIT["unit"]}, {"nameContains": "网"}, {"nameContains": "platform"}]
    filters += [{"statuses": [s]} for s in ("APPROVED", "SUBMITTED", "DRAFT", "IN_OPERATION")]
    filters += [{"kinds": [k]} for k in ("INFORMATION_NETWORK_NEW", "APPLICATION_SYSTEM_NEW")]
    filters += [{"nameContains": projects[key]["name"].split()[0]} for key in hidden]
    for filter_ in filters:
        answers.append(await listed(gateway, **filter_))
    schema = await supergraph_schema(gateway)
    for key in hidden:
        for name, query in every_root_query(schema, projects[key]["id"]).items():
            answer = await public(gateway, query)
            assert all(e.get("extensions", {}).get("code") in ("UNAUTHENTICATED", "FORBIDDEN")
                       for e in answer.get("errors", ())), (name, answer)
            answers.append(answer)
    download = await gateway.client.get("/open-data/oc4ids.json")
    return json.dumps(answers, ensure_ascii=False) + download.text


async def check_publicity(gateway) -> None:
    projects = await seed(gateway)
    published = {"ordinary", "major", "cross_year"}
    hidden = ["secret", "withheld", "draft"]

    # The lists and the count hold exactly the published projects, in code order.
    nodes = await listed(gateway)
    assert {n["id"] for n in nodes} == {projects[k]["id"] for k in published}
    by_id = {n["id"]: n for n in nodes}
    ordinary = by_id[projects["ordinary"]["id"]]
    assert ordinary["status"] == "IN_OPERATION" and ordinary["contract"]["vendors"][0]["name"]
    assert [c["status"] for c in ordinary["changes"]] == ["APPROVED"] and ordinary["changes"][0]["decidedAt"]
    assert ordinary["operation"]["omMonths"] == 36 and ordinary["acceptance"]["completionAcceptancePassedAt"]
    assert {m["kind"] for m in ordinary["milestones"]} >= {"APPROVED", "CONTRACT_SIGNED", "OPERATION_STARTED"}
    assert ordinary["auditPlan"]["reason"] == "SAMPLED" and ordinary["auditPlan"]["inPlan"] is True
    assert by_id[projects["major"]["id"]]["investment"] == MAJOR[1]
    assert len(by_id[projects["cross_year"]["id"]]["yearlyPlan"]) == 2

    # A hidden project's id is answered exactly like an id that does not exist.
    unknown = await public(gateway, ONE, id="00000000-0000-0000-0000-000000000000")
    assert unknown == {"data": {"publishedProject": None}}
    for key in hidden:
        assert await public(gateway, ONE, id=projects[key]["id"]) == unknown, key
    # ...also by each subgraph reached directly, as the gateway reaches it.
    for name, fields in (("approval", "name code investment"), ("audit", "auditPlan { planId reason }")):
        query = ("query($r: [_Any!]!) { _entities(representations: $r) { ... on PublishedProject { id "
                 + fields + " } } }")
        for key in hidden:
            answer = await gateway.graphql(query, {"r": [{"__typename": "PublishedProject",
                                                          "id": projects[key]["id"]}]}, url=gateway.subgraphs[name])
            entity = answer["data"]["_entities"][0]
            assert entity is None or entity == {"id": projects[key]["id"], "auditPlan": None}, (name, key, answer)

    # Nothing of a hidden project anywhere the public can look.
    seen = await sweep(gateway, projects, hidden)
    leaked = {key: [m for m in markers(projects[key]) if m in seen] for key in hidden}
    assert not any(leaked.values()), leaked

    # The OC4IDS download: valid, exactly the published projects, exact amounts, cacheable.
    download = await gateway.client.get("/open-data/oc4ids.json")
    assert download.status_code == 200 and download.headers["content-type"].startswith("application/json")
    package = load(download.text)
    assert validation_errors(package) == []
    assert {p["id"] for p in package["projects"]} == {f"oc4ids-yiyang-{projects[k]['id']}" for k in published}
    cross = next(p for p in package["projects"] if p["id"].endswith(projects["cross_year"]["id"]))
    assert str(cross["budget"]["amount"]["amount"]) == "8000000.01" and cross["budget"]["amount"]["currency"] == "CNY"
    assert {p["status"] for p in package["projects"]} <= codelist("projectStatus")
    etag, modified = download.headers["etag"], download.headers["last-modified"]
    assert (await gateway.client.get("/open-data/oc4ids.json", headers={"if-none-match": etag})).status_code == 304
    assert (await gateway.client.get("/open-data/oc4ids.json",
                                     headers={"if-modified-since": modified})).status_code == 304
    year = budget_year(utc_now())
    filtered = await gateway.client.get("/open-data/oc4ids.json", params={"jurisdiction": "CITY", "year": year})
    assert len(load(filtered.text)["projects"]) == 3
    assert (await gateway.client.get("/open-data/oc4ids.json", params={"jurisdiction": "ANHUA"})).status_code == 404
    assert (await gateway.client.get("/open-data/oc4ids.json", params={"jurisdiction": "MARS"})).status_code == 400

    # Withholding and releasing: the Approval Bureau's alone, refused (before planning) to everyone else.
    target = projects["major"]["id"]
    for department in Department:
        if department is Department.APPROVAL_BUREAU:
            continue
        actor = None if department is Department.PUBLIC else {"department": department.value, "unit": "some-unit"}
        for query, variables in ((WITHHOLD, {"law": LAW, "reason": "r"}), (RELEASE, {"reason": "r"})):
            refused = await gateway.graphql(query, {"id": target, **variables}, as_=actor)
            assert refused["errors"][0]["extensions"]["code"] in ("FORBIDDEN", "UNAUTHENTICATED"), (department, refused)
    assert target in {n["id"] for n in await listed(gateway)}

    # A withheld project disappears (the download's ETag and date move on); a released one comes back.
    answer = await gateway.graphql(WITHHOLD, {"id": target, "law": LAW, "reason": "a court order"}, as_=APPROVAL_BUREAU)
    assert answer["data"]["withholdPublication"]["userErrors"] == []
    assert target not in {n["id"] for n in await listed(gateway)}
    after = await gateway.client.get("/open-data/oc4ids.json", headers={"if-modified-since": modified})
    assert after.status_code == 200 and after.headers["etag"] != etag and target not in after.text
    answer = await gateway.graphql(RELEASE, {"id": target, "reason": "the order was lifted"}, as_=APPROVAL_BUREAU)
    assert answer["data"]["releasePublication"]["userErrors"] == []
    assert target in {n["id"] for n in await listed(gateway)}

    # The audit subgraph follows the Approval Bureau's events: a withheld project's plan membership is not public.
    ordinary_id = projects["ordinary"]["id"]
    await gateway.graphql(WITHHOLD, {"id": ordinary_id, "law": LAW, "reason": "r"}, as_=APPROVAL_BUREAU)
    membership = ("query($r: [_Any!]!) { _entities(representations: $r) { ... on PublishedProject { auditPlan { "
                  "reason } } } }")

    async def audit_hides_it():
        answer = await gateway.graphql(membership, {"r": [{"__typename": "PublishedProject", "id": ordinary_id}]},
                                       url=gateway.subgraphs["audit"])
        return answer["data"]["_entities"][0]["auditPlan"] is None

    await eventually(audit_hides_it, timeout=30)
    history = await gateway.graphql("query($id: ID!) { project(id: $id) { history { action department reasons } } }",
                                    {"id": ordinary_id}, as_=SECRECY_BUREAU)
    assert history["data"]["project"]["history"][-1] == {"action": "WITHHOLD_PUBLICATION",
                                                         "department": "APPROVAL_BUREAU", "reasons": ["r"]}


async def test_R_PUB_1_the_public_window_and_its_open_data_embedded(embedded_gateway):
    await check_publicity(embedded_gateway[0])


@pytest.mark.integration
async def test_R_PUB_1_the_public_window_and_its_open_data_on_postgres_and_rabbitmq(real_gateway):
    await check_publicity(real_gateway)
