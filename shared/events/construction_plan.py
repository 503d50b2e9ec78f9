"""Events published by the approval service about the annual smart-city construction plan (R-PLN-1).

A plan's items name projects by id only: a classified project's name and code stay inside the secrecy boundary
(R-SEC-2); a consumer that needs more asks the approval service, which applies need-to-know."""
from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from shared.events.envelope import EventPayload, event
from shared.money import Fen

__all__ = ["ConstructionPlanItem", "ConstructionPlanEvent", "ConstructionPlanSubmitted", "ConstructionPlanReviewed",
           "ConstructionPlanReturned", "ConstructionPlanApproved"]


class ConstructionPlanItem(BaseModel):
    model_config = ConfigDict(frozen=True)
    project_id: str
    planned_amount: Fen


class ConstructionPlanEvent(EventPayload):
    """What every plan event carries: the version's id, its jurisdiction, year and number, and its total."""

    plan_version_id: str
    jurisdiction: str
    year: int
    version: int
    total: Fen


@event("approval.construction_plan.submitted.v1")
class ConstructionPlanSubmitted(ConstructionPlanEvent):
    """The Approval Bureau submitted a version of the year's construction plan to the Leading Group for review."""

    submitted_at: datetime


@event("approval.construction_plan.reviewed.v1")
class ConstructionPlanReviewed(ConstructionPlanEvent):
    """The Leading Group reviewed the plan and passed it on to the city government for approval."""

    reviewed_at: datetime


@event("approval.construction_plan.returned.v1")
class ConstructionPlanReturned(ConstructionPlanEvent):
    """The Leading Group or the city government returned the plan to the Approval Bureau, with reasons."""

    returned_by: str  # LEADING_GROUP or CITY_GOVERNMENT
    reasons: list[str]
    returned_at: datetime


@event("approval.construction_plan.approved.v1")
class ConstructionPlanApproved(ConstructionPlanEvent):
    """The city government approved a version of the year's construction plan: it is in force, and only its items
    start construction that year (R-PLN-1)."""

    items: list[ConstructionPlanItem]
    approved_on: date  # the date of the city government's decision
    document_number: str  # 文号
    approved_at: datetime
    supersedes_version: int | None = None  # the version in force until now, for an amendment
