"""Events published by the audit service."""
from __future__ import annotations

from datetime import datetime
from enum import Enum

from shared.events.envelope import EventPayload, event
from shared.money import Fen

__all__ = ["ViolationType", "AuditFindingPublished", "AuditDrawCommitted", "AuditDrawRevealed"]


class ViolationType(str, Enum):
    """R-FIN-4 (Art 21): what an audit finding names."""

    RETENTION = "RETENTION"  # 滞留
    INTERCEPTION = "INTERCEPTION"  # 截留
    ENCROACHMENT = "ENCROACHMENT"  # 挤占
    MISAPPROPRIATION = "MISAPPROPRIATION"  # 挪用
    FALSE_LISTING = "FALSE_LISTING"  # 虚列
    FRAUDULENT_OBTAINING = "FRAUDULENT_OBTAINING"  # 套取
    OTHER = "OTHER"


@event("audit.finding.published.v1")
class AuditFindingPublished(EventPayload):
    """An audit engagement's finding, which Finance acts on (R-FIN-4). The evidence stays with the Audit Bureau."""

    finding_id: str
    engagement_id: str
    project_id: str
    violation_type: ViolationType
    amount: Fen
    summary: str
    published_at: datetime


@event("audit.draw.committed.v1")
class AuditDrawCommitted(EventPayload):
    """The Audit Bureau committed to the year's draw before its seed is known (R-AUD-2): the frozen frame's digest,
    the proportion, the method and the seed commitment. The frame itself is published with the plan."""

    draw_id: str
    jurisdiction: str
    year: int
    proportion: str  # exact decimal text, e.g. "0.15"
    method: str  # SRS / PPS
    stratify_by: str  # NONE / UNIT / KIND
    frame_digest: str
    frame_count: int
    frame_amount: Fen
    commitment_kind: str  # SECRET_HASH / PUBLIC_RANDOMNESS
    seed_commitment: str | None  # SHA-256 of the secret seed
    randomness_source: str | None  # the public randomness value to come (a drand round, a NIST beacon pulse)
    commitment_digest: str
    committed_at: datetime


@event("audit.draw.revealed.v1")
class AuditDrawRevealed(EventPayload):
    """The seed was revealed, matched its commitment, and the draw was made (R-AUD-2)."""

    draw_id: str
    jurisdiction: str
    year: int
    seed: str
    selection_digest: str
    selected_count: int
    selected_amount: Fen
    drawn_at: datetime
