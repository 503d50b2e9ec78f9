"""Where an event an outside agency may read is routed on the agency exchange: a pure function, no I/O.

Which events leave at all is `shared.visibility.outside_readable` (R-SEC-2, R-PUB-1): an agency reads the bus as the
public reads the projects, so only events about a known, non-classified project; the webhooks keep the same rule.
"""
from __future__ import annotations

from shared.events import Envelope

# The first word of an agency routing key when the emitter knew no jurisdiction for the project.
NO_JURISDICTION = "UNSPECIFIED"


def agency_routing_key(envelope: Envelope) -> str:
    """`<JURISDICTION>.<event type>`, e.g. `CITY.approval.project.approved.v1`: an agency binds `*.<pattern>` for
    every jurisdiction or `<JURISDICTION>.<pattern>` for one (a district government)."""
    audience = envelope.audience
    jurisdiction = audience.jurisdiction if audience is not None and audience.jurisdiction else NO_JURISDICTION
    return f"{jurisdiction}.{envelope.type}"
