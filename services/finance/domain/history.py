"""A case's decision history (R-OVS-1): who, when, what, why. Each decision is stored on the service's
hash-chained decision trail (shared.trail)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
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
