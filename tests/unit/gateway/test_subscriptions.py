"""GraphQL subscriptions at the gateway (issue 12): events heard on the bus reach the subscribers allowed to see them.

Embedded, no servers: the whole system in this process on its in-process bus, reached with Starlette's TestClient
(WebSocket, `graphql-transport-ws`) and a bare ASGI call (Server-Sent Events, which must stream).
Need to know (R-SEC-2): an event reaches a subscriber only if `can_see_project` allows it from the event's audience;
an event without audience reaches only the workflow bureaus; the public subscribes to nothing.
"""
from __future__ import annotations

import asyncio
import json
import time

import pytest
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from gateway.subscriptions.hub import EventFilter, Hub, SubscriberDropped
from shared.auth import Department, Identity, mint_token
from shared.events import Audience, Envelope
from shared.settings import GatewaySettings, Settings

PROTOCOL = "graphql-transport-ws"
QUEUE_SIZE = 3
SUBSCRIPTION = """subscription Events($filter: ProjectEventFilter) {
  projectEvents(filter: $filter) {
    __typename id type projectId jurisdiction unitId
    ... on ProjectDecisionEvent { decision projectCode reasons }
    ... on PaymentEvent { paymentId amount }
    ... on GenericProjectEvent { data }
  }
}"""


def rejected(project_id: str, *, unit_path=("u-roads", "u-city"), jurisdiction="yiyang", classified=False,
             audience=True) -> Envelope:
    return Envelope(type="approval.project.rejected.v1", source="approval", subject=project_id,
                    data={"project_id": project_id, "code": f"C-{project_id}", "reasons": ["R-APP-1: no dossier"]},
                    audience=Audience(project_id=project_id, unit_path=list(unit_path), jurisdiction=jurisdiction,
                                      classified=classified) if audience else None)


def paid(project_id: str, amount: int = 12_345, **kwargs) -> Envelope:
    base = rejected(project_id, **kwargs)
    return base.model_copy(update={"type": "finance.payment.made.v1", "source": "finance",
                                   "data": {"payment_id": f"pay-{project_id}", "project_id": project_id,
                                            "amount": amount}})


@pytest.fixture(scope="module")
def system(tmp_path_factory, keys):
    from egov.embedded import EmbeddedSystem

    settings = GatewaySettings(data_dir=tmp_path_factory.mktemp("subscriptions"), jwt_public_key_file=keys[1],
                               jwt_private_key_file=keys[0], subscription_queue_size=QUEUE_SIZE,
                               subscription_init_timeout=1.0)
    embedded = EmbeddedSystem(settings)
    with TestClient(embedded.app) as client:
        yield client, embedded


@pytest.fixture
def mint(keys):
    settings = Settings(jwt_private_key_file=keys[0], jwt_public_key_file=keys[1])

    def mint(department, unit=None, parent_units=(), roles=(), ttl_seconds=3600):
        return mint_token(settings, department=department, unit=unit, parent_units=parent_units, roles=roles,
                          ttl_seconds=ttl_seconds)

    return mint


def publish(system, *envelopes: Envelope) -> None:
    client, embedded = system

    async def burst():  # one coroutine: no subscriber runs between these publishes
        for envelope in envelopes:
            await embedded.bus.publish(envelope)

    client.portal.call(burst)


def subscribers(system) -> int:
    return len(system[0].app.state.gateway.hub.subscribers)


def wait_for_subscribers(system, count: int) -> None:
    deadline = time.monotonic() + 5
    while subscribers(system) < count:
        assert time.monotonic() < deadline, f"{subscribers(system)} subscribers, expected {count}"
        time.sleep(0.01)


def connect(system):
    return system[0].websocket_connect("/graphql", subprotocols=[PROTOCOL])


def open_subscription(socket, token: str | None, variables=None, identifier="1", *, payload=None):
    socket.send_json({"type": "connection_init",
                      "payload": payload if payload is not None else {"authorization": f"Bearer {token}"}})
    assert socket.receive_json() == {"type": "connection_ack"}
    socket.send_json({"id": identifier, "type": "subscribe",
                      "payload": {"query": SUBSCRIPTION, "variables": variables or {}}})


def next_event(socket) -> dict:
    message = socket.receive_json()
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    return message["payload"]["data"]["projectEvents"]


