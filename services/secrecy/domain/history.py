"""The decision history (R-OVS-1): who, when, what, why, about a project or a vendor. Each line is stored as an entry
of the service's hash-chained decision trail (shared.trail), which carries its hashes."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from shared.auth import Department, Identity

SYSTEM_ACTOR = "system"


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
    # Set when the line is read back from the trail.
    previous_hash: str = ""
    entry_hash: str = ""


def decision(actor: Identity, subject_type: SubjectType, subject_id: str, action: str, at: datetime,
             reasons: tuple[str, ...] = (), **details: object) -> Decision:
    return Decision(subject_type, subject_id, action, at, actor.department.value, actor.unit, actor.subject,
                    reasons, details)


def system_decision(subject_id: str, action: str, at: datetime, because_of: str) -> Decision:
    """A line written by the service itself on receiving another bureau's event (e.g. a review case opened)."""
    return Decision(SubjectType.PROJECT, subject_id, action, at, Department.SECRECY_BUREAU.value, None, SYSTEM_ACTOR,
                    (), {"event": because_of})
