"""The decision trail in each subgraph (R-OVS-1): `<service>Trail(first, after)` and `<service>TrailVerification`,
for the supervisory commission and the service's own bureau. The types are the same in all four subgraphs
(shareable), the root fields named per service so that the gateway composes them side by side.

A classified project's entries (R-SEC-2: classified when written, or about a project the service now knows as
classified) show their links and digests but not their content to a reader without need to know; the
verification is the server's own full walk and reveals no content, only where the chain breaks."""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth import Department, Identity
from shared.graphql import restricted
from shared.trail import TrailEntry, projects_named
from shared.trail_store import DecisionTrail, TrailTables
from shared.visibility import can_see_project

MAX_PAGE = 1000

# Which of these projects the service now knows as classified (a classification may come after the decision).
ClassifiedAmong = Callable[[AsyncSession, Sequence[str]], Awaitable[set[str]]]


@strawberry.federation.type(shareable=True, description="One entry of a bureau's hash-chained decision trail "
                            "(R-OVS-1): who, when, what, why, the rule cited. An entry about a classified project "
                            "shows only its seq, links and digest to a reader without need to know (R-SEC-2).")
class DecisionTrailEntry:
    seq: int
    classified: bool
    withheld: bool = strawberry.field(description="The content is not shown to you (R-SEC-2).")
    at: datetime | None
    department: str | None
    unit: str | None
    actor: str | None = strawberry.field(description="The subject of the decider's token.")
    action: str | None
    subject_type: str | None = strawberry.field(description="What the decision is about: PROJECT, PLAN, ...")
    subject_id: str | None
    project_id: strawberry.ID | None
    rule: str | None = strawberry.field(description="The rule cited (R-xx).")
    reason: str | None
    content: str | None = strawberry.field(description="The canonical JSON that was hashed: SHA-256(content) is "
                                                       "contentDigest.")
    content_digest: str
    previous_hash: str
    entry_hash: str = strawberry.field(description="SHA-256 of canonical JSON {classified, content: contentDigest, "
                                                   "previous: previousHash, seq}.")


@strawberry.federation.type(shareable=True, description="The walk of a bureau's whole decision trail.")
class DecisionTrailVerification:
    entries: int = strawberry.field(description="Entries checked before the first broken one (all, if intact).")
    intact: bool
    first_broken_seq: int | None
    problem: str | None = strawberry.field(description="CONTENT_ALTERED, LINK_BROKEN or ENTRY_MISSING, and what.")
    head_seq: int
    head_hash: str


def entry_type(entry: TrailEntry) -> DecisionTrailEntry:
    content = entry.decision() or {}
    return DecisionTrailEntry(
        seq=entry.seq, classified=entry.classified, withheld=entry.content is None,
        at=datetime.fromisoformat(content["at"]) if content else None, department=content.get("department"),
        unit=content.get("unit"), actor=content.get("actor"), action=content.get("action"),
        subject_type=content.get("subject_type"), subject_id=content.get("subject_id"),
        project_id=content.get("project_id"), rule=content.get("rule"), reason=content.get("reason"),
        content=entry.content, content_digest=entry.content_digest, previous_hash=entry.previous_hash,
        entry_hash=entry.entry_hash)


def may_read_classified(identity: Identity) -> bool:
    return can_see_project(identity, unit_path=(), classified=True)


async def as_read_by(session: AsyncSession, entries: list[TrailEntry], identity: Identity,
                     classified_among: ClassifiedAmong | None) -> list[TrailEntry]:
    if may_read_classified(identity):
        return entries
    # A project classified after the entry was written is withheld too, wherever the entry names it.
    named = {e.seq: projects_named(content["project_id"], content["details"])
             for e in entries if (content := e.decision()) is not None}
    projects = sorted(set().union(*named.values()))
    classified_now = await classified_among(session, projects) if classified_among and projects else set()
    return [e.withheld() if e.classified or named.get(e.seq, set()) & classified_now else e for e in entries]


def trail_fields(service: str, bureau: Department, tables: TrailTables,
                 classified_among: ClassifiedAmong | None = None) -> tuple:
    """The two root query fields of `service`'s trail: assign them in its Query type as `<service>_trail` and
    `<service>_trail_verification`."""
    readers = (bureau, Department.SUPERVISORY_COMMISSION)

    async def read(info: strawberry.Info, first: int = 100, after: int = 0) -> list[DecisionTrailEntry]:
        async with info.context.runtime.reads() as session:
            entries = await DecisionTrail(tables, session).entries(max(0, after), max(1, min(first, MAX_PAGE)))
            shown = await as_read_by(session, entries, info.context.identity, classified_among)
        return [entry_type(entry) for entry in shown]

    async def verification(info: strawberry.Info) -> DecisionTrailVerification:
        async with info.context.runtime.reads() as session:
            report = await DecisionTrail(tables, session).verify()
        broken = report.broken
        return DecisionTrailVerification(
            entries=report.checked, intact=broken is None, first_broken_seq=broken.seq if broken else None,
            problem=f"{broken.kind}: {broken.problem}" if broken else None, head_seq=report.head_seq,
            head_hash=report.head_hash)

    return (restricted(readers, action=f"reading the {service} decision trail",
                       description=f"R-OVS-1: the {service} service's decision trail, `first` entries (at most "
                                   f"{MAX_PAGE}) after seq `after`, oldest first.")(read),
            restricted(readers, action=f"verifying the {service} decision trail",
                       description=f"R-OVS-1: walk the {service} service's whole decision trail and report the "
                                   f"first broken entry, if any.")(verification))
