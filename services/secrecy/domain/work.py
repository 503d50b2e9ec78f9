"""What waits on whom in the secrecy service (`myWork`): the Secrecy Bureau's classifications, reviews and
graded-protection evaluations and pre-use decisions, and the unit's fixes after a failed review or evaluation.
Pure, no I/O."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.secrecy.domain.classification import CLASSIFIED_STATUSES, ClassificationStatus
from services.secrecy.domain.pre_use import PreUseStatus
from services.secrecy.domain.review import SecrecyReviewStatus
from shared.auth import Department, Identity
from shared.visibility import APPLICANTS, can_see_project, unit_manages
from shared.work import Work, WorkKind as K

SERVICE = "secrecy"
BUREAU, UNIT = "BUREAU", "UNIT"

# Whose turn it is in each waiting state, for what: (case, status) -> (who, kind).
WAITING: dict[tuple[str, str], tuple[str, K]] = {
    ("classification", ClassificationStatus.DECLARED.value): (BUREAU, K.DECIDE_CLASSIFICATION),
    ("review", SecrecyReviewStatus.OPEN.value): (BUREAU, K.CONCLUDE_SECRECY_REVIEW),
    ("review", SecrecyReviewStatus.FAILED.value): (UNIT, K.FIX_SECRECY_REVIEW_FINDINGS),
    ("pre_use", PreUseStatus.AWAITING_EVALUATION.value): (BUREAU, K.RECORD_GRADED_PROTECTION_EVALUATION),
    ("pre_use", PreUseStatus.EVALUATION_PASSED.value): (BUREAU, K.DECIDE_PRE_USE),
    ("pre_use", PreUseStatus.EVALUATION_FAILED.value): (UNIT, K.FIX_GRADED_PROTECTION_FINDINGS),
}


@dataclass(frozen=True)
class Waiting:
    """A case of a project in a status, since the decision that put it there."""

    case: str
    status: str
    since: datetime
    project_id: str
    code: str
    unit_path: tuple[str, ...]
    classification: str


def statuses(case: str) -> list[str]:
    return [status for (c, status) in WAITING if c == case]


def waiting_work(identity: Identity, waiting: Waiting) -> list[Work]:
    who, kind = WAITING.get((waiting.case, waiting.status), (None, None))
    classified = waiting.classification in {s.value for s in CLASSIFIED_STATUSES}
    if who is None or not can_see_project(identity, unit_path=waiting.unit_path, classified=classified):
        return []
    if who == BUREAU and identity.department is not Department.SECRECY_BUREAU:
        return []
    if who == UNIT and not (identity.department in APPLICANTS and unit_manages(identity, waiting.unit_path)):
        return []
    return [Work(kind=kind, service=SERVICE, waiting_since=waiting.since, project_id=waiting.project_id,
                 code=waiting.code)]
