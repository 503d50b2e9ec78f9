"""The decision history (R-OVS-1): who, when, what, why. Each subject's lines (a project's, a vendor's) form a
chain: every line carries the hash of the one before, so a line altered or removed afterwards shows."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum

from shared.auth import Department, Identity

SYSTEM_ACTOR = "system"
GENESIS = ""  # the "previous hash" of a subject's first line


class SubjectType(str, Enum):
    PROJECT = "PROJECT"
    VENDOR = "VENDOR"


@dataclass(frozen=True)
class Decision:
    subject_type: SubjectType
    subject_id: str
    action: str
    at: datetime
    department: str
    unit: str | None
    actor: str
    reasons: tuple[str, ...] = ()
    details: Mapping[str, object] = field(default_factory=dict)
    # Set when the line is stored; not part of what is hashed.
    previous_hash: str = GENESIS
    entry_hash: str = ""


def decision(actor: Identity, subject_type: SubjectType, subject_id: str, action: str, at: datetime,
             reasons: tuple[str, ...] = (), **details: object) -> Decision:
    return Decision(subject_type, subject_id, action, at, actor.department.value, actor.unit, actor.subject,
                    reasons, details)


def system_decision(subject_id: str, action: str, at: datetime, because_of: str) -> Decision:
    """A line written by the service itself on receiving another bureau's event (e.g. a review case opened)."""
    return Decision(SubjectType.PROJECT, subject_id, action, at, Department.SECRECY_BUREAU.value, None, SYSTEM_ACTOR,
                    (), {"event": because_of})


def decision_hash(previous_hash: str, line: Decision) -> str:
    """SHA-256 over the previous line's hash and this line's canonical content."""
    content = {
        "previous": previous_hash, "subject_type": line.subject_type.value, "subject_id": line.subject_id,
        "action": line.action, "at": line.at.astimezone(timezone.utc).isoformat(), "department": line.department,
        "unit": line.unit, "actor": line.actor, "reasons": list(line.reasons), "details": dict(line.details),
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def chain_is_intact(lines: Iterable[Decision]) -> bool:
    """One subject's stored lines, oldest first: each links to the one before and hashes right."""
    previous = GENESIS
    for line in lines:
        if line.previous_hash != previous or decision_hash(previous, line) != line.entry_hash:
            return False
        previous = line.entry_hash
    return True
