"""Loading and saving budget-review cases: the only place that knows the finance tables' shape."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import BigInteger, Integer, Text, delete, insert, literal, null, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.adapters import trail_store
from services.finance.adapters.money_tables import ledgers
from services.finance.adapters.orm import (
    budget_lines,
    budget_reviews,
    projects,
    review_fund_sources,
    review_yearly_plan,
    secrecy_status,
)
from services.finance.domain.budget_review import (
    BudgetLine,
    BudgetReviewCase,
    BudgetReviewStatus,
    LineCategory,
    ReviewOpinion,
    SecrecyFacts,
    sorted_lines,
)
from services.finance.domain.history import Decision
from shared.clock import as_utc
from shared.db import upsert


class ConcurrentUpdate(Exception):
    """Somebody else changed the case between our read and our write."""


def _utc(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None


def _case_query():
    return (
        select(budget_reviews,
               projects.c.unit_path.label("p_unit_path"), projects.c.classified.label("p_classified"),
               secrecy_status.c.classified.label("s_classified"), secrecy_status.c.level.label("s_level"),
               secrecy_status.c.classification_decided_at.label("s_classification_decided_at"),
               secrecy_status.c.review_passed.label("s_review_passed"),
               secrecy_status.c.review_id.label("s_review_id"),
               secrecy_status.c.review_decided_at.label("s_review_decided_at"))
        .outerjoin(projects, projects.c.id == budget_reviews.c.project_id)
        .outerjoin(secrecy_status, secrecy_status.c.project_id == budget_reviews.c.project_id)
    )


def _parts_query(case_ids: list[str]):
    """A case's lines, its opinion's fund sources and its yearly plan, in one statement (one round trip instead of
    three): the sources by name and the years in order, as the domain keeps them."""
    lines, sources, years = budget_lines.c, review_fund_sources.c, review_yearly_plan.c
    none_text, none_int = null().cast(Text), null().cast(BigInteger)
    return union_all(
        select(literal("line").label("part"), lines.case_id, lines.category.label("name"), null().cast(Integer)
               .label("year"), lines.requested_amount.label("amount"), lines.approved_amount, lines.note)
        .where(lines.case_id.in_(case_ids)),
        select(literal("source"), sources.case_id, sources.source, null().cast(Integer), sources.amount, none_int,
               none_text).where(sources.case_id.in_(case_ids)),
        select(literal("year"), years.case_id, none_text, years.year, years.amount, none_int, none_text)
        .where(years.case_id.in_(case_ids)),
    ).order_by("part", "name", "year")


def _secrecy(row) -> SecrecyFacts:
    return SecrecyFacts(
        classified=row["classified"], level=row["level"],
        classification_decided_at=_utc(row["classification_decided_at"]),
        review_passed=bool(row["review_passed"]), review_id=row["review_id"],
        review_decided_at=_utc(row["review_decided_at"]))


class BudgetReviewRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def get(self, project_id: str) -> BudgetReviewCase | None:
        return (await self.get_many([project_id])).get(project_id)

    async def get_many(self, project_ids: Sequence[str]) -> dict[str, BudgetReviewCase]:
        if not project_ids:
            return {}
        rows = (await self.session.execute(
            _case_query().where(budget_reviews.c.project_id.in_(list(project_ids)))
        )).mappings().all()
        return {case.project_id: case for case in await self._hydrate(rows)}

    async def list(self, *, status: BudgetReviewStatus | None, limit: int) -> list[BudgetReviewCase]:
        query = _case_query().order_by(budget_reviews.c.opened_at, budget_reviews.c.id).limit(limit)
        if status is not None:
            query = query.where(budget_reviews.c.status == status.value)
        return await self._hydrate((await self.session.execute(query)).mappings().all())

    async def add(self, case: BudgetReviewCase, entries: Sequence[Decision]) -> bool:
        """Open the project's case; False (nothing written) if another transaction opened one first. The insert
        waits for that transaction, so the caller then reads the case it opened."""
        opened = await self.session.execute(upsert(self.session, budget_reviews).values(
            id=case.id, project_id=case.project_id, opened_at=case.opened_at, **self._case_values(case))
            .on_conflict_do_nothing(index_elements=[budget_reviews.c.project_id]).returning(budget_reviews.c.id))
        if opened.first() is None:
            return False
        # The project's money ledger (R-FIN-1) opens with its case; the report sets its approved budget.
        await self.session.execute(insert(ledgers).values(project_id=case.project_id))
        await self._save_opinion(case)
        await self._save_lines(BudgetReviewCase(case.id, case.project_id, case.status, case.opened_at), case,
                               entries[-1].at if entries else case.opened_at)
        await trail_store.append_case_decisions(self.session, case_id=case.id, project_id=case.project_id,
                                                entries=entries)
        return True

    async def save(self, before: BudgetReviewCase, after: BudgetReviewCase, entries: Sequence[Decision]) -> None:
        """Write the new state if nobody changed the case since `before` was read, then its history entries."""
        result = await self.session.execute(
            update(budget_reviews)
            .where(budget_reviews.c.id == after.id, budget_reviews.c.version == before.version)
            .values(**self._case_values(after))
        )
        if result.rowcount != 1:
            raise ConcurrentUpdate(after.id)
        if after.opinion != before.opinion:
            await self._save_opinion(after, replace=True)
        await self._save_lines(before, after, entries[-1].at if entries else after.opened_at)
        await trail_store.append_case_decisions(self.session, case_id=after.id, project_id=after.project_id,
                                                entries=entries)

    async def history_of(self, case_id: str) -> list[trail_store.ChainedDecision]:
        return await trail_store.case_history(self.session, case_id)

    async def secrecy_facts(self, project_id: str) -> tuple[SecrecyFacts, bool]:
        """The secrecy facts Finance holds for a project, and whether a row exists yet."""
        row = (await self.session.execute(
            select(secrecy_status).where(secrecy_status.c.project_id == project_id))).mappings().first()
        return (_secrecy(row), True) if row is not None else (SecrecyFacts(), False)

    async def lock_secrecy_facts(self, project_id: str) -> SecrecyFacts:
        """The secrecy facts Finance holds for a project, its row locked until the transaction ends (created empty,
        which reads as no facts, if there was none): two secrecy events of one project at once take turns."""
        await self.session.execute(upsert(self.session, secrecy_status).values(project_id=project_id)
                                   .on_conflict_do_nothing(index_elements=[secrecy_status.c.project_id]))
        row = (await self.session.execute(select(secrecy_status).where(
            secrecy_status.c.project_id == project_id).with_for_update())).mappings().one()
        return _secrecy(row)

    async def save_secrecy_facts(self, project_id: str, facts: SecrecyFacts, *, exists: bool) -> None:
        values = dict(classified=facts.classified, level=facts.level,
                      classification_decided_at=facts.classification_decided_at, review_passed=facts.review_passed,
                      review_id=facts.review_id, review_decided_at=facts.review_decided_at)
        if exists:
            await self.session.execute(
                update(secrecy_status).where(secrecy_status.c.project_id == project_id).values(**values))
        else:
            await self.session.execute(insert(secrecy_status).values(project_id=project_id, **values))

    @staticmethod
    def _case_values(case: BudgetReviewCase) -> dict:
        opinion = case.opinion
        return dict(
            status=case.status.value, version=case.version, approved_budget=case.approved_budget,
            reported_at=case.reported_at,
            approved_estimate=opinion.approved_estimate if opinion else None,
            opinion_classified=opinion.classified if opinion else None,
            cross_year=opinion.cross_year if opinion else None,
            opinion_concluded_at=opinion.concluded_at if opinion else None,
        )

    async def _save_opinion(self, case: BudgetReviewCase, *, replace: bool = False) -> None:
        if replace:
            for table in (review_fund_sources, review_yearly_plan):
                await self.session.execute(delete(table).where(table.c.case_id == case.id))
        if case.opinion is None:
            return
        if case.opinion.fund_sources:
            await self.session.execute(insert(review_fund_sources), [
                {"case_id": case.id, "source": source, "amount": amount}
                for source, amount in case.opinion.fund_sources])
        if case.opinion.yearly_plan:
            await self.session.execute(insert(review_yearly_plan), [
                {"case_id": case.id, "year": year, "amount": amount} for year, amount in case.opinion.yearly_plan])

    async def _save_lines(self, before: BudgetReviewCase, after: BudgetReviewCase, now: datetime) -> None:
        old = {line.category: line for line in before.lines}
        new = {line.category: line for line in after.lines}
        changed = [c for c in old if old[c] != new.get(c)] + [c for c in new if c not in old]
        for category in changed:
            await self.session.execute(delete(budget_lines).where(
                budget_lines.c.case_id == after.id, budget_lines.c.category == category.value))
            line = new.get(category)
            if line is not None:
                await self.session.execute(insert(budget_lines).values(
                    case_id=after.id, category=category.value, requested_amount=line.requested_amount,
                    approved_amount=line.approved_amount, note=line.note, updated_at=now))

    async def _hydrate(self, rows) -> list[BudgetReviewCase]:
        ids = [row["id"] for row in rows]
        lines: dict[str, list[BudgetLine]] = {i: [] for i in ids}
        sources: dict[str, list[tuple[str, int]]] = {i: [] for i in ids}
        years: dict[str, list[tuple[int, int]]] = {i: [] for i in ids}
        if ids:
            for row in (await self.session.execute(_parts_query(ids))).mappings():
                if row["part"] == "line":
                    lines[row["case_id"]].append(BudgetLine(LineCategory(row["name"]), row["amount"],
                                                            row["approved_amount"], row["note"]))
                elif row["part"] == "source":
                    sources[row["case_id"]].append((row["name"], row["amount"]))
                else:
                    years[row["case_id"]].append((row["year"], row["amount"]))
        return [self._case(row, sorted_lines(lines[row["id"]]), tuple(sources[row["id"]]), tuple(years[row["id"]]))
                for row in rows]

    @staticmethod
    def _case(row, lines, sources, years) -> BudgetReviewCase:
        opinion = None
        if row["approved_estimate"] is not None:
            opinion = ReviewOpinion(approved_estimate=row["approved_estimate"],
                                    classified=bool(row["opinion_classified"]), fund_sources=sources,
                                    cross_year=bool(row["cross_year"]), yearly_plan=years,
                                    concluded_at=as_utc(row["opinion_concluded_at"]))
        secrecy = SecrecyFacts()
        if row["s_review_passed"] is not None:  # a secrecy row exists (review_passed is never null there)
            secrecy = _secrecy({key[2:]: row[key] for key in row.keys() if key.startswith("s_")})
        return BudgetReviewCase(
            id=row["id"], project_id=row["project_id"], status=BudgetReviewStatus(row["status"]),
            opened_at=as_utc(row["opened_at"]), opinion=opinion, lines=lines,
            approved_budget=row["approved_budget"], reported_at=_utc(row["reported_at"]), version=row["version"],
            declared_classified=bool(row["p_classified"]), unit_path=tuple(row["p_unit_path"] or ()),
            secrecy=secrecy)
