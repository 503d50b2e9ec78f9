"""The contracts between bureaus: the event envelope and every event payload, by the service that publishes it.

Type names are `<service>.<aggregate>.<past_verb>.v<N>`; the routing key is the type. Payloads are frozen
pydantic models; within a version only additive changes are allowed, a breaking change is a new version.
Events about a classified project carry only the id and the facts a consumer needs, never its name or content
(R-SEC-2).
"""
from shared.events.approval import *  # noqa: F401,F403
from shared.events.audit import *  # noqa: F401,F403
from shared.events.construction_plan import *  # noqa: F401,F403
from shared.events.envelope import CATALOG, Audience, Envelope, EventPayload, event  # noqa: F401
from shared.events.finance import *  # noqa: F401,F403
from shared.events.secrecy import *  # noqa: F401,F403
