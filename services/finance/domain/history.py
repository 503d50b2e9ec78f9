"""A case's decision history (R-OVS-1): who, when, what, why; each entry chained to the one before by its hash,
so that an entry altered or removed afterwards shows."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from services.finance.domain.budget_review import BudgetReviewStatus
from shared.auth import Identity


@dataclass(frozen=True)
class Actor:
    """Who decided: a signed-in caller, or the bureau whose event Finance recorded."""

    department: str
    unit: str | None
    subject: str

    @classmethod
    def of(cls, identity: Identity) -> "Actor":
        return cls(identity.department.value, identity.unit, identity.subject)

    @classmethod
    def event(cls, department: str, source: str, event_id: str) -> "Actor":
        return cls(department, None, f"event:{source}:{event_id}")


@dataclass(frozen=True)
class Decision:
    at: datetime
    action: str
    from_status: BudgetReviewStatus | None
    to_status: BudgetReviewStatus
    actor: Actor
    detail: Mapping[str, Any] = field(default_factory=dict)
    reason: str | None = None


def decision_hash(previous_hash: str | None, project_id: str, decision: Decision) -> str:
    """SHA-256 over the previous entry's hash and this entry's canonical content."""
    content = {
        "previous": previous_hash or "",
        "project_id": project_id,
        "at": decision.at.astimezone(timezone.utc).isoformat(),
        "action": decision.action,
        "from_status": decision.from_status.value if decision.from_status else None,
        "to_status": decision.to_status.value,
        "department": decision.actor.department,
        "unit": decision.actor.unit,
        "subject": decision.actor.subject,
        "detail": decision.detail,
        "reason": decision.reason,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def chain_is_intact(project_id: str, entries: Iterable[tuple[Decision, str | None, str]]) -> bool:
    """Check (decision, previous_hash, entry_hash) rows in order: each links to the one before and hashes right."""
    previous: str | None = None
    for decision, previous_hash, entry_hash in entries:
        if (previous_hash or None) != previous or decision_hash(previous, project_id, decision) != entry_hash:
            return False
        previous = entry_hash
    return True
