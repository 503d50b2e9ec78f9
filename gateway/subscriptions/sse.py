"""GraphQL over Server-Sent Events at /graphql, in graphql-sse's "distinct connections" mode.

A POST with `Accept: text/event-stream` carries one operation; the response is a stream of `next` events (each an
execution result) ended by one `complete` event. A subscription streams until the client goes away, its token
expires or it falls too far behind (then a last `next` says why, and `complete`). Queries and mutations answer with
one `next`. Authenticated by the Authorization header only; the public subscribes to nothing (R-SEC-2).
"""
from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from starlette.responses import StreamingResponse

from gateway.subscriptions.execute import start
from gateway.subscriptions.hub import SubscriberDropped
from gateway.subscriptions.websocket import seconds_left
from shared.auth import Identity

EVENT_STREAM = "text/event-stream"


def wants_event_stream(accept: str) -> bool:
    return any(part.split(";")[0].strip().lower() == EVENT_STREAM for part in accept.split(","))


def _event(name: str, data: dict | None = None) -> str:
    return _event_text(name, json.dumps(data) if data is not None else "")


def _event_text(name: str, data: str) -> str:
    return f"event: {name}\ndata: {data}\n\n"


def _error(message: str, code: str) -> dict:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


async def _events(gateway, hub, caller: Identity, authorization: str, body: dict) -> AsyncIterator[str]:
    prepared = gateway.prepare(body, caller)
    if prepared.kind != "subscription":
        yield _event("next", await gateway.run(body, authorization, caller))
        yield _event("complete")
        return
    stream = await start(gateway.supergraph, hub, caller, body, prepared)
    if isinstance(stream, list):
        yield _event("next", {"errors": stream})
        yield _event("complete")
        return
    results = aiter(stream)
    try:
        while True:
            left = seconds_left(caller.token)
            try:
                payload = await asyncio.wait_for(anext(results), timeout=max(left, 0))
            except asyncio.TimeoutError:
                yield _event("next", _error("the token has expired: subscribe again with a fresh one", "FORBIDDEN"))
                break
            except StopAsyncIteration:
                break
            except SubscriberDropped as dropped:
                yield _event("next", _error(str(dropped), "SUBSCRIBER_DROPPED"))
                break
            yield _event_text("next", payload)  # the result's JSON text, shared with the document's subscribers
        yield _event("complete")
    finally:
        await stream.aclose()


def event_stream(gateway, hub, caller: Identity, authorization: str, body: dict) -> StreamingResponse:
    return StreamingResponse(_events(gateway, hub, caller, authorization, body), media_type=EVENT_STREAM,
                             headers={"cache-control": "no-cache", "x-accel-buffering": "no"})
