"""What an outside agency may read of our events, and where it is routed: pure functions, no I/O.

R-SEC-2: a classified project's content is visible only to those with a need to know, and never published.
R-PUB-1: a project that touches no secret is published. An agency outside the workflow bureaus reads the bus as the
public reads the projects, so only events about a known, non-classified project leave: an event without audience
(a construction plan, or a project its emitter does not know) stays inside. Fail closed.
"""
from __future__ import annotations

from shared.events import Envelope

# The first word of an agency routing key when the emitter knew no jurisdiction for the project.
NO_JURISDICTION = "UNSPECIFIED"


def agency_may_see(envelope: Envelope) -> bool:
    """True only for an event about one project, whose audience the emitter stamped, that is not classified."""
    audience = envelope.audience
    return audience is not None and audience.classified is False


def agency_routing_key(envelope: Envelope) -> str:
    """`<JURISDICTION>.<event type>`, e.g. `CITY.approval.project.approved.v1`: an agency binds `*.<pattern>` for
    every jurisdiction or `<JURISDICTION>.<pattern>` for one (a district government)."""
    audience = envelope.audience
    jurisdiction = audience.jurisdiction if audience is not None and audience.jurisdiction else NO_JURISDICTION
    return f"{jurisdiction}.{envelope.type}"