def test_a_subscriber_receives_an_event_published_on_the_bus(system, mint):
    """Issue 12: an event, as it commits, reaches a signed-in subscriber through the gateway, typed."""
    before = subscribers(system)
    with connect(system) as socket:
        open_subscription(socket, mint("APPROVAL_BUREAU"), payload={"token": mint("APPROVAL_BUREAU")})
        wait_for_subscribers(system, before + 1)
        publish(system, rejected("p-live"), paid("p-live"))
        decision = next_event(socket)
        assert decision["__typename"] == "ProjectDecisionEvent"
        assert (decision["type"], decision["decision"], decision["projectId"], decision["projectCode"],
                decision["unitId"], decision["jurisdiction"]) == \
            ("approval.project.rejected.v1", "project.rejected", "p-live", "C-p-live", "u-roads", "yiyang")
        payment = next_event(socket)
        assert (payment["__typename"], payment["paymentId"], payment["amount"]) == ("PaymentEvent", "pay-p-live",
                                                                                      12_345)
        socket.send_json({"type": "ping"})
        assert socket.receive_json() == {"type": "pong"}
        socket.send_json({"id": "1", "type": "complete"})
    deadline = time.monotonic() + 5
    while subscribers(system) > before:  # completing (and leaving) unregisters the subscriber
        assert time.monotonic() < deadline
        time.sleep(0.01)


@pytest.mark.parametrize("event_filter, wanted", [
    ({"types": ["finance.payment.made.v1"]}, "pay"),
    ({"types": ["finance.#"]}, "pay"),
    ({"jurisdiction": "heshan"}, "other-jurisdiction"),
    ({"projectId": "wanted"}, "wanted"),
    ({"unitId": "u-county"}, "parent-unit"),  # a parent unit in the project's unit path matches
])
def test_the_filter_selects_by_type_jurisdiction_project_and_unit(system, mint, event_filter, wanted):
    """Issue 12: `ProjectEventFilter` narrows the stream; the first event received is the one that matches."""
    before = subscribers(system)
    with connect(system) as socket:
        open_subscription(socket, mint("FINANCE_BUREAU"), {"filter": event_filter})
        wait_for_subscribers(system, before + 1)
        publish(system, rejected("p-other"),
                rejected("other-jurisdiction", jurisdiction="heshan"),
                rejected("parent-unit", unit_path=("u-school", "u-county")),
                paid("pay"), rejected("wanted"))
        assert next_event(socket)["projectId"] == wanted


@pytest.mark.parametrize("department, roles, unit", [
    ("LEADING_GROUP", (), None),                       # oversight without secrecy clearance
    ("CONSTRUCTION_UNIT", (), "u-elsewhere"),         # an applicant whose unit does not manage the project
    ("BIG_DATA_CENTER", (), "u-elsewhere"),
])
def test_a_classified_project_reaches_only_those_who_need_to_know(system, mint, department, roles, unit):
    """R-SEC-2: a subscriber without need to know gets nothing of a classified project (nor of an event whose
    audience is unknown), while a Secrecy Bureau subscriber gets both. The first event the outsider receives is the
    open one published after them."""
    before = subscribers(system)
    with connect(system) as outsider, connect(system) as secrecy:
        open_subscription(outsider, mint(department, unit=unit, roles=roles))
        open_subscription(secrecy, mint("SECRECY_BUREAU"))
        wait_for_subscribers(system, before + 2)
        publish(system, rejected("p-secret", classified=True), rejected("p-unknown", audience=False),
                rejected("p-open", unit_path=("u-elsewhere",)))
        assert next_event(outsider)["projectId"] == "p-open"
        assert [next_event(secrecy)["projectId"] for _ in range(3)] == ["p-secret", "p-unknown", "p-open"]


def test_a_cleared_overseer_and_the_owning_unit_see_a_classified_project(system, mint):
    """R-SEC-2: oversight with SECRECY_CLEARANCE, and the unit that manages the project, are in the audience."""
    before = subscribers(system)
    with connect(system) as overseer, connect(system) as owner:
        open_subscription(overseer, mint("LEADING_GROUP", roles=("SECRECY_CLEARANCE",)))
        open_subscription(owner, mint("CONSTRUCTION_UNIT", unit="u-city"))
        wait_for_subscribers(system, before + 2)
        publish(system, rejected("p-secret-2", classified=True))
        assert next_event(overseer)["projectId"] == "p-secret-2"
        assert next_event(owner)["projectId"] == "p-secret-2"


