"""The decision trail (R-OVS-1): every decision of a service (who, when, what, why, under which rule) is one entry of
the service's single hash chain, so that an entry altered, removed or reordered afterwards shows. Pure: no I/O
(storing is `shared.trail_store`, the GraphQL view `shared.trail_graphql`).

The encoding, for anyone who checks a trail with tools of their own:
    content        = canonical JSON of the decision: UTF-8, keys sorted, no whitespace (`canonical`)
    content_digest = SHA-256 hex of the content
    entry_hash     = SHA-256 hex of canonical JSON {"classified", "content": content_digest, "previous", "seq"}
where `previous` is the entry_hash of the entry before (64 zeros before the first) and `seq` counts from 1.
The links bind only the content's digest, so an entry about a classified project (R-SEC-2) can be shown without its
content to a reader without need to know while every link stays checkable.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from decimal import Decimal
from enum import Enum
from typing import Any

from shared.auth import Identity

GENESIS = "0" * 64

# What `verify` names as wrong with the first broken entry.
CONTENT_ALTERED = "CONTENT_ALTERED"  # the entry's content (or a column read from it) differs from what was hashed
LINK_BROKEN = "LINK_BROKEN"          # the entry does not link to the one before it, or its own hash does not fit
ENTRY_MISSING = "ENTRY_MISSING"      # an entry was removed (a gap in the sequence, or cut off at the end)

# The columns stored beside the content so that a trail can be searched; they must say what the content says.
INDEXED = ("at", "action", "subject_type", "subject_id", "project_id")


def _plain(value: Any) -> Any:
    """The JSON value of what a decision records: enums by value, instants in UTC, dates and decimals as text."""
    if isinstance(value, Enum):
        return _plain(value.value)
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(item) for item in value]
        return sorted(items, key=canonical) if isinstance(value, (set, frozenset)) else items
    return value


def canonical(value: Any) -> str:
    return json.dumps(_plain(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Decision:
    """One decision: who (department, unit, the token's subject), when (UTC), what (the action, and the subject it
    is about: a project or another record), why (the reason), the rule cited, and what was decided (details)."""

    at: datetime
    department: str
    unit: str | None
    actor: str
    action: str
    subject_type: str
    subject_id: str
    project_id: str | None = None
    rule: str | None = None
    reason: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    classified: bool = False  # about a classified project: content withheld from readers without need to know

    @classmethod
    def by(cls, identity: Identity, *, at: datetime, action: str, subject_type: str, subject_id: str,
           **rest: Any) -> "Decision":
        """A decision taken by a signed-in caller."""
        return cls(at=at, department=identity.department.value, unit=identity.unit, actor=identity.subject,
                   action=action, subject_type=subject_type, subject_id=subject_id, **rest)

    def content(self) -> str:
        return canonical({"at": self.at, "department": self.department, "unit": self.unit, "actor": self.actor,
                          "action": self.action, "subject_type": self.subject_type, "subject_id": self.subject_id,
                          "project_id": self.project_id, "rule": self.rule, "reason": self.reason,
                          "details": self.details})


def link_hash(seq: int, previous_hash: str, content_digest: str, classified: bool) -> str:
    return sha256(canonical({"seq": seq, "previous": previous_hash, "content": content_digest,
                             "classified": classified}))


@dataclass(frozen=True)
class TrailEntry:
    """A stored entry. `content` is None where it is withheld from the reader; `indexed` holds the searchable
    columns as stored (None where not read), which `verify` holds to the content."""

    seq: int
    previous_hash: str
    content_digest: str
    entry_hash: str
    classified: bool
    content: str | None
    indexed: Mapping[str, Any] | None = None

    def decision(self) -> dict[str, Any] | None:
        return json.loads(self.content) if self.content is not None else None

    def withheld(self) -> "TrailEntry":
        return replace(self, content=None, indexed=None)


def chain(seq: int, previous_hash: str, decision: Decision) -> TrailEntry:
    """The entry recording `decision` as number `seq`, after the entry whose hash is `previous_hash`."""
    content = decision.content()
    digest = sha256(content)
    return TrailEntry(seq, previous_hash, digest, link_hash(seq, previous_hash, digest, decision.classified),
                      decision.classified, content, indexed_of(json.loads(content)))


def projects_named(project_id: str | None, details: Mapping[str, Any]) -> set[str]:
    """The projects an entry speaks of: the one it is about, and those its details name (a plan's lines, an item's
    project). An entry is as secret as the most secret of them (R-SEC-2)."""
    named = {project_id} if project_id else set()
    if isinstance(details.get("project_id"), str):
        named.add(details["project_id"])
    if isinstance(details.get("lines"), Mapping):
        named |= {key for key in details["lines"] if isinstance(key, str)}
    return named


def indexed_of(content: Mapping[str, Any]) -> dict[str, Any]:
    return {name: content.get(name) for name in INDEXED}


@dataclass(frozen=True)
class BrokenLink:
    seq: int
    kind: str  # CONTENT_ALTERED, LINK_BROKEN or ENTRY_MISSING
    problem: str


@dataclass(frozen=True)
class TrailReport:
    checked: int
    withheld: int  # entries whose links were checked but whose content the reader may not see
    head_seq: int
    head_hash: str
    broken: BrokenLink | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def verify(entries: Iterable[TrailEntry], *, head: tuple[int, str] | None = None, after_seq: int = 0,
           after_hash: str = GENESIS) -> TrailReport:
    """Walk the entries in order and stop at the first broken one. `head` is the chain head as the store records it
    (catches entries cut off at the end); (after_seq, after_hash) start after a trusted entry."""
    expected, previous, checked, withheld = after_seq + 1, after_hash, 0, 0

    def report(broken: BrokenLink | None) -> TrailReport:
        return TrailReport(checked, withheld, expected - 1, previous, broken)

    for entry in entries:
        if entry.seq != expected:
            return report(BrokenLink(expected, ENTRY_MISSING, f"entry {expected} is missing (entry {entry.seq} "
                                                              f"stands in its place)"))
        if entry.previous_hash != previous:
            return report(BrokenLink(entry.seq, LINK_BROKEN, f"entry {entry.seq} does not link to the entry before "
                                                             f"it"))
        if entry.content is None:
            withheld += 1
        elif sha256(entry.content) != entry.content_digest:
            return report(BrokenLink(entry.seq, CONTENT_ALTERED, f"entry {entry.seq}'s content was altered after "
                                                                 f"it was written"))
        elif entry.indexed is not None and dict(entry.indexed) != indexed_of(json.loads(entry.content)):
            return report(BrokenLink(entry.seq, CONTENT_ALTERED, f"entry {entry.seq}'s columns were altered: they "
                                                                 f"no longer say what its hashed content says"))
        if link_hash(entry.seq, entry.previous_hash, entry.content_digest, entry.classified) != entry.entry_hash:
            return report(BrokenLink(entry.seq, CONTENT_ALTERED, f"entry {entry.seq}'s hash does not match its "
                                                                 f"content and link"))
        previous, expected, checked = entry.entry_hash, expected + 1, checked + 1
    if head is not None and head != (expected - 1, previous):
        head_seq, head_hash = head
        if head_seq > expected - 1:
            return report(BrokenLink(expected, ENTRY_MISSING, f"entries {expected} to {head_seq} are missing at the "
                                                              f"end (the chain head records {head_seq})"))
        return report(BrokenLink(expected - 1 if head_seq == expected - 1 else head_seq + 1, LINK_BROKEN,
                                 f"the chain head ({head_seq} {head_hash[:12]}…) does not match the last entry "
                                 f"({expected - 1})"))
    return report(None)
