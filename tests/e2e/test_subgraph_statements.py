"""Issue 13, the subgraphs' hot path: a page of 50 projects through the gateway costs each subgraph at most two SQL
statements, whether it asks one subgraph's field or fields of all four, and one project no more. Every entity and
list field is loaded in batches (DataLoaders), never once per project (no N+1).

Counted on the embedded system (SQLite): the statements each service's engine runs during the one request, less
the outbox relay's, the consumers' inbox and the webhook worker's, which run beside any request by design. No
statement is opened per connection or per session here (SQLite's driver sends no set-up statements; the events
have settled before counting)."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from tests.e2e.slice import APPROVAL_BUREAU, APPROVE, CREATE, DOSSIER, OTHER_UNIT, SUBMIT, UNIT, complete_dossier

SERVICES = ("approval", "finance", "audit", "secrecy")
PAGE = 50
FINANCE_FIELD = "budgetReview { status approvedEstimate approvedBudget approvedTotal lines { category } }"
ALL_FOUR = ("code name status investment " + FINANCE_FIELD +
            " auditRegister { investment inCertaintyScope } classification { status declaredClassified }")
LIST_WITH_FINANCE = "{ projects(first: %d) { totalCount edges { node { id %s } } } }" % (PAGE, FINANCE_FIELD)
LIST_WITH_ALL_FOUR = "{ projects(first: %d) { totalCount edges { node { id %s } } } }" % (PAGE, ALL_FOUR)
ONE_WITH_ALL_FOUR = "query($id: ID!) { project(id: $id) { id %s } }" % ALL_FOUR


@contextmanager
def statements_by_service(system):
    seen: dict[str, list[str]] = {name: [] for name in SERVICES}
    listeners = []
    for name in SERVICES:
        def record(_conn, _cursor, statement, *_args, _seen=seen[name]):
            if not any(background in statement for background in ("outbox", "inbox", "webhook_")):
                _seen.append(statement)

        engine = system.runtimes[name].engine.sync_engine
        event.listen(engine, "before_cursor_execute", record)
        listeners.append((engine, record))
    try:
        yield seen
    finally:
        for engine, record in listeners:
            event.remove(engine, "before_cursor_execute", record)


async def approved_project(gateway, unit: dict) -> str:
    created = await gateway.graphql(CREATE, {"input": {
        "name": "Health data platform", "kind": "APPLICATION_SYSTEM_NEW", "jurisdiction": "CITY",
        "investmentEstimate": 2_500_000_000, "fundSources": [{"source": "FISCAL", "amount": 2_500_000_000}]}}, as_=unit)
    project_id = created["data"]["createProject"]["project"]["id"]
    await gateway.graphql(DOSSIER, {"id": project_id, "input": complete_dossier(2_500_000_000)}, as_=unit)
    await gateway.graphql(SUBMIT, {"id": project_id}, as_=unit)
    approved = await gateway.graphql(APPROVE, {"id": project_id}, as_=APPROVAL_BUREAU)
    assert approved["data"]["approveProject"]["userErrors"] == [], approved
    return project_id


async def counted(gateway, system, query: str, variables: dict | None = None) -> tuple[dict, dict[str, int]]:
    with statements_by_service(system) as seen:
        answer = await gateway.graphql(query, variables, as_=UNIT)
    assert answer.get("errors") is None, answer
    return answer["data"], {name: len(found) for name, found in seen.items()}


async def test_issue_13_fifty_projects_cost_each_subgraph_at_most_two_statements(embedded_gateway):
    gateway, system = embedded_gateway
    mine = [await approved_project(gateway, UNIT) for _ in range(PAGE)]
    theirs = [await approved_project(gateway, OTHER_UNIT) for _ in range(3)]  # need to know: never on UNIT's page
    await system.settle()

    page, costs = await counted(gateway, system, LIST_WITH_FINANCE)
    nodes = [edge["node"] for edge in page["projects"]["edges"]]
    assert page["projects"]["totalCount"] == PAGE and sorted(n["id"] for n in nodes) == sorted(mine)
    assert all(n["budgetReview"]["status"] == "WAITING_FOR_REVIEW_OPINION" for n in nodes)
    assert costs["approval"] <= 2 and costs["finance"] <= 2, costs
    assert costs["audit"] == costs["secrecy"] == 0, costs

    page, costs = await counted(gateway, system, LIST_WITH_ALL_FOUR)
    nodes = [edge["node"] for edge in page["projects"]["edges"]]
    assert len(nodes) == PAGE and not set(theirs) & {n["id"] for n in nodes}
    assert all(n["auditRegister"]["investment"] == 2_500_000_000 and n["classification"]["status"] == "NOT_DECLARED"
               for n in nodes)
    assert all(0 < count <= 2 for count in costs.values()), costs

    project, costs = await counted(gateway, system, ONE_WITH_ALL_FOUR, {"id": mine[0]})
    assert project["project"]["budgetReview"]["lines"] == [] and project["project"]["auditRegister"]
    assert all(0 < count <= 2 for count in costs.values()), costs
    hidden, _costs = await counted(gateway, system, ONE_WITH_ALL_FOUR, {"id": theirs[0]})
    assert hidden == {"project": None}
