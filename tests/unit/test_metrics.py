"""/metrics on the embedded tier: one Prometheus text page for the whole process, the gateway's and the subgraphs'
GraphQL requests by operation, and each service's outbox backlog."""
from datetime import datetime, timezone

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from shared.auth import mint_token
from shared.events import ProjectApproved
from shared.metrics import ANONYMOUS, OTHER, document_operation_name, request_operation_name
from shared.settings import GatewaySettings, Settings

UNIT = {"department": "CONSTRUCTION_UNIT", "unit": "city-health-commission"}
NAMED = "query MetricsProbe { __typename }"
CREATE = """mutation { createProject(input: {name: "Metrics", kind: IT_MAINTENANCE, investmentEstimate: 100,
  fundSources: [{source: FISCAL, amount: 100}]}) { project { id } } }"""
PROJECTS = "query MetricsProjects($id: ID!) { project(id: $id) { name budgetReview { status } } }"


@pytest.fixture
async def embedded(tmp_path, keys):
    from egov.embedded import EmbeddedSystem

    system = EmbeddedSystem(GatewaySettings(data_dir=tmp_path, jwt_public_key_file=keys[1],
                                            jwt_private_key_file=keys[0], relay_poll_interval=0.05))
    token = mint_token(Settings(jwt_private_key_file=keys[0], jwt_public_key_file=keys[1]), **UNIT)
    async with system.app.router.lifespan_context(system.app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=system.app), base_url="http://egov.embedded",
                                     headers={"authorization": f"Bearer {token}"}) as client:
            yield client, system


async def scrape(client: httpx.AsyncClient) -> dict[tuple[str, frozenset], float]:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {(sample.name, frozenset((k, v) for k, v in sample.labels.items() if not k.startswith("otel_scope_"))):
            sample.value for family in text_string_to_metric_families(response.text) for sample in family.samples}


def requests(samples, component: str, operation: str, outcome: str = "ok") -> float:
    labels = frozenset({"component": component, "operation": operation, "outcome": outcome}.items())
    return samples.get(("egov_graphql_requests_total", labels), 0.0)


async def test_a_graphql_request_is_counted_by_operation_at_the_gateway_and_in_the_subgraph(embedded):
    client, _system = embedded
    before = await scrape(client)

    answer = (await client.post("/graphql", json={"query": NAMED})).json()
    assert answer == {"data": {"__typename": "Query"}}
    answer = (await client.post("/graphql", json={"query": PROJECTS, "variables": {"id": "none"}})).json()
    assert "errors" not in answer, answer
    await client.post("/graphql", json={"query": "{ __typename }"})

    after = await scrape(client)
    assert requests(after, "gateway", "MetricsProbe") == requests(before, "gateway", "MetricsProbe") + 1
    assert requests(after, "gateway", "MetricsProjects") == requests(before, "gateway", "MetricsProjects") + 1
    assert requests(after, "gateway", ANONYMOUS) == requests(before, "gateway", ANONYMOUS) + 1
    # the approval subgraph answered its fetch of the client's operation, counted under the client's name
    assert requests(after, "approval", "MetricsProjects") == requests(before, "approval", "MetricsProjects") + 1
    histogram = frozenset({"component": "gateway", "operation": "MetricsProbe", "outcome": "ok", "le": "+Inf"}.items())
    assert after[("egov_graphql_request_duration_seconds_bucket", histogram)] >= 1


async def test_each_service_counts_the_sql_statements_it_sends(embedded):
    """Statements per service, so that an operator (and the gateway benchmark) sees what a request costs the
    database: a project read through the gateway costs the approval and finance services statements; the scrape's
    own outbox reads are counted too, hence two scrapes to compare with."""
    client, system = embedded
    created = (await client.post("/graphql", json={"query": CREATE})).json()
    project_id = created["data"]["createProject"]["project"]["id"]
    await system.settle()
    for runtime in system.runtimes.values():  # embedded, the relays poll on the requests' engine: quiet them
        await runtime.relay.stop()

    def statements(samples, service: str) -> float:
        return samples[("egov_db_statements_total", frozenset({"service": service, "pool": "requests"}.items()))]

    first, second = await scrape(client), await scrape(client)
    answer = (await client.post("/graphql", json={"query": PROJECTS, "variables": {"id": project_id}})).json()
    assert "errors" not in answer and answer["data"]["project"], answer
    third = await scrape(client)
    for service in ("approval", "finance"):
        per_scrape = statements(second, service) - statements(first, service)
        assert statements(third, service) - statements(second, service) - per_scrape >= 1, service
    assert statements(third, "audit") - statements(second, "audit") == \
        statements(second, "audit") - statements(first, "audit")  # not asked: only the scrape's reads