def close_code(socket) -> tuple[int, str]:
    with pytest.raises(WebSocketDisconnect) as closed:
        while True:
            socket.receive_json()
    return closed.value.code, closed.value.reason


def test_without_a_token_the_connection_is_refused_as_unauthorized(system):
    """R-SEC-2 / issue 12: the public gets no events: connection_init without a token closes with 4401
    (the graphql-ws client does not retry it), nothing registered."""
    with connect(system) as socket:
        socket.send_json({"type": "connection_init", "payload": {}})
        assert close_code(socket)[0] == 4401


def test_a_token_that_does_not_verify_is_forbidden(system):
    with connect(system) as socket:
        socket.send_json({"type": "connection_init", "payload": {"authorization": "Bearer not.a.token"}})
        assert close_code(socket)[0] == 4403


def test_subscribing_before_the_acknowledgement_is_unauthorized(system):
    with connect(system) as socket:
        socket.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}})
        assert close_code(socket)[0] == 4401


def test_the_legacy_subprotocol_is_refused_with_4406(system):
    """Issue 12: subscriptions-transport-ws (`graphql-ws` subprotocol) is not spoken; the socket says so."""
    with system[0].websocket_connect("/graphql", subprotocols=["graphql-ws"]) as socket:
        assert close_code(socket)[0] == 4406


def test_protocol_violations_close_with_the_codes_the_protocol_defines(system, mint):
    token = mint("AUDIT_BUREAU")
    with connect(system) as socket:
        socket.send_text("not json")
        assert close_code(socket)[0] == 4400
    with connect(system) as socket:
        open_subscription(socket, token)
        socket.send_json({"type": "connection_init", "payload": {"token": token}})
        assert close_code(socket)[0] == 4429
    with connect(system) as socket:
        open_subscription(socket, token)
        socket.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}})
        assert close_code(socket)[0] == 4409
    with connect(system) as socket:  # no connection_init within the init timeout
        assert close_code(socket)[0] == 4408


def test_an_expired_token_closes_the_connection(system, mint):
    """Issue 12: a token that expires while the connection is open ends it with 4403 (the protocol's Forbidden;
    the client may reconnect with a fresh token)."""
    token = mint("APPROVAL_BUREAU", ttl_seconds=1)
    with connect(system) as socket:
        socket.send_json({"type": "connection_init", "payload": {"token": token}})
        code, reason = close_code(socket)  # the ack may come first, if the token still had time left
        assert code == 4403 and "expired" in reason


def test_the_limits_apply_to_subscription_documents(system, mint):
    with connect(system) as socket:
        socket.send_json({"type": "connection_init", "payload": {"token": mint("APPROVAL_BUREAU")}})
        assert socket.receive_json()["type"] == "connection_ack"
        aliases = " ".join(f"a{i}: id" for i in range(40))
        socket.send_json({"id": "x", "type": "subscribe",
                          "payload": {"query": f"subscription {{ projectEvents {{ {aliases} }} }}"}})
        message = socket.receive_json()
        assert message["type"] == "error"
        assert message["payload"][0]["extensions"]["code"] == "ALIAS_LIMIT_EXCEEDED"


def test_a_slow_subscriber_is_dropped_and_the_others_still_receive(system, mint):
    """Issue 12: a subscriber whose queue is full is dropped (closed 1013, try again later), never left to grow the
    gateway's memory; a subscriber keeping up receives its events."""
    before = subscribers(system)
    with connect(system) as flooded, connect(system) as calm:
        open_subscription(flooded, mint("APPROVAL_BUREAU"))
        open_subscription(calm, mint("APPROVAL_BUREAU"), {"filter": {"projectId": "p-calm"}})
        wait_for_subscribers(system, before + 2)
        publish(system, *(rejected(f"p-flood-{n}") for n in range(QUEUE_SIZE + 2)), rejected("p-calm"))
        code, reason = close_code(flooded)
        assert code == 1013 and "too slow" in reason
        assert next_event(calm)["projectId"] == "p-calm"


