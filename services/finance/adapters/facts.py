"""Finance's copy of what other bureaus reported about a project (contract, acceptance, operation, performance
reviews) and the audit findings it acts on: the only place that knows those tables' shape."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.adapters.money_tables import audit_findings, performance_reviews, project_facts, sanctions
from services.finance.domain.project_facts import (
    AcceptanceFacts,
    ContractFacts,
    OperationFacts,
    PerformanceFacts,
    ProjectFacts,
    Rectification,
)
from services.finance.domain.sanctions import Finding
from shared.clock import as_utc
from shared.db import upsert
from shared.events import ViolationType


def _facts(project_id: str, row, reviews: list[PerformanceFacts]) -> ProjectFacts:
    if row is None:
        return ProjectFacts(project_id, performance=tuple(reviews))
    contract = acceptance = operation = None
    if row["contract_id"] is not None:
        contract = ContractFacts(row["contract_id"], row["contract_sum"], row["contract_signed_on"])
    if row["accepted_at"] is not None:
        acceptance = AcceptanceFacts(as_utc(row["accepted_at"]), row["accepted_investment"],
                                     row["accepted_budget"], row["accepted_contract_sum"], bool(row["self_funded"]))
    if row["operation_started_on"] is not None:
        operation = OperationFacts(row["operation_started_on"], row["om_years"], row["om_annual_funding"],
                                   row["operating_organisation"])
    return ProjectFacts(project_id, contract, acceptance, operation, tuple(reviews))


def _finding(row) -> Finding:
    return Finding(row["finding_id"], row["project_id"], row["engagement_id"], ViolationType(row["violation_type"]),
                   row["amount"], row["summary"], as_utc(row["published_at"]))


class FactsRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def get(self, project_id: str) -> ProjectFacts:
        return (await self.get_many([project_id]))[project_id]

    async def get_many(self, project_ids: Sequence[str]) -> dict[str, ProjectFacts]:
        ids = list(project_ids)
        rows = {row["project_id"]: row for row in (await self.session.execute(
            select(project_facts).where(project_facts.c.project_id.in_(ids)))).mappings()} if ids else {}
        reviews: dict[str, list[PerformanceFacts]] = {project_id: [] for project_id in ids}
        if ids:
            for row in (await self.session.execute(select(performance_reviews).where(
                    performance_reviews.c.project_id.in_(ids)).order_by(performance_reviews.c.year))).mappings():
                reviews[row["project_id"]].append(PerformanceFacts(
                    row["year"], bool(row["targets_met"]), Rectification(row["rectification"]),
                    as_utc(row["reviewed_at"])))
        return {project_id: _facts(project_id, rows.get(project_id), reviews[project_id]) for project_id in ids}

    async def record(self, project_id: str, **values) -> None:
        """Set some of the project's reported facts, creating its row on the first report (in one statement, so
        two reports of one project at once neither both insert nor lose one another's columns)."""
        await self.session.execute(upsert(self.session, project_facts).values(project_id=project_id, **values)
                                   .on_conflict_do_update(index_elements=[project_facts.c.project_id], set_=values))

    async def keep_newer_performance_review(self, project_id: str, review: PerformanceFacts) -> bool:
        """Keep a year's review unless a newer one is held (events arrive in any order, and two of one year may be
        handled at once): one statement decides, so neither both insert nor an older one wins. Whether it was kept."""
        values = dict(targets_met=review.targets_met, rectification=review.rectification.value,
                      reviewed_at=review.reviewed_at)
        statement = upsert(self.session, performance_reviews).values(project_id=project_id, year=review.year,
                                                                     **values)
        kept = await self.session.execute(statement.on_conflict_do_update(
            index_elements=[performance_reviews.c.project_id, performance_reviews.c.year], set_=values,
            where=performance_reviews.c.reviewed_at < statement.excluded.reviewed_at)
            .returning(performance_reviews.c.year))
        return kept.first() is not None

    async def finding(self, finding_id: str) -> Finding | None:
        row = (await self.session.execute(select(audit_findings).where(audit_findings.c.finding_id == finding_id))
               ).mappings().first()
        return _finding(row) if row is not None else None

    async def add_finding(self, finding: Finding) -> bool:
        """Keep the finding unless it is kept already; whether this call kept it."""
        added = await self.session.execute(upsert(self.session, audit_findings).values(
            finding_id=finding.finding_id, project_id=finding.project_id, engagement_id=finding.engagement_id,
            violation_type=finding.violation_type.value, amount=finding.amount, summary=finding.summary,
            published_at=finding.published_at).on_conflict_do_nothing(index_elements=[audit_findings.c.finding_id])
            .returning(audit_findings.c.finding_id))
        return added.first() is not None

    async def findings(self, *, awaiting_sanction: bool, limit: int) -> list[Finding]:
        """Audit findings, oldest first; with `awaiting_sanction`, those of the six named violation types that
        have no sanction yet (R-FIN-4: Finance must decide them)."""
        query = select(audit_findings).order_by(audit_findings.c.published_at, audit_findings.c.finding_id)
        if awaiting_sanction:
            decided = select(sanctions.c.finding_id).where(sanctions.c.finding_id.is_not(None))
            query = query.where(audit_findings.c.violation_type != ViolationType.OTHER.value,
                                audit_findings.c.finding_id.not_in(decided))
        rows = (await self.session.execute(query.limit(limit))).mappings().all()
        return [_finding(row) for row in rows]
