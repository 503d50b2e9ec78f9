"""The serialized results of subscription events, shared by every subscriber of one document.

As Apollo Router deduplicates subscriptions: the result of one event for one subscription document (with its
operation name and variables) is the same for every subscriber that receives the event, because need to know
(R-SEC-2) is decided before, in the hub, and no `ProjectEvent` field depends on the caller. So an event is executed
and serialized once per document, not once per subscriber; the transports send the JSON text as it is.
"""
from __future__ import annotations


class SharedResults:
    """A bounded map of (document key, event id) -> the JSON text of the execution result. The oldest entry goes
    first: subscribers read an event at about the same time, so a small bound serves them all; a subscriber that
    lags behind the bound gets its result executed again, never a wrong one."""

    def __init__(self, size: int = 2048):
        self.size = size
        self.payloads: dict[tuple[str, str], str] = {}

    def get(self, document: str, event_id: str) -> str | None:
        return self.payloads.get((document, event_id))

    def put(self, document: str, event_id: str, payload: str) -> str:
        self.payloads[(document, event_id)] = payload
        if len(self.payloads) > self.size:
            del self.payloads[next(iter(self.payloads))]  # dicts keep insertion order: the oldest
        return payload
