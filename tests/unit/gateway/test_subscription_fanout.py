"""Fan-out of subscription events at the gateway (issue 12): an event is executed once per subscription document,
not once per subscriber, and every subscriber of that document gets the same JSON text (Apollo Router's
deduplicated subscriptions). Need to know (R-SEC-2) is decided before, in the hub, per subscriber.

Embedded, no servers, as in test_subscriptions: WebSocket (`graphql-transport-ws`) through Starlette's TestClient.
"""
from __future__ import annotations

import pytest

from gateway.subscriptions import execute
from gateway.subscriptions.results import SharedResults
from shared.events import Envelope
from tests.unit.gateway.test_subscriptions import (connect, mint, paid, publish, rejected, system,  # noqa: F401
                                                   wait_for_subscribers)

SUBSCRIBERS = 5
BY_TYPE = "subscription { projectEvents(filter: {projectId: \"%s\"}) { id type } }"
BY_PROJECT = "subscription { projectEvents(filter: {projectId: \"%s\"}) { id projectId } }"
MAYBE_TYPE = """subscription Maybe($project: ID, $withType: Boolean!) {
  projectEvents(filter: {projectId: $project}) { id type @include(if: $withType) }
}"""


@pytest.fixture
def executions(monkeypatch) -> list[Envelope]:
    """The events graphql-core executed a subscription document over, one entry per execution."""
    executed: list[Envelope] = []
    real = execute.execute_subscription_event

    def counting(executor):
        executed.append(executor.root_value)
        return real(executor)

    monkeypatch.setattr(execute, "execute_subscription_event", counting)
    return executed


def subscribe(socket, token: str, query: str, variables=None) -> None:
    socket.send_json({"type": "connection_init", "payload": {"token": token}})
    assert socket.receive_json() == {"type": "connection_ack"}
    socket.send_json({"id": "s", "type": "subscribe", "payload": {"query": query, "variables": variables or {}}})


def next_payload(socket) -> dict:
    message = socket.receive_json()
    assert message["type"] == "next" and message["id"] == "s", message
    return message["payload"]


def test_an_event_is_executed_once_for_all_subscribers_of_one_document(system, mint, executions):
    """Issue 12: N subscribers of one document (spelled with different spacing: the key is the normalized document)
    cost one execution per event, and all receive the same result."""
    client, _ = system
    before = len(client.app.state.gateway.hub.subscribers)
    sockets = [connect(system).__enter__() for _ in range(SUBSCRIBERS)]
    try:
        for number, socket in enumerate(sockets):
            query = BY_TYPE % "p-shared"
            subscribe(socket, mint("APPROVAL_BUREAU", unit=f"u-reader-{number}"),
                      query.replace("{ id", "{\n  id  ") if number % 2 else query)
        wait_for_subscribers(system, before + SUBSCRIBERS)
        publish(system, rejected("p-shared"), paid("p-shared"))
        received = [[next_payload(socket) for _ in range(2)] for socket in sockets]
    finally:
        for socket in sockets:
            socket.__exit__(None, None, None)
    first = received[0]
    assert [event["data"]["projectEvents"]["type"] for event in first] == \
        ["approval.project.rejected.v1", "finance.payment.made.v1"]
    assert all(payloads == first for payloads in received)
    assert [envelope.subject for envelope in executions] == ["p-shared", "p-shared"], \
        f"{len(executions)} executions for 2 events and {SUBSCRIBERS} subscribers of one document"


def test_different_documents_and_variables_each_get_their_own_result(system, mint, executions):
    """Two documents, and one document with two sets of variables, are four results of the same event."""
    before = len(system[0].app.state.gateway.hub.subscribers)
    token = mint("FINANCE_BUREAU")
    with connect(system) as by_type, connect(system) as by_project, connect(system) as with_type, \
            connect(system) as without_type:
        subscribe(by_type, token, BY_TYPE % "p-own")
        subscribe(by_project, token, BY_PROJECT % "p-own")
        subscribe(with_type, token, MAYBE_TYPE, {"project": "p-own", "withType": True})
        subscribe(without_type, token, MAYBE_TYPE, {"project": "p-own", "withType": False})
        wait_for_subscribers(system, before + 4)
        event = rejected("p-own")
        publish(system, event)
        assert next_payload(by_type) == {"data": {"projectEvents": {"id": event.id,
                                                                    "type": "approval.project.rejected.v1"}}}
        assert next_payload(by_project) == {"data": {"projectEvents": {"id": event.id, "projectId": "p-own"}}}
        assert next_payload(with_type) == {"data": {"projectEvents": {"id": event.id,
                                                                      "type": "approval.project.rejected.v1"}}}
        assert next_payload(without_type) == {"data": {"projectEvents": {"id": event.id}}}
    assert len(executions) == 4


def test_an_execution_error_reaches_every_subscriber_as_next_with_errors(system, mint, executions):
    """An event that does not fit the selection (a payment without its id, `paymentId: ID!`) is a `next` whose
    payload carries the errors, as graphql-transport-ws expects; executed once for both subscribers."""
    before = len(system[0].app.state.gateway.hub.subscribers)
    query = BY_TYPE.replace("id type", "... on PaymentEvent { paymentId }") % "p-broken"
    with connect(system) as one, connect(system) as other:
        subscribe(one, mint("FINANCE_BUREAU"), query)
        subscribe(other, mint("AUDIT_BUREAU"), query)
        wait_for_subscribers(system, before + 2)
        broken = paid("p-broken")
        publish(system, broken.model_copy(update={"data": {"project_id": "p-broken", "amount": 1}}))
        payloads = [next_payload(one), next_payload(other)]
    assert payloads[0] == payloads[1]
    assert payloads[0]["data"] is None
    assert "non-nullable field PaymentEvent.paymentId" in payloads[0]["errors"][0]["message"]
    assert len(executions) == 1


def test_the_shared_results_keep_a_bounded_number_of_events():
    """The gateway's memory does not grow with the events heard: the oldest result goes first."""
    results = SharedResults(size=2)
    for number in range(3):
        results.put("document", f"event-{number}", f"{{\"n\": {number}}}")
    assert results.get("document", "event-0") is None
    assert [results.get("document", f"event-{n}") for n in (1, 2)] == ['{"n": 1}', '{"n": 2}']
    assert results.get("other document", "event-2") is None
