"""The money trail (R-OVS-1): every decision Finance takes on a project's funds or on a special-fund plan (who,
when, what, why). Each entry is stored on the service's hash-chained decision trail (shared.trail), about its
subject: a project's money (`project_chain`) or one plan (`plan_chain`)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.finance.domain.history import Actor


@dataclass(frozen=True)
class Subject:
    """What a run of entries is about, as the trail records it."""

    type: str
    id: str
    project_id: str | None = None


def project_chain(project_id: str) -> Subject:
    return Subject("PROJECT", project_id, project_id)


def plan_chain(jurisdiction: str, year: int) -> Subject:
    return Subject("SPECIAL_FUND_PLAN", f"{jurisdiction}:{year}")


def case_subject(case_id: str, project_id: str) -> Subject:
    return Subject("BUDGET_REVIEW", case_id, project_id)


@dataclass(frozen=True)
class TrailEntry:
    at: datetime
    action: str
    actor: Actor
    detail: Mapping[str, Any] = field(default_factory=dict)
    reason: str | None = None

