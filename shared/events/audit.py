"""Events published by the audit service."""
from __future__ import annotations

from datetime import datetime
from enum import Enum

from shared.events.envelope import EventPayload, event
from shared.money import Fen

__all__ = ["ViolationType", "AuditFindingPublished"]


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
