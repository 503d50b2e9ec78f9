"""Loading and saving engagements and their findings. Updates are optimistic (version check)."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.audit.adapters.orm import engagements, findings
from services.audit.adapters.plans import ConcurrentUpdate, _utc
from services.audit.adapters.visibility import visible_to
from services.audit.domain.engagement import Engagement, EngagementStatus, Finding
from shared.auth import Identity
from shared.clock import as_utc
from shared.events import ViolationType


def engagement_from_row(row) -> Engagement:
    return Engagement(id=row["id"], plan_id=row["plan_id"], project_id=row["project_id"], year=row["year"],
                      status=EngagementStatus(row["status"]), classified=row["classified"],
                      unit_path=tuple(row["unit_path"]), opened_at=as_utc(row["opened_at"]),
                      fieldwork_started_at=_utc(row["fieldwork_started_at"]), closed_at=_utc(row["closed_at"]),
                      conclusion=row["conclusion"], version=row["version"])


def finding_from_row(row) -> Finding:
    return Finding(id=row["id"], engagement_id=row["engagement_id"], project_id=row["project_id"],
                   violation_type=ViolationType(row["violation_type"]), amount=row["amount"], summary=row["summary"],
                   evidence=tuple(row["evidence"]), published_at=as_utc(row["published_at"]))


class EngagementRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def get(self, engagement_id: str) -> Engagement | None:
        row = (await self.session.execute(select(engagements).where(
            engagements.c.id == engagement_id))).mappings().first()
        return engagement_from_row(row) if row else None

    async def of_projects(self, project_ids: Sequence[str]) -> dict[str, Engagement]:
        rows = (await self.session.execute(select(engagements).where(
            engagements.c.project_id.in_(list(project_ids))))).mappings().all()
        return {row["project_id"]: engagement_from_row(row) for row in rows}

    async def list(self, status: EngagementStatus | None, limit: int, *, seen_by: Identity) -> list[Engagement]:
        """The first `limit` engagements `seen_by` may see (need to know before the limit, so a page is full)."""
        query = (select(engagements).where(visible_to(seen_by, engagements.c))
                 .order_by(engagements.c.opened_at, engagements.c.id).limit(limit))
        if status is not None:
            query = query.where(engagements.c.status == status.value)
        return [engagement_from_row(row) for row in (await self.session.execute(query)).mappings().all()]

    async def add(self, engagement: Engagement) -> None:
        await self.session.execute(insert(engagements).values(
            id=engagement.id, plan_id=engagement.plan_id, project_id=engagement.project_id, year=engagement.year,
            status=engagement.status.value, classified=engagement.classified, unit_path=list(engagement.unit_path),
            opened_at=engagement.opened_at, version=engagement.version))

    async def save(self, before: Engagement, after: Engagement) -> None:
        result = await self.session.execute(update(engagements).where(
            engagements.c.id == after.id, engagements.c.version == before.version).values(
            status=after.status.value, fieldwork_started_at=after.fieldwork_started_at, closed_at=after.closed_at,
            conclusion=after.conclusion, version=after.version))
        if result.rowcount != 1:
            raise ConcurrentUpdate(after.id)

    async def add_finding(self, finding: Finding) -> None:
        await self.session.execute(insert(findings).values(
            id=finding.id, engagement_id=finding.engagement_id, project_id=finding.project_id,
            violation_type=finding.violation_type.value, amount=finding.amount, summary=finding.summary,
            evidence=list(finding.evidence), published_at=finding.published_at))

    async def findings_of_projects(self, project_ids: Sequence[str]) -> dict[str, list[Finding]]:
        rows = (await self.session.execute(select(findings).where(findings.c.project_id.in_(list(project_ids)))
                                           .order_by(findings.c.published_at, findings.c.id))).mappings().all()
        found: dict[str, list[Finding]] = {i: [] for i in project_ids}
        for row in rows:
            found[row["project_id"]].append(finding_from_row(row))
        return found
