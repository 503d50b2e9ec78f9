"""The Audit Bureau's audit trail (R-OVS-1): every decision (who, when, what, why) as one entry of a single chain.

Each entry stores its content as canonical JSON text and two hashes:
    content_digest = SHA-256(content text)
    entry_hash     = SHA-256(canonical JSON of {seq, previous, content, classified})
where `previous` is the entry_hash of the entry before (64 zeros for the first). An entry altered, removed or
reordered afterwards breaks the link at that point, which `verify_chain` reports. The content of an entry about a
classified project can be withheld from a reader without need to know (R-SEC-2) while the links stay checkable.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone

GENESIS = "0" * 64


class SubjectType:
    PLAN = "PLAN"
    ENGAGEMENT = "ENGAGEMENT"
    FINDING = "FINDING"


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Decision:
    """What the bureau decided: who, when, what, about which subject, and why."""

    at: datetime
    department: str
    unit: str | None
    actor: str
    action: str
    subject_type: str
    subject_id: str
    project_id: str | None = None
    classified: bool = False
    reason: str | None = None
    details: Mapping[str, object] = field(default_factory=dict)

    def content(self) -> str:
        return _canonical({"at": self.at.astimezone(timezone.utc).isoformat(), "department": self.department,
                           "unit": self.unit, "actor": self.actor, "action": self.action,
                           "subject_type": self.subject_type, "subject_id": self.subject_id,
                           "project_id": self.project_id, "reason": self.reason, "details": dict(self.details)})


@dataclass(frozen=True)
class TrailEntry:
    seq: int
    previous_hash: str
    content_digest: str
    entry_hash: str
    classified: bool
    content: str | None  # canonical JSON text; None where withheld from the reader

    def to_json(self) -> dict:
        return {"seq": self.seq, "previous_hash": self.previous_hash, "content_digest": self.content_digest,
                "entry_hash": self.entry_hash, "classified": self.classified, "content": self.content}

    @classmethod
    def from_json(cls, value: Mapping) -> "TrailEntry":
        return cls(seq=int(value["seq"]), previous_hash=str(value["previous_hash"]),
                   content_digest=str(value["content_digest"]), entry_hash=str(value["entry_hash"]),
                   classified=bool(value["classified"]), content=value.get("content"))

    def withheld(self) -> "TrailEntry":
        return TrailEntry(self.seq, self.previous_hash, self.content_digest, self.entry_hash, self.classified, None)


def link_hash(seq: int, previous_hash: str, content_digest: str, classified: bool) -> str:
    return _sha256(_canonical({"seq": seq, "previous": previous_hash, "content": content_digest,
                               "classified": classified}))


def append(previous: TrailEntry | None, decision: Decision) -> TrailEntry:
    """The entry that records `decision` after `previous` (None: the first entry of the trail)."""
    seq, before = (1, GENESIS) if previous is None else (previous.seq + 1, previous.entry_hash)
    content = decision.content()
    digest = _sha256(content)
    return TrailEntry(seq, before, digest, link_hash(seq, before, digest, decision.classified),
                      decision.classified, content)


@dataclass(frozen=True)
class BrokenLink:
    seq: int
    problem: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    withheld: int  # entries whose links were checked but whose content the reader may not see
    head_seq: int
    head_hash: str
    broken: BrokenLink | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def verify_chain(entries: Iterable[TrailEntry], *, after_seq: int = 0, after_hash: str = GENESIS) -> ChainReport:
    """Walk the entries in order and stop at the first broken link. Start after a trusted entry (after_seq,
    after_hash) to check only the tail; by default from the beginning."""
    expected_seq, previous, checked, withheld = after_seq + 1, after_hash, 0, 0

    def report(broken: BrokenLink | None) -> ChainReport:
        return ChainReport(checked, withheld, expected_seq - 1, previous, broken)

    for entry in entries:
        if entry.seq != expected_seq:
            return report(BrokenLink(expected_seq, f"entry {expected_seq} is missing or out of order "
                                                   f"(found entry {entry.seq} in its place)"))
        if entry.previous_hash != previous:
            return report(BrokenLink(entry.seq, f"entry {entry.seq} does not link to the entry before it"))
        if entry.content is None:
            withheld += 1
        elif _sha256(entry.content) != entry.content_digest:
            return report(BrokenLink(entry.seq, f"entry {entry.seq}'s content was altered after it was written"))
        if link_hash(entry.seq, entry.previous_hash, entry.content_digest, entry.classified) != entry.entry_hash:
            return report(BrokenLink(entry.seq, f"entry {entry.seq}'s hash does not match its content and link"))
        previous, expected_seq, checked = entry.entry_hash, expected_seq + 1, checked + 1
    return report(None)