async def test_each_service_counts_the_database_connections_it_opens(embedded):
    """Connections opened per service and pool: counted once each, so a pool that keeps its connections shows no
    growth from request to request, and one that churns (too small for its bursts) shows it."""
    client, system = embedded
    await system.settle()

    def opened(samples, service: str) -> float:
        return samples[("egov_db_connections_opened_total", frozenset({"service": service, "pool": "requests"}.items()))]

    first = await scrape(client)
    assert opened(first, "approval") >= 1  # the scrape itself read the outbox through the pool
    for _ in range(3):
        assert "errors" not in (await client.post("/graphql", json={"query": "{ projects { edges { node { id } } } }"})).json()
    second = await scrape(client)
    assert opened(second, "approval") == opened(first, "approval")  # one at a time: the pooled one, again


async def test_a_refused_request_counts_as_an_error(embedded):
    client, _system = embedded
    before = await scrape(client)
    await client.post("/graphql", json={"query": "query Broken { noSuchField }"})
    after = await scrape(client)
    assert requests(after, "gateway", "Broken", "error") == requests(before, "gateway", "Broken", "error") + 1


async def test_the_outbox_backlog_and_the_age_of_its_oldest_row_are_read_at_each_scrape(embedded):
    client, system = embedded
    await system.settle()
    samples = await scrape(client)
    for service in ("approval", "finance", "audit", "secrecy"):
        assert samples[("egov_outbox_backlog", frozenset({"service": service}.items()))] == 0
        assert samples[("egov_outbox_oldest_unpublished_age_seconds", frozenset({"service": service}.items()))] == 0
    for service in ("finance", "audit", "secrecy"):  # the consumers' queues and dead letters
        assert samples[("egov_queue_ready_messages", frozenset({"service": service}.items()))] == 0
        assert samples[("egov_queue_dead_letters", frozenset({"service": service}.items()))] == 0

    approval = system.runtimes["approval"]
    await approval.relay.stop()  # the broker "away": the row waits in the outbox
    async with approval.uow() as uow:
        await uow.emit(ProjectApproved(
            project_id="p-metrics", code="CITY-2026-0001", name="n", unit_id="u", unit_path=["u"],
            jurisdiction="CITY", kind="APPLICATION_SYSTEM_NEW", investment_estimate=100, fund_sources=[],
            approved_at=datetime.now(timezone.utc)), subject="p-metrics")
        await uow.commit()
    samples = await scrape(client)
    assert samples[("egov_outbox_backlog", frozenset({"service": "approval"}.items()))] == 1
    assert samples[("egov_outbox_oldest_unpublished_age_seconds", frozenset({"service": "approval"}.items()))] > 0


@pytest.mark.parametrize("query, name", [
    ("query A { x }", "A"),
    ("  # a comment\n mutation Approve($id: ID!) { approve(id: $id) }", "Approve"),
    ("fragment F on Query { query } query Named { ...F }", "Named"),
    ("{ query }", None),
    ("query { x }", None),
    ("query ($v: Int) { x }", None),
    ("subscription Watch { changed }", "Watch"),
    ("query A { x ", "A"),
    ('"""unterminated', None),
    (None, None),
])
def test_the_operation_name_is_read_from_the_first_tokens(query, name):
    assert document_operation_name(query) == name


def test_an_operation_name_that_is_no_graphql_name_is_not_a_label_of_its_own():
    assert request_operation_name({"operationName": "Named", "query": "query Other { x }"}) == "Named"
    assert request_operation_name({"operationName": "two words\n", "query": "{ x }"}) == OTHER
    assert request_operation_name({"query": "{ x }"}) == ANONYMOUS
    assert request_operation_name([]) == ANONYMOUS
