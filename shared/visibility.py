"""Who may see a project (R-SEC-2, R-PUB-1): one rule, applied by every subgraph to its own copy of the facts, and
to each event by the audience its emitting service stamped on it."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, and_, false, not_, or_, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnClause, FunctionElement
from sqlalchemy.types import Boolean

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


def project_visible_sql(identity: Identity, *, classified: ColumnElement, unit_managed: Callable[[str], ColumnElement],
                        published: ColumnElement | None = None) -> ColumnElement:
    """can_see_project as a WHERE clause, so that a list or a batch reads only what the caller may see instead of
    loading every row and dropping some (a page of 50 stays 50). `classified` and `published` are the project row's
    columns (no `published`: never published, as can_see_project's default); `unit_managed(unit)` is the condition
    that the project's unit path holds `unit` (`json_array_holds` for a JSON path). The two forms are held to agree
    by tests/unit/test_visibility_sql.py; change them together."""
    public = and_(published, not_(classified)) if published is not None else false()
    if identity.department in WORKFLOW_BUREAUS:
        return true()
    if identity.department in OVERSIGHT:
        return true() if SECRECY_CLEARANCE_ROLE in identity.roles else not_(classified)
    if identity.department in APPLICANTS and identity.unit is not None:
        return or_(unit_managed(identity.unit), public)
    return public


class json_array_holds(FunctionElement):
    """`value` is an element of the JSON array in `column` (a project's unit path), in PostgreSQL and in SQLite."""
    type = Boolean()
    inherit_cache = True

    def __init__(self, column: ColumnClause, value: str):
        super().__init__(column, value)


@compiles(json_array_holds, "postgresql")
def _holds_postgresql(element, compiler, **kw):
    column, value = list(element.clauses)
    return (f"(CAST({compiler.process(column, **kw)} AS JSONB) @> "
            f"jsonb_build_array(CAST({compiler.process(value, **kw)} AS TEXT)))")


@compiles(json_array_holds, "sqlite")
def _holds_sqlite(element, compiler, **kw):
    column, value = list(element.clauses)
    return (f"EXISTS (SELECT 1 FROM json_each({compiler.process(column, **kw)}) "
            f"WHERE json_each.value = {compiler.process(value, **kw)})")


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
