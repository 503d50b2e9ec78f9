"""One trace shows a mutation through the gateway, the subgraph, the commit, and every consumer it triggered."""
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from shared.telemetry import setup_telemetry
from tests.conftest import eventually
from tests.e2e.slice import APPROVAL_BUREAU, APPROVE, CREATE, DOSSIER, SUBMIT, UNIT, complete_dossier


async def test_the_approval_and_the_consumers_it_triggers_share_one_trace(embedded_gateway):
    gateway, system = embedded_gateway
    exporter = InMemorySpanExporter()
    setup_telemetry("egov-test", exporter=exporter)
    created = await gateway.graphql(CREATE, {"input": {
        "name": "Traced project", "kind": "IT_MAINTENANCE", "investmentEstimate": 100,
        "fundSources": [{"source": "FISCAL", "amount": 100}]}}, as_=UNIT)
    project_id = created["data"]["createProject"]["project"]["id"]
    await gateway.graphql(DOSSIER, {"id": project_id, "input": complete_dossier(100)}, as_=UNIT)
    await gateway.graphql(SUBMIT, {"id": project_id}, as_=UNIT)
    await system.settle()
    exporter.clear()

    await gateway.graphql(APPROVE, {"id": project_id}, as_=APPROVAL_BUREAU)
    await system.settle()

    async def consumers_done():
        names = {s.name for s in exporter.get_finished_spans()}
        return {"consume approval.project.approved.v1"} <= names

    await eventually(consumers_done)
    spans = exporter.get_finished_spans()
    gateway_span = next(s for s in spans if s.name == "gateway /graphql")
    trace_spans = [s for s in spans if s.context.trace_id == gateway_span.context.trace_id]
    names = [s.name for s in trace_spans]
    assert "fetch approval" in names
    assert any(n.startswith("approval POST /graphql") for n in names)
    assert "db.commit" in names
    consumers = {s.attributes.get("egov.consumer") for s in trace_spans if s.name.startswith("consume ")}
    assert {"finance", "audit"} <= consumers
