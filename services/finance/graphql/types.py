"""The finance subgraph's types: the budget-review case (预算评审) Finance contributes to the federated `Project`."""
from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.scalars import JSON

from services.finance.adapters.repository import BudgetReviewRepository
from services.finance.commands import visible
from services.finance.domain.budget_review import BudgetReviewCase, BudgetReviewStatus, LineCategory
from shared.graphql import Fen

BudgetReviewStatusEnum = strawberry.enum(BudgetReviewStatus, name="BudgetReviewStatus")
BudgetLineCategoryEnum = strawberry.enum(
    LineCategory, name="BudgetLineCategory",
    description="R-REV-2: equipment (设备价格), system integration (系统集成造价), supervision (工程监理造价), "
                "third-party testing (第三方测评造价), other (其他).")


@strawberry.type(description="One reviewed cost line of the budget (R-REV-2), in fen.")
class BudgetLine:
    category: BudgetLineCategoryEnum
    requested_amount: Fen
    approved_amount: Fen
    note: str | None


@strawberry.type(description="One decision on a budget-review case: who, when, what, why (R-OVS-1).")
class BudgetReviewDecision:
    at: datetime
    action: str
    from_status: BudgetReviewStatusEnum | None
    to_status: BudgetReviewStatusEnum
    department: str
    unit: str | None
    actor: str
    detail: JSON
    reason: str | None
    entry_hash: str = strawberry.field(description="This entry's hash on Finance's decision trail (financeTrail).")


@strawberry.type(description="A budget-review case (预算评审, R-REV-2).")
class BudgetReview:
    id: strawberry.ID
    project_id: strawberry.ID
    status: BudgetReviewStatusEnum
    opened_at: datetime
    approved_estimate: Fen | None = strawberry.field(
        description="The approved estimate of the technical review opinion (审查意见); null until it arrives.")
    lines: list[BudgetLine]
    approved_total: Fen = strawberry.field(description="The approved amounts of the lines so far, added up.")
    approved_budget: Fen | None = strawberry.field(
        description="The approved budget of the budget review report (预算评审报告); null until reported.")
    reported_at: datetime | None
    classified: bool = strawberry.field(
        description="Classified (涉密): the Secrecy Bureau's latest decision, else the review opinion's flag.")
    secrecy_review_passed: bool = strawberry.field(
        description="R-REV-3: the Secrecy Bureau's latest secrecy review of the project passed.")

    @strawberry.field(description="Every decision on the case, oldest first.")
    async def history(self, info: strawberry.Info) -> list[BudgetReviewDecision]:
        async with info.context.runtime.reads() as session:
            entries = await BudgetReviewRepository(session).history_of(str(self.id))
        return [BudgetReviewDecision(
            at=d.at, action=d.action, from_status=d.from_status, to_status=d.to_status,
            department=d.actor.department, unit=d.actor.unit, actor=d.actor.subject, detail=dict(d.detail),
            reason=d.reason, entry_hash=entry_hash) for d, _previous, entry_hash in entries]


def from_domain(case: BudgetReviewCase) -> BudgetReview:
    return BudgetReview(
        id=strawberry.ID(case.id), project_id=strawberry.ID(case.project_id), status=case.status,
        opened_at=case.opened_at, approved_estimate=case.approved_estimate,
        lines=[BudgetLine(category=line.category, requested_amount=line.requested_amount,
                          approved_amount=line.approved_amount, note=line.note) for line in case.lines],
        approved_total=case.approved_total, approved_budget=case.approved_budget, reported_at=case.reported_at,
        classified=case.classified, secrecy_review_passed=case.secrecy.review_passed)


def visible_case_loader(info: strawberry.Info) -> DataLoader:
    """Budget-review cases (domain objects) by project id, batched per request; None for a project the caller may
    not see (R-SEC-2). Every project Finance knows has its case, so this is also who may see its money."""
    context = info.context

    async def load(project_ids: list[str]) -> list[BudgetReviewCase | None]:
        async with context.runtime.reads() as session:
            found = await BudgetReviewRepository(session).get_many(project_ids)
        return [case if case is not None and visible(case, context.identity) else None
                for case in (found.get(i) for i in project_ids)]

    return context.loader("visible_cases", lambda: DataLoader(load))


async def budget_review_of(info: strawberry.Info, project_id: str) -> BudgetReview | None:
    case = await visible_case_loader(info).load(project_id)
    return from_domain(case) if case is not None else None
