"""GraphQL subscriptions end to end with the client other agencies use: the `graphql-ws` npm package over `ws`,
against the gateway served by uvicorn over TCP (`egov serve gateway`, hearing RabbitMQ), with one process per service
on PostgreSQL. An approval reaches a subscriber within a second of the mutation's answer; a classified project's
events reach those with a need to know and nobody else (R-SEC-2)."""
from __future__ import annotations

import time

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.e2e.graphql_ws import subscribed
from tests.e2e.lifecycle import SECRECY_BUREAU, Walk
from tests.e2e.slice import APPROVAL_BUREAU, FINANCE_BUREAU, OTHER_UNIT, UNIT, complete_dossier

pytestmark = pytest.mark.integration
SUBMITTED, APPROVED = "approval.project.submitted.v1", "approval.project.approved.v1"
ESTIMATE = 4_200_000_00
SECRET_NAME = "Confidential dispatch network 机密调度网"


async def approve(walk: Walk) -> tuple[float, float]:
    """The Approval Bureau approves the project through the gateway: the wall-clock times the mutation was sent and
    its answer arrived."""
    sent = time.time()
    await walk.do(APPROVAL_BUREAU, "approveProject", "id: $id")
    return sent, time.time()


def latency(line: dict, answered: float) -> float:
    """Seconds from the mutation's answer to the client's receipt (negative: the event came first)."""
    return line["receivedAt"] / 1000 - answered


async def test_an_approval_reaches_a_graphql_ws_subscriber_within_a_second(real_gateway):
    walk = Walk(real_gateway)
    await walk.create(ESTIMATE)
    await walk.dossier(complete_dossier(ESTIMATE))
    async with subscribed(real_gateway, FINANCE_BUREAU, {"projectId": walk.id}, name="Finance Bureau") as finance:
        await walk.do(UNIT, "submitProject", "id: $id")
        await finance.receive(SUBMITTED, walk.id)  # the subscription is live, over RabbitMQ
        sent, answered = await approve(walk)
        line = await finance.receive(APPROVED, walk.id, timeout=5)
    seconds = latency(line, answered)
    print(f"\napproval.project.approved.v1 reached the graphql-ws client {seconds * 1000:.1f} ms after the "
          f"approveProject answer ({latency(line, sent) * 1000:.1f} ms after it was sent)")
    assert 0 < latency(line, sent) and seconds < 1.0, f"{seconds:.3f}s"
    event = line["event"]
    assert event["__typename"] == "ProjectDecisionEvent" and event["decision"] == "project.approved", event
    assert event["source"] == "approval" and event["unitId"] == UNIT["unit"], event
    assert [e["type"] for e in finance.events][:2] == [SUBMITTED, APPROVED], finance.events  # in commit order


async def test_R_SEC_2_a_classified_approval_reaches_only_subscribers_with_need_to_know(real_gateway):
    gateway = real_gateway
    theirs = Walk(gateway)  # the other unit's own, ordinary project: what it does receive
    created = await gateway.graphql(
        "mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id } } }",
        {"input": {"name": "School meal records", "kind": "APPLICATION_SYSTEM_NEW", "investmentEstimate": ESTIMATE,
                   "fundSources": [{"source": "FISCAL", "amount": ESTIMATE}]}}, as_=OTHER_UNIT)
    theirs.id = created["data"]["createProject"]["project"]["id"]
    answer = await gateway.graphql(
        "mutation($id: ID!, $input: DossierInput!) { updateDossier(id: $id, input: $input) { userErrors { code } } }",
        {"id": theirs.id, "input": complete_dossier(ESTIMATE)}, as_=OTHER_UNIT)
    assert answer["data"]["updateDossier"]["userErrors"] == [], answer
    secret = Walk(gateway)
    created = await gateway.graphql(
        "mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id code } } }",
        {"input": {"name": SECRET_NAME, "kind": "NETWORK_AND_INFORMATION_SECURITY", "declaredClassified": True,
                   "investmentEstimate": ESTIMATE, "fundSources": [{"source": "FISCAL", "amount": ESTIMATE}]}},
        as_=UNIT)
    secret.id, secret_code = (created["data"]["createProject"]["project"][k] for k in ("id", "code"))
    await secret.dossier(complete_dossier(ESTIMATE))

    every_approval_event = {"types": ["approval.#"]}
    async with subscribed(gateway, SECRECY_BUREAU, every_approval_event, name="Secrecy Bureau") as bureau, \
            subscribed(gateway, OTHER_UNIT, every_approval_event, name="another unit") as outsider:
        await theirs.do(OTHER_UNIT, "submitProject", "id: $id")
        for client in (bureau, outsider):  # both subscriptions are live before anything classified happens
            await client.receive(SUBMITTED, theirs.id)
        await secret.do(UNIT, "submitProject", "id: $id")
        await secret.until(lambda s: s["classification"], SECRECY_BUREAU)
        await secret.do(SECRECY_BUREAU, "confirmClassification", "projectId: $id, level: $level", {"level": "SECRET"})
        sent, answered = await approve(secret)
        line = await bureau.receive(APPROVED, secret.id, timeout=5)
        await approve(theirs)  # published after the classified approval: the outsider's marker
        marker = await outsider.receive(APPROVED, theirs.id)
        await bureau.receive(APPROVED, theirs.id)
    seconds = latency(line, answered)
    print(f"\nclassified approval reached the Secrecy Bureau's graphql-ws client {seconds * 1000:.1f} ms after the "
          f"answer ({latency(line, sent) * 1000:.1f} ms after it was sent); the other unit's marker arrived "
          f"{latency(marker, answered) * 1000:.1f} ms after that answer")
    assert 0 < latency(line, sent) and seconds < 1.0, f"{seconds:.3f}s"
    assert line["event"]["projectCode"] == secret_code
    bureau_saw = [(e["type"], e["projectId"]) for e in bureau.events]
    assert bureau_saw.index((SUBMITTED, secret.id)) < bureau_saw.index((APPROVED, secret.id)) \
        < bureau_saw.index((APPROVED, theirs.id)), bureau_saw
    # Up to (and past) its marker, which the hub fanned out after the classified approval, the other unit received
    # its own project's events and nothing of the classified one: not its id, not its code.
    assert [(e["type"], e["projectId"]) for e in outsider.events] == [(SUBMITTED, theirs.id), (APPROVED, theirs.id)]
    assert all(secret.id not in str(line) and secret_code not in str(line) for line in outsider.lines)


async def test_the_legacy_subprotocol_is_refused_by_the_served_gateway(real_gateway):
    """subscriptions-transport-ws (`graphql-ws` as the subprotocol) is not spoken: 4406, through uvicorn."""
    url = real_gateway.client.base_url
    async with connect(f"ws://{url.host}:{url.port}/graphql", subprotocols=["graphql-ws"]) as websocket:
        assert websocket.subprotocol is None
        with pytest.raises(ConnectionClosed) as closed:
            await websocket.recv()
    assert closed.value.rcvd.code == 4406, closed.value
