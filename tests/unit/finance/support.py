"""Builders shared by the finance service-level tests (SQLite here, PostgreSQL in tests/integration)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from services.finance.app import DEFINITION
from shared.auth import Department, Identity
from shared.events import (
    ClassificationConfirmed,
    Envelope,
    ProjectApproved,
    SecrecyReviewFailed,
    SecrecyReviewPassed,
    TechnicalReviewConcluded,
)
from shared.graphql import RequestContext
from shared import migrations

T0 = datetime(2026, 4, 1, 2, 0, tzinfo=timezone.utc)
ESTIMATE = 2_000_000_00  # fen
FINANCE = Identity(Department.FINANCE_BUREAU, unit="finance")
SCHEMA = DEFINITION.schema_factory()

SET_LINE = """
mutation($p: ID!, $c: BudgetLineCategory!, $r: Fen!, $a: Fen!, $n: String) {
  setBudgetLine(projectId: $p, category: $c, requestedAmount: $r, approvedAmount: $a, note: $n) {
    budgetReview { status approvedEstimate approvedTotal lines { category requestedAmount approvedAmount note } }
    userErrors { code field message }
  }
}"""
ISSUE_REPORT = """
mutation($p: ID!) {
  issueBudgetReviewReport(projectId: $p) {
    budgetReview { status approvedBudget reportedAt secrecyReviewPassed lines { category approvedAmount } }
    userErrors { code field message }
  }
}"""
REVIEW = """
query($p: _Any!) {
  _entities(representations: [$p]) {
    ... on Project { budgetReview { status approvedEstimate approvedBudget reportedAt classified
                                    secrecyReviewPassed lines { category requestedAmount approvedAmount note }
                                    history { action department reason } } }
  }
}"""


def wrap(payload, source="approval") -> Envelope:
    return Envelope.wrap(payload, source=source, subject=payload.project_id)


def approved(project_id, *, classified=False, unit_path=("health-commission", "city-government"),
             jurisdiction="CITY") -> Envelope:
    return wrap(ProjectApproved(
        project_id=project_id, code=f"{jurisdiction}-2026-0001", name=None if classified else "Health data platform",
        unit_id=unit_path[0], unit_path=list(unit_path), jurisdiction=jurisdiction, kind="APPLICATION_SYSTEM_NEW",
        investment_estimate=ESTIMATE + 1_000_00, fund_sources=[{"source": "FISCAL", "amount": ESTIMATE + 1_000_00}],
        classified=classified, approved_at=T0))


def opinion(project_id, *, estimate=ESTIMATE, classified=False, at=T0 + timedelta(days=10)) -> Envelope:
    return wrap(TechnicalReviewConcluded(
        project_id=project_id, code="CITY-2026-0001", approved_estimate=estimate, classified=classified,
        fund_sources=[{"source": "FISCAL", "amount": estimate - 500_000_00},
                      {"source": "SELF_RAISED", "amount": 500_000_00}],
        cross_year=True, yearly_plan=[{"year": 2026, "amount": estimate // 2},
                                      {"year": 2027, "amount": estimate - estimate // 2}],
        concluded_at=at))


def secrecy_passed(project_id, at=T0 + timedelta(days=12)) -> Envelope:
    return wrap(SecrecyReviewPassed(project_id=project_id, review_id="sr-1", passed_at=at), source="secrecy")


def secrecy_failed(project_id) -> Envelope:
    return wrap(SecrecyReviewFailed(project_id=project_id, review_id="sr-2", reasons=["no protection plan"]),
                source="secrecy")


def classification(project_id, classified, at=T0 + timedelta(days=11)) -> Envelope:
    return wrap(ClassificationConfirmed(project_id=project_id, classified=classified,
                                        level="SECRET" if classified else None, decided_at=at), source="secrecy")


async def gql(runtime, query, identity=FINANCE, **variables):
    return await SCHEMA.execute(query, variable_values=variables,
                                context_value=RequestContext(identity=identity, runtime=runtime))


async def set_line(runtime, project_id, category, requested, approved_amount, note=None, identity=FINANCE):
    result = await gql(runtime, SET_LINE, identity, p=project_id, c=category, r=requested, a=approved_amount,
                       n=note)
    return result if result.errors else result.data["setBudgetLine"]


async def issue_report(runtime, project_id, identity=FINANCE):
    result = await gql(runtime, ISSUE_REPORT, identity, p=project_id)
    return result if result.errors else result.data["issueBudgetReviewReport"]


async def review(runtime, project_id, identity=FINANCE):
    result = await gql(runtime, REVIEW, identity, p={"__typename": "Project", "id": project_id})
    assert result.errors is None, result.errors
    return result.data["_entities"][0]["budgetReview"]


async def count(runtime, table, *where) -> int:
    async with runtime.sessions() as session:
        return (await session.execute(select(func.count()).select_from(table).where(*where))).scalar_one()


async def outbox_events(runtime, event_type) -> list[Envelope]:
    async with runtime.sessions() as session:
        rows = (await session.execute(select(runtime.outbox.c.envelope).where(runtime.outbox.c.type == event_type)
                                      .order_by(runtime.outbox.c.seq))).scalars().all()
    return [Envelope.model_validate(row) for row in rows]


async def snapshot(runtime) -> tuple:
    """Everything a command could write: to show that a refused one wrote nothing."""
    from services.finance.adapters.orm import budget_lines, budget_reviews, trail

    async with runtime.sessions() as session:
        cases = (await session.execute(select(budget_reviews.c.id, budget_reviews.c.status, budget_reviews.c.version)
                                       .order_by(budget_reviews.c.id))).all()
    return (tuple(cases), await count(runtime, budget_lines), await count(runtime, trail.entries),
            await count(runtime, runtime.outbox))


async def settle(runtime, timeout: float = 5.0) -> None:
    """Let the outbox relay publish what was committed and go back to waiting before the runtime stops.

    Stopping the relay in the very instant a commit woke it can lose the cancellation on Python 3.11
    (asyncio.wait_for swallows a cancel that races a completed wait), and `stop()` then never returns.
    """
    import asyncio

    unpublished = runtime.outbox.c.published_at.is_(None)
    deadline = asyncio.get_running_loop().time() + timeout
    while await count(runtime, runtime.outbox, unpublished) and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.05)


async def downgrade(runtime, revision: str) -> None:
    await migrations.downgrade(DEFINITION.migrations, runtime.engine, revision)
