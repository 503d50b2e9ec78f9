"""Need to know (R-SEC-2) over the audit tables: shared.visibility's rule as a WHERE clause, for a table (or the
register's view) with the project's `unit_path` (JSON) and `classified` columns."""
from __future__ import annotations

from shared.auth import Identity
from shared.visibility import json_array_holds, project_visible_sql


def visible_to(identity: Identity, columns):
    return project_visible_sql(identity, classified=columns.classified,
                               unit_managed=lambda unit: json_array_holds(columns.unit_path, unit))
