"""Who may make each of the Audit Bureau's decisions (Article 5) and who may read what: the table in one place.

Every command of this service is the Audit Bureau's own (市审计局): the annual plan's draw, engagements, findings.
"""
from __future__ import annotations

from enum import Enum

from shared.auth import Department, Identity
from shared.errors import PermissionDenied
from shared.visibility import OVERSIGHT, WORKFLOW_BUREAUS


class Command(str, Enum):
    COMMIT_DRAW = "COMMIT_DRAW"
    REVEAL_DRAW = "REVEAL_DRAW"
    OPEN_ENGAGEMENT = "OPEN_ENGAGEMENT"
    START_FIELDWORK = "START_FIELDWORK"
    PUBLISH_FINDING = "PUBLISH_FINDING"
    CLOSE_ENGAGEMENT = "CLOSE_ENGAGEMENT"


AUDIT_BUREAU_ONLY = frozenset({Department.AUDIT_BUREAU})

# The permission table: every command, and the departments that may give it.
AUTHORITY: dict[Command, frozenset[Department]] = {command: AUDIT_BUREAU_ONLY for command in Command}

# The plans and their draws are published to the bureaus and the oversight bodies (R-AUD-2: checkable); a published
# frame never holds a classified project. The evidence behind a finding is for the bureau and the oversight bodies
# (the decision trail's readers are shared.trail_graphql's).
PLAN_READERS = tuple(sorted(WORKFLOW_BUREAUS | OVERSIGHT, key=lambda d: d.value))
EVIDENCE_READERS = tuple(sorted(OVERSIGHT | {Department.AUDIT_BUREAU}, key=lambda d: d.value))


def authorize(actor: Identity, command: Command) -> None:
    """Refuse (FORBIDDEN) unless the actor's department may give the command; say which department it needs."""
    allowed = AUTHORITY[command]
    if actor.department not in allowed:
        needed = " or ".join(sorted(d.value for d in allowed))
        raise PermissionDenied(f"{command.value.lower().replace('_', ' ')} is for {needed}; "
                               f"you are {actor.department.value}")


def may_read_evidence(actor: Identity) -> bool:
    return actor.department in EVIDENCE_READERS

