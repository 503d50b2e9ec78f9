"""GraphQL over WebSocket at /graphql: the `graphql-transport-ws` protocol, as the `graphql-ws` npm package speaks it.

Close codes, as the protocol defines them:
- 4400 a message the protocol does not know, or a malformed one;
- 4401 no credentials: `connection_init` without a token (the public subscribes to nothing: events are need to
  know, R-SEC-2), or a `subscribe` before the connection was acknowledged. The `graphql-ws` client gives up on
  4401 rather than reconnecting over and over without a token;
- 4403 credentials refused: a token that does not verify, or one that expired, at `connection_init` (the protocol's
  advice for rejecting a connection) or later, while the connection is open. The client reconnects on 4403, and
  its `connectionParams` function can hand it a fresh token;
- 4406 a subprotocol other than `graphql-transport-ws` (the legacy `graphql-ws` of subscriptions-transport-ws);
- 4408 no `connection_init` within the init timeout; 4409 a second subscriber with an id in use;
  4429 a second `connection_init`;
- 1013 (try again later) the connection fell too far behind the events it subscribed to and was dropped.
Tokens travel in the `connection_init` payload (`{"authorization": "Bearer ..."}` or `{"token": "..."}`), never in
the URL, and are never logged.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time

import jwt
from starlette.websockets import WebSocket, WebSocketDisconnect

from gateway.subscriptions.execute import start
from gateway.subscriptions.hub import SubscriberDropped
from shared.auth import AuthError, Identity

log = logging.getLogger(__name__)
PROTOCOL = "graphql-transport-ws"
MAX_SUBSCRIPTIONS = 50  # per connection


def token_of(payload) -> str | None:
    if not isinstance(payload, dict):
        return None
    header = payload.get("authorization") or payload.get("Authorization")
    if isinstance(header, str):
        scheme, _, token = header.partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None
    token = payload.get("token")
    return token if isinstance(token, str) and token else None


def seconds_left(token: str) -> float:
    """Until the (already verified) token expires."""
    return float(jwt.decode(token, options={"verify_signature": False})["exp"]) - time.time()


def refusal(exc: AuthError) -> str:
    return "Forbidden: the token has expired" if isinstance(exc.__cause__, jwt.ExpiredSignatureError) \
        else "Forbidden: the token is not valid"


class Connection:
    def __init__(self, websocket: WebSocket, gateway, hub):
        self.websocket = websocket
        self.gateway = gateway
        self.hub = hub
        self.caller: Identity | None = None
        self.token: str | None = None
        self.initialised = False
        self.operations: dict[str, asyncio.Task] = {}
        self.timers: list[asyncio.Task] = []
        self.send_lock = asyncio.Lock()
        self.closed = asyncio.Event()

    async def serve(self) -> None:
        if PROTOCOL not in (self.websocket.scope.get("subprotocols") or ()):
            await self.websocket.accept()
            await self.websocket.close(4406, "Subprotocol not acceptable")
            return
        await self.websocket.accept(subprotocol=PROTOCOL)
        self.timers.append(asyncio.create_task(self._init_deadline()))
        try:
            await self._read()  # until the client goes (also after the gateway closed: the client answers that)
        finally:
            self.closed.set()
            for task in (*self.timers, *self.operations.values()):
                task.cancel()  # each operation unregisters itself from the hub as it ends

    async def close(self, code: int, reason: str) -> None:
        if self.closed.is_set():
            return
        self.closed.set()
        log.info("websocket closed by the gateway: %d %s", code, reason)
        try:
            await self.websocket.close(code, reason)
        except (RuntimeError, WebSocketDisconnect):  # the client went first
            pass

    async def send(self, message: dict) -> None:
        await self.send_text(json.dumps(message))

    async def send_text(self, text: str) -> None:
        async with self.send_lock:
            if not self.closed.is_set():
                await self.websocket.send_text(text)

    async def _init_deadline(self) -> None:
        await asyncio.sleep(self.gateway.settings.subscription_init_timeout)
        if not self.initialised:
            await self.close(4408, "Connection initialisation timeout")

    async def _expiry(self, seconds: float) -> None:
        await asyncio.sleep(max(seconds, 0))
        await self.close(4403, "Forbidden: the token has expired")

    async def _read(self) -> None:
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            if self.closed.is_set():
                continue  # closing: what still arrives is not answered
            try:
                parsed = json.loads(message.get("text") or message.get("bytes") or b"")
            except ValueError:
                parsed = None
            if not isinstance(parsed, dict) or not isinstance(parsed.get("type"), str):
                await self.close(4400, "Invalid message received")
            else:
                await self._dispatch(parsed)

    async def _dispatch(self, message: dict) -> None:
        kind = message["type"]
        if kind == "connection_init":
            await self._init(message.get("payload"))
        elif kind == "ping":
            await self.send({"type": "pong"})
        elif kind == "pong":
            pass
        elif kind == "subscribe":
            await self._subscribe(message)
        elif kind == "complete":
            task = self.operations.pop(message.get("id"), None) if isinstance(message.get("id"), str) else None
            if task is not None:
                task.cancel()
        else:
            await self.close(4400, f"Invalid message type {kind[:40]!r}")

    async def _init(self, payload) -> None:
        if self.initialised:
            return await self.close(4429, "Too many initialisation requests")
        self.initialised = True
        token = token_of(payload) or token_of({"authorization": self.websocket.headers.get("authorization")})
        if token is None:
            return await self.close(4401, "Unauthorized: subscriptions need a token")
        try:
            self.caller = self.gateway.verifier.verify(token)
        except AuthError as exc:
            return await self.close(4403, refusal(exc))
        self.token = token
        self.timers.append(asyncio.create_task(self._expiry(seconds_left(token))))
        await self.send({"type": "connection_ack"})

    async def _subscribe(self, message: dict) -> None:
        if self.caller is None:
            return await self.close(4401, "Unauthorized")
        identifier, payload = message.get("id"), message.get("payload")
        if not isinstance(identifier, str) or not identifier or not isinstance(payload, dict) \
                or not isinstance(payload.get("query"), str):
            return await self.close(4400, "Invalid subscribe message")
        if identifier in self.operations:
            return await self.close(4409, f"Subscriber for {identifier[:64]} already exists")
        if len(self.operations) >= MAX_SUBSCRIPTIONS:
            return await self.send({"id": identifier, "type": "error", "payload": [
                {"message": f"at most {MAX_SUBSCRIPTIONS} operations per connection",
                 "extensions": {"code": "TOO_MANY_SUBSCRIPTIONS"}}]})
        self.operations[identifier] = asyncio.create_task(self._operation(identifier, payload))

    async def _operation(self, identifier: str, payload: dict) -> None:
        gateway, stream = self.gateway, None
        try:
            supergraph = gateway.supergraph
            if supergraph is None:
                return await self._error(identifier, [{"message": "the gateway is still composing the supergraph",
                                                       "extensions": {"code": "NOT_READY"}}])
            prepared = gateway.prepare(payload, self.caller)
            if prepared.kind != "subscription":
                result = await gateway.run(payload, f"Bearer {self.token}", self.caller)
                await self.send({"id": identifier, "type": "next", "payload": result})
                return await self.send({"id": identifier, "type": "complete"})
            stream = await start(supergraph, self.hub, self.caller, payload, prepared)
            if isinstance(stream, list):
                return await self._error(identifier, stream)
            frame = f'{{"id": {json.dumps(identifier)}, "type": "next", "payload": '
            async for payload in stream:  # the result's JSON text, shared with the document's other subscribers
                await self.send_text(frame + payload + "}")
            await self.send({"id": identifier, "type": "complete"})
        except SubscriberDropped as dropped:
            await self.close(1013, str(dropped))
        finally:
            self.operations.pop(identifier, None)
            if stream is not None and not isinstance(stream, list):
                await stream.aclose()

    async def _error(self, identifier: str, errors: list[dict]) -> None:
        await self.send({"id": identifier, "type": "error", "payload": errors})