def test_a_subscription_over_plain_http_is_refused_with_a_pointer(system, mint):
    response = system[0].post("/graphql", json={"query": SUBSCRIPTION},
                              headers={"authorization": f"Bearer {mint('APPROVAL_BUREAU')}"})
    assert "WebSocket" in response.json()["errors"][0]["message"]


def test_the_schema_shows_the_subscription_root(system):
    sdl = system[0].get("/schema.graphql").text
    assert "projectEvents(filter: ProjectEventFilter): ProjectEvent!" in sdl
    assert "interface ProjectEvent" in sdl
    assert "subscription" not in system[0].get("/supergraph.graphql").text.split("type Query")[0].lower()


async def test_the_hub_drops_a_subscriber_that_does_not_read_and_frees_its_backlog():
    """The bound on memory, without transport: a subscriber nobody reads holds at most the queue size."""
    hub = Hub(queue_size=2)
    caller = Identity(department=Department.APPROVAL_BUREAU)
    idle, reading = hub.subscribe(caller, EventFilter()), hub.subscribe(caller, EventFilter())
    received = []
    for n in range(5):
        hub.publish(rejected(f"p-{n}"))
        received.append((await reading.__anext__()).subject)
    assert received == [f"p-{n}" for n in range(5)]
    assert idle.subscriber.dropped and idle.subscriber.queue.qsize() == 1
    with pytest.raises(SubscriberDropped):
        await idle.__anext__()
    assert hub.subscribers == {reading.subscriber}


async def _sse(app, body: dict, authorization: str | None, publish_after_subscribed, count: int) -> tuple[int, str]:
    """POST /graphql with Accept: text/event-stream, read `count` events then hang up (a real streaming read)."""
    headers = [(b"content-type", b"application/json"), (b"accept", b"text/event-stream")]
    if authorization:
        headers.append((b"authorization", authorization.encode()))
    raw = json.dumps(body).encode()
    sent: asyncio.Queue = asyncio.Queue()
    disconnect = asyncio.Event()
    requested = False

    async def receive():
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": raw, "more_body": False}
        await disconnect.wait()
        return {"type": "http.disconnect"}

    scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": "/graphql", "raw_path": b"/graphql", "query_string": b"",
             "root_path": "", "headers": headers, "client": ("127.0.0.1", 1), "server": ("test", 80)}
    task = asyncio.create_task(app(scope, receive, sent.put))
    start = await asyncio.wait_for(sent.get(), 5)
    text = ""
    if start["status"] == 200:
        await publish_after_subscribed()
        while text.count("\n\n") < count:
            message = await asyncio.wait_for(sent.get(), 5)
            text += message.get("body", b"").decode()
    disconnect.set()
    await asyncio.wait_for(task, 5)
    return start["status"], text


async def test_server_sent_events_stream_a_subscription(tmp_path, keys, mint):
    """Issue 12: graphql-sse distinct connections: `next` events, authenticated by the Authorization header."""
    from egov.embedded import EmbeddedSystem

    embedded = EmbeddedSystem(GatewaySettings(data_dir=tmp_path, jwt_public_key_file=keys[1],
                                              jwt_private_key_file=keys[0]))
    hub = embedded.app.state.gateway.hub

    async def publish_when_subscribed():
        for _ in range(500):
            if hub.subscribers:
                break
            await asyncio.sleep(0.01)
        await embedded.bus.publish(rejected("p-sse-secret", classified=True))
        await embedded.bus.publish(paid("p-sse"))

    async with embedded.app.router.lifespan_context(embedded.app):
        body = {"query": SUBSCRIPTION, "variables": {"filter": {"types": ["finance.#", "approval.#"]}}}
        status, text = await _sse(embedded.app, body, f"Bearer {mint('LEADING_GROUP')}", publish_when_subscribed, 1)
        assert status == 200
        event, data = text.split("\n\n")[0].split("\n")
        assert event == "event: next"
        received = json.loads(data.removeprefix("data: "))["data"]["projectEvents"]
        assert (received["__typename"], received["projectId"]) == ("PaymentEvent", "p-sse")  # not the secret one
        assert not hub.subscribers  # hanging up unregistered it

        status, text = await _sse(embedded.app, body, None, publish_when_subscribed, 0)
        assert status == 401  # the public subscribes to nothing (R-SEC-2)
