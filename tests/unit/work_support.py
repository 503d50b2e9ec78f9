"""Calling a subgraph's work list as any caller, and counting the SQL statements it takes."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

from sqlalchemy import event

from shared.auth import Identity
from shared.graphql import RequestContext
from shared.work import owner_of

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def entities_query(field: str) -> str:
    return ("query($r: [_Any!]!) { _entities(representations: $r) { ... on WorkQueue { " + field +
            " { items { kind service projectId code title jurisdiction year waitingSince waitingSeconds } "
            "counts { kind count } } } } }")


async def work_of(schema, runtime, identity: Identity, field: str, *, owner: Identity | None = None) -> dict:
    """`field` of the WorkQueue keyed by `owner`'s key (the caller's own by default), as the caller."""
    representation = {"__typename": "WorkQueue", "owner": owner_of(owner or identity)}
    result = await schema.execute(entities_query(field), variable_values={"r": [representation]},
                                  context_value=RequestContext(identity=identity, runtime=runtime))
    assert result.errors is None, result.errors
    return result.data["_entities"][0][field]


def kinds(work: dict) -> list[tuple[str, str | None]]:
    return [(item["kind"], item["projectId"]) for item in work["items"]]


@contextmanager
def statements(runtime):
    """The SQL statements the block runs (not the outbox relay's, nor the webhook worker's consumer and dispatcher,
    which run beside it by design)."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if not any(background in statement for background in ("outbox", "inbox", "webhook_")):
            seen.append(statement)

    event.listen(runtime.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(runtime.engine.sync_engine, "before_cursor_execute", record)
