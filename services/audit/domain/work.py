"""What waits on the Audit Bureau in the audit service (`myWork`). Pure, no I/O: the adapter reads the candidates
(a bounded number of statements) and these rules say whether the caller acts on them and since when."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.auth import Department, Identity
from shared.work import ProjectRef, Work, WorkKind as K

SERVICE = "audit"


def acts(identity: Identity) -> bool:
    """Every command of the audit service is the Audit Bureau's (domain/authority.py)."""
    return identity.department is Department.AUDIT_BUREAU


def _work(identity: Identity, kind: K, since: datetime, project: ProjectRef) -> list[Work]:
    if not acts(identity) or not project.seen_by(identity):
        return []
    return [project.work(kind, SERVICE, since)]


def unplanned_work(identity: Identity, jurisdiction: str, first_accepted_at: datetime) -> list[Work]:
    """R-AUD-1, R-AUD-3: accepted projects of a jurisdiction in no plan yet wait for the next plan's commitment,
    since the first of them was accepted."""
    if not acts(identity):
        return []
    return [Work(kind=K.COMMIT_AUDIT_PLAN, service=SERVICE, waiting_since=first_accepted_at,
                 jurisdiction=jurisdiction)]


def draw_work(identity: Identity, jurisdiction: str, year: int, committed_at: datetime) -> list[Work]:
    """R-AUD-2: a committed plan waits for its seed to be revealed and the draw made."""
    if not acts(identity):
        return []
    return [Work(kind=K.REVEAL_AUDIT_DRAW, service=SERVICE, waiting_since=committed_at, jurisdiction=jurisdiction,
                 year=year)]


def engagement_to_open(identity: Identity, project: ProjectRef, in_plan_since: datetime) -> list[Work]:
    """A project in the plan (by threshold or classification at the commitment, by the draw after it) without an
    engagement."""
    return _work(identity, K.OPEN_AUDIT_ENGAGEMENT, in_plan_since, project)


def engagement_work(identity: Identity, project: ProjectRef, status: str, opened_at: datetime,
                    fieldwork_started_at: datetime | None, last_finding_at: datetime | None) -> list[Work]:
    """An open engagement waits for its fieldwork; one in fieldwork or with findings waits to be closed, since the
    latest of its fieldwork's start and its last finding."""
    if status == "OPEN":
        return _work(identity, K.START_AUDIT_FIELDWORK, opened_at, project)
    if status in ("FIELDWORK", "FINDINGS"):
        since = max(t for t in (fieldwork_started_at, last_finding_at, opened_at) if t is not None)
        return _work(identity, K.CLOSE_AUDIT_ENGAGEMENT, since, project)
    return []
