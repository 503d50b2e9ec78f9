"""What waits on a department (`myWork`): the kinds of work, one piece of it, and the queue's order. Pure, no I/O.

Each service finds the work waiting in its own records, for the caller it is asked by; the approval service merges
the four lists into one. A piece of work waits since the instant of the decision that put it there, and the oldest
comes first. The kinds and who they wait on are documented in docs/decisions.md ("What waits on whom").
"""
from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from shared.auth import Identity
from shared.visibility import can_see_project

# At most this many items in one list; the counts are always exact.
MAX_ITEMS = 100


class WorkKind(str, Enum):
    """A stable code for what is to be done; the service and the department it waits on are in the docs."""

    # approval: the Approval Bureau
    APPROVE_PROJECT = "APPROVE_PROJECT"
    CONCLUDE_TECHNICAL_REVIEW = "CONCLUDE_TECHNICAL_REVIEW"
    DECIDE_CHANGE = "DECIDE_CHANGE"
    DECIDE_COMPLETION_ACCEPTANCE = "DECIDE_COMPLETION_ACCEPTANCE"
    REVIEW_SELF_EVALUATION = "REVIEW_SELF_EVALUATION"
    CONFIRM_RECTIFICATION = "CONFIRM_RECTIFICATION"
    REVISE_CONSTRUCTION_PLAN = "REVISE_CONSTRUCTION_PLAN"
    # approval: the Leading Group and the city government (R-PLN-1)
    REVIEW_CONSTRUCTION_PLAN = "REVIEW_CONSTRUCTION_PLAN"
    APPROVE_CONSTRUCTION_PLAN = "APPROVE_CONSTRUCTION_PLAN"
    # approval: the construction unit
    SUBMIT_DRAFT_PROJECT = "SUBMIT_DRAFT_PROJECT"
    REVISE_REJECTED_PROJECT = "REVISE_REJECTED_PROJECT"
    ANSWER_ACCEPTANCE_REFUSAL = "ANSWER_ACCEPTANCE_REFUSAL"
    RECTIFY_PERFORMANCE = "RECTIFY_PERFORMANCE"
    # finance: the Finance Bureau (and the Approval Bureau's signature, the Leading Group's review)
    ISSUE_BUDGET_REVIEW_REPORT = "ISSUE_BUDGET_REVIEW_REPORT"
    SIGN_SPECIAL_FUND_PLAN = "SIGN_SPECIAL_FUND_PLAN"
    REVIEW_SPECIAL_FUND_PLAN = "REVIEW_SPECIAL_FUND_PLAN"
    REVIEW_SETTLEMENT = "REVIEW_SETTLEMENT"
    CONCLUDE_SPOT_CHECK = "CONCLUDE_SPOT_CHECK"
    ACT_ON_AUDIT_FINDING = "ACT_ON_AUDIT_FINDING"
    REMIND_ASSET_REGISTRATION = "REMIND_ASSET_REGISTRATION"
    # finance: the construction unit
    REGISTER_ASSETS = "REGISTER_ASSETS"
    ANSWER_ASSET_REMINDER = "ANSWER_ASSET_REMINDER"
    # audit: the Audit Bureau
    COMMIT_AUDIT_PLAN = "COMMIT_AUDIT_PLAN"
    REVEAL_AUDIT_DRAW = "REVEAL_AUDIT_DRAW"
    OPEN_AUDIT_ENGAGEMENT = "OPEN_AUDIT_ENGAGEMENT"
    START_AUDIT_FIELDWORK = "START_AUDIT_FIELDWORK"
    CLOSE_AUDIT_ENGAGEMENT = "CLOSE_AUDIT_ENGAGEMENT"
    # secrecy: the Secrecy Bureau
    DECIDE_CLASSIFICATION = "DECIDE_CLASSIFICATION"
    CONCLUDE_SECRECY_REVIEW = "CONCLUDE_SECRECY_REVIEW"
    RECORD_GRADED_PROTECTION_EVALUATION = "RECORD_GRADED_PROTECTION_EVALUATION"
    DECIDE_PRE_USE = "DECIDE_PRE_USE"
    # secrecy: the construction unit
    FIX_SECRECY_REVIEW_FINDINGS = "FIX_SECRECY_REVIEW_FINDINGS"
    FIX_GRADED_PROTECTION_FINDINGS = "FIX_GRADED_PROTECTION_FINDINGS"


@dataclass(frozen=True)
class Work:
    """One piece of work: what, in which service, about which project (or plan: its jurisdiction and year), and
    since when it waits."""

    kind: WorkKind
    service: str
    waiting_since: datetime
    project_id: str | None = None
    code: str | None = None
    title: str | None = None
    jurisdiction: str | None = None
    year: int | None = None

    def order(self) -> tuple:
        return (self.waiting_since, self.kind.value, self.code or "", self.project_id or "",
                self.jurisdiction or "", self.year or 0)


@dataclass(frozen=True)
class ProjectRef:
    """What a service knows of a project, enough to say who may see its work (R-SEC-2)."""

    id: str
    code: str
    jurisdiction: str
    unit_path: tuple[str, ...]
    classified: bool

    def seen_by(self, identity: Identity) -> bool:
        return can_see_project(identity, unit_path=self.unit_path, classified=self.classified)

    def work(self, kind: WorkKind, service: str, since: datetime) -> Work:
        """A piece of work about this project."""
        return Work(kind=kind, service=service, waiting_since=since, project_id=self.id, code=self.code,
                    jurisdiction=self.jurisdiction)


def owner_of(identity: Identity) -> str:
    """The queue's key: opaque to clients, naming the caller's department and unit. A subgraph answers a key only
    for the caller it names; the work itself is always found from the caller's own (verified) identity."""
    text = f"{identity.department.value}:{identity.unit or ''}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def oldest_first(works: Iterable[Work]) -> list[Work]:
    return sorted(works, key=Work.order)


def counts(works: Iterable[Work]) -> dict[WorkKind, int]:
    """How many of each kind, in the order of the kinds' table."""
    counted = Counter(work.kind for work in works)
    return {kind: counted[kind] for kind in WorkKind if counted[kind]}


def bounded(first: int) -> int:
    """`first` held to 0..MAX_ITEMS."""
    return max(0, min(first, MAX_ITEMS))


def waiting_seconds(since: datetime, now: datetime) -> int:
    return max(0, int((now - since).total_seconds()))
