"""Who may see a project (R-SEC-2, R-PUB-1): one rule, applied by every subgraph to its own copy of the facts, and
to each event by the audience its emitting service stamped on it."""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from shared.auth import Department, Identity

if TYPE_CHECKING:
    from shared.events import Envelope

APPLICANTS = frozenset({Department.CONSTRUCTION_UNIT, Department.BIG_DATA_CENTER})
# The bureaus whose work touches every project, classified ones included (R-SEC-2: "the bureaus in its workflow").
WORKFLOW_BUREAUS = frozenset(
    {Department.APPROVAL_BUREAU, Department.FINANCE_BUREAU, Department.AUDIT_BUREAU, Department.SECRECY_BUREAU}
)
# The bodies above the bureaus: they read every project, a classified one only with clearance. The city government
# approves the annual construction plan (R-PLN-1) and must read what it approves.
OVERSIGHT = frozenset({Department.LEADING_GROUP, Department.CITY_GOVERNMENT, Department.SUPERVISORY_COMMISSION})
SECRECY_CLEARANCE_ROLE = "SECRECY_CLEARANCE"


def unit_manages(identity: Identity, unit_path: Sequence[str]) -> bool:
    """A unit manages its own projects and those of its subordinate units (二级机构)."""
    return identity.unit is not None and identity.unit in unit_path


def can_see_project(identity: Identity, *, unit_path: Sequence[str], classified: bool, published: bool = False) -> bool:
    if identity.department in WORKFLOW_BUREAUS:
        return True
    if identity.department in OVERSIGHT:
        return not classified or SECRECY_CLEARANCE_ROLE in identity.roles
    if identity.department in APPLICANTS and unit_manages(identity, unit_path):
        return True
    # Everyone else, the public included, sees only what is published, and a classified project never is.
    return published and not classified


def can_see_event(identity: Identity, envelope: Envelope) -> bool:
    """Need to know for one event (a subscription's): an event without audience reaches only the workflow bureaus."""
    audience = envelope.audience
    if audience is None:
        return identity.department in WORKFLOW_BUREAUS
    return can_see_project(identity, unit_path=audience.unit_path, classified=audience.classified)


def outside_readable(envelope: Envelope) -> bool:
    """An event leaves for another agency (its feed, its webhooks) only when it is about one project, whose audience
    the emitter stamped, that is not classified: the public's view of the bus. Fail closed."""
    return envelope.audience is not None and not envelope.audience.classified
