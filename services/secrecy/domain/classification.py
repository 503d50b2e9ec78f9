"""Classification (定密): the unit declares at submission, the Secrecy Bureau confirms, corrects or declassifies.

The register entry is the secrecy service's copy of a project's facts (fed by the approval service's events) plus
the bureau's classification. Until the bureau decides, the unit's latest declaration counts; once it decides, its
own decision is the fact, whatever the unit declares afterwards.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum

from services.secrecy.domain.authority import Command, authorize
from services.secrecy.domain.history import Decision, SubjectType, decision
from shared.auth import Identity
from shared.errors import refuse


class SecrecyLevel(str, Enum):
    SECRET = "SECRET"  # 秘密
    CONFIDENTIAL = "CONFIDENTIAL"  # 机密
    TOP_SECRET = "TOP_SECRET"  # 绝密


class ClassificationStatus(str, Enum):
    NOT_DECLARED = "NOT_DECLARED"  # the unit declared the project not classified
    DECLARED = "DECLARED"  # declared classified by the unit; awaits the Secrecy Bureau's confirmation
    CONFIRMED = "CONFIRMED"  # the Secrecy Bureau confirmed (or corrected) it classified, at `level`
    DECLASSIFIED = "DECLASSIFIED"  # the Secrecy Bureau decided it is not (or no longer) classified (解密)


BUREAU_DECIDED = frozenset({ClassificationStatus.CONFIRMED, ClassificationStatus.DECLASSIFIED})
CLASSIFIED_STATUSES = frozenset({ClassificationStatus.DECLARED, ClassificationStatus.CONFIRMED})


def status_on_submission(declared_classified: bool) -> ClassificationStatus:
    return ClassificationStatus.DECLARED if declared_classified else ClassificationStatus.NOT_DECLARED


@dataclass(frozen=True)
class ProjectFacts:
    """What another bureau's event tells the register about a project."""

    project_id: str
    code: str
    unit_id: str
    unit_path: tuple[str, ...]


@dataclass(frozen=True)
class RegisterEntry:
    """A project in the secrecy register, with its classification."""

    project_id: str
    code: str
    unit_id: str
    unit_path: tuple[str, ...]
    declared_classified: bool
    declared_at: datetime
    status: ClassificationStatus
    level: SecrecyLevel | None = None
    decided_at: datetime | None = None
    approved_at: datetime | None = None  # the project was approved (立项): a classified one needs a secrecy review
    accepted_at: datetime | None = None  # it passed completion acceptance: a classified one needs a pre-use review
    version: int = 0

    @property
    def classified(self) -> bool:
        """The bureau's latest fact: its own decision if it made one, else the unit's latest declaration."""
        return self.status in CLASSIFIED_STATUSES


def record_declaration(entry: RegisterEntry | None, facts: ProjectFacts, *, declared_classified: bool,
                       at: datetime) -> RegisterEntry:
    """The unit's declaration as an event carries it; an older declaration never overwrites a newer one, and the
    bureau's decision, once made, is kept."""
    if entry is None:
        return RegisterEntry(project_id=facts.project_id, code=facts.code, unit_id=facts.unit_id,
                             unit_path=tuple(facts.unit_path), declared_classified=declared_classified,
                             declared_at=at, status=status_on_submission(declared_classified))
    if at < entry.declared_at:
        return entry
    status = entry.status if entry.status in BUREAU_DECIDED else status_on_submission(declared_classified)
    return replace(entry, code=facts.code, unit_id=facts.unit_id, unit_path=tuple(facts.unit_path),
                   declared_classified=declared_classified, declared_at=at, status=status)


def mark_approved(entry: RegisterEntry, at: datetime) -> RegisterEntry:
    return entry if entry.approved_at is not None else replace(entry, approved_at=at)


def mark_accepted(entry: RegisterEntry, at: datetime) -> RegisterEntry:
    return entry if entry.accepted_at is not None else replace(entry, accepted_at=at)


def confirm(entry: RegisterEntry, level: SecrecyLevel, *, actor: Identity, now: datetime,
            reason: str | None = None) -> tuple[RegisterEntry, Decision]:
    """The bureau confirms the project classified at `level`, or corrects the level (定密)."""
    authorize(actor, Command.CONFIRM_CLASSIFICATION)
    if entry.status is ClassificationStatus.CONFIRMED and entry.level is level:
        raise refuse("R-SEC-2", f"the project is already confirmed classified at {level.value}", "level")
    reasons = (reason.strip(),) if reason and reason.strip() else ()
    updated = replace(entry, status=ClassificationStatus.CONFIRMED, level=level, decided_at=now,
                      version=entry.version + 1)
    line = decision(actor, SubjectType.PROJECT, entry.project_id, Command.CONFIRM_CLASSIFICATION.value, now, reasons,
                    level=level.value, previous_status=entry.status.value,
                    previous_level=entry.level.value if entry.level else None)
    return updated, line


def declassify(entry: RegisterEntry, reason: str, *, actor: Identity, now: datetime) -> tuple[RegisterEntry, Decision]:
    """The bureau decides the project is not, or no longer, classified (解密); it must say why."""
    authorize(actor, Command.DECLASSIFY_PROJECT)
    if not entry.classified:
        raise refuse("R-SEC-2", f"the project is not classified ({entry.status.value}); there is nothing to lift",
                     "projectId")
    reason = (reason or "").strip()
    if not reason:
        raise refuse("R-SEC-2", "a declassification must give its reason", "reason")
    updated = replace(entry, status=ClassificationStatus.DECLASSIFIED, level=None, decided_at=now,
                      version=entry.version + 1)
    line = decision(actor, SubjectType.PROJECT, entry.project_id, Command.DECLASSIFY_PROJECT.value, now, (reason,),
                    previous_status=entry.status.value, previous_level=entry.level.value if entry.level else None)
    return updated, line
