"""The `Subscription` root the gateway adds to the client schema, and how an event reads as a `ProjectEvent`.

The subgraphs serve no subscriptions (the supergraph has none): the gateway answers them itself from the bus, so
their types are the gateway's own, added to the API schema it validates against and shows in its SDL and
introspection. The supergraph SDL other routers read (`/supergraph.graphql`) is left as composed.
"""
from __future__ import annotations

import logging
from dataclasses import replace

from graphql import extend_schema, parse

from gateway.subscriptions.hub import jurisdiction_of, project_of, unit_path_of
from gateway.supergraph import Supergraph
from shared.events import Envelope

log = logging.getLogger(__name__)

COMMON = '''  id: ID!
  "The versioned event type, e.g. approval.project.approved.v1 (the bus's routing key)."
  type: String!
  "The service that emitted it."
  source: String!
  time: DateTime!
  projectId: ID
  jurisdiction: String
  "The project's unit (its parent units are matched by the filter's unitId)."
  unitId: ID'''

SDL = f'''
extend schema {{ subscription: Subscription }}

"""Live events as they commit, of the projects the caller may see (R-SEC-2); a token is needed. Served over
WebSocket (graphql-transport-ws) and Server-Sent Events at /graphql."""
type Subscription {{
  projectEvents(filter: ProjectEventFilter): ProjectEvent!
}}

"Every part given must match; an event of a project outside the caller's need to know never arrives."
input ProjectEventFilter {{
  "Event types, or topic patterns such as finance.# (one word: *, any words: #)."
  types: [String!]
  jurisdiction: String
  projectId: ID
  "The project's unit or one of its parent units."
  unitId: ID
}}

"One event on the bus, as the gateway heard it."
interface ProjectEvent {{
{COMMON}
}}

"A status change or decision in a project's approval lifecycle (submitted, approved, rejected, accepted, ...)."
type ProjectDecisionEvent implements ProjectEvent {{
{COMMON}
  "What happened, e.g. project.approved, change.rejected, technical_review.concluded."
  decision: String!
  projectCode: String
  reasons: [String!]!
}}

"A payment made by the Finance Bureau (R-FIN)."
type PaymentEvent implements ProjectEvent {{
{COMMON}
  paymentId: ID!
  amount: Fen!
  year: Int
  tranche: String
  purpose: String
  kind: String
}}

"An audit finding the Audit Bureau published."
type AuditFindingEvent implements ProjectEvent {{
{COMMON}
  findingId: ID!
  engagementId: ID
  violationType: String!
  amount: Fen!
}}

"A decision on a version of the annual construction plan (R-PLN-1)."
type PlanDecisionEvent implements ProjectEvent {{
{COMMON}
  planVersionId: ID!
  year: Int!
  version: Int!
  "submitted, reviewed, returned or approved."
  decision: String!
  total: Fen!
  reasons: [String!]!
}}

"Any other event: its payload as JSON."
type GenericProjectEvent implements ProjectEvent {{
{COMMON}
  data: JSON!
}}
'''

_SCALARS = {"DateTime": "scalar DateTime", "Fen": "scalar Fen", "JSON": "scalar JSON"}


def with_subscriptions(supergraph: Supergraph) -> Supergraph:
    """The supergraph with the gateway's `Subscription` root in its client schema (unchanged if it has one)."""
    schema = supergraph.schema
    if schema.subscription_type is not None:
        log.warning("the supergraph has a Subscription type of its own: the gateway's projectEvents is not added")
        return supergraph
    missing = "\n".join(text for name, text in _SCALARS.items() if name not in schema.type_map)
    extended = extend_schema(schema, parse(SDL + missing))
    return replace(supergraph, schema=extended)


def _lifecycle_step(event_type: str) -> str:
    """`approval.project.approved.v1` -> `project.approved`."""
    return ".".join(event_type.split(".")[1:-1])


def as_project_event(envelope: Envelope) -> dict:
    """The event as a `ProjectEvent` value (`__typename` names its concrete type)."""
    data = envelope.data
    path = unit_path_of(envelope)
    common = {"id": envelope.id, "type": envelope.type, "source": envelope.source,
              "time": envelope.time.isoformat(), "projectId": project_of(envelope),
              "jurisdiction": jurisdiction_of(envelope), "unitId": path[0] if path else data.get("unit_id")}
    kind = envelope.type
    if kind.startswith("approval.construction_plan."):
        return {**common, "__typename": "PlanDecisionEvent", "planVersionId": data.get("plan_version_id"),
                "year": data.get("year"), "version": data.get("version"), "total": data.get("total"),
                "decision": kind.split(".")[2], "reasons": list(data.get("reasons") or ())}
    if kind.startswith("approval."):
        reasons = data.get("reasons") or ([data["reason"]] if isinstance(data.get("reason"), str) else [])
        return {**common, "__typename": "ProjectDecisionEvent", "decision": _lifecycle_step(kind),
                "projectCode": data.get("code"), "reasons": list(reasons)}
    if kind.startswith("finance.payment."):
        return {**common, "__typename": "PaymentEvent", "paymentId": data.get("payment_id"),
                "amount": data.get("amount"), "year": data.get("year"), "tranche": data.get("tranche"),
                "purpose": data.get("purpose"), "kind": data.get("kind")}
    if kind.startswith("audit.finding."):
        return {**common, "__typename": "AuditFindingEvent", "findingId": data.get("finding_id"),
                "engagementId": data.get("engagement_id"), "violationType": data.get("violation_type"),
                "amount": data.get("amount")}
    return {**common, "__typename": "GenericProjectEvent", "data": data}
