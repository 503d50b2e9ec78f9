"""The money trail (R-OVS-1): every decision Finance takes on a project's funds or on a special-fund plan (who,
when, what, why), each entry chained by its hash to the one before in the same chain, so that an entry altered or
removed afterwards shows. A chain is one project's money (`project:<id>`) or one plan (`plan:<jurisdiction>:<year>`).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from services.finance.domain.history import Actor


def project_chain(project_id: str) -> str:
    return f"project:{project_id}"


def plan_chain(jurisdiction: str, year: int) -> str:
    return f"plan:{jurisdiction}:{year}"


@dataclass(frozen=True)
class TrailEntry:
    at: datetime
    action: str
    actor: Actor
    detail: Mapping[str, Any] = field(default_factory=dict)
    reason: str | None = None


def entry_hash(previous_hash: str | None, chain: str, entry: TrailEntry) -> str:
    """SHA-256 over the previous entry's hash and this entry's canonical content."""
    content = {
        "previous": previous_hash or "",
        "chain": chain,
        "at": entry.at.astimezone(timezone.utc).isoformat(),
        "action": entry.action,
        "department": entry.actor.department,
        "unit": entry.actor.unit,
        "subject": entry.actor.subject,
        "detail": entry.detail,
        "reason": entry.reason,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def trail_is_intact(chain: str, entries: Iterable[tuple[TrailEntry, str | None, str]]) -> bool:
    """Check (entry, previous_hash, entry_hash) rows in order: each links to the one before and hashes right."""
    previous: str | None = None
    for entry, previous_hash, own_hash in entries:
        if (previous_hash or None) != previous or entry_hash(previous, chain, entry) != own_hash:
            return False
        previous = own_hash
    return True
