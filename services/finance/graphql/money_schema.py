"""Finance's money queries and mutations. Resolvers are thin: build the command, run its handler, map the result
or the refusal (`userErrors`, the rule id as code) to GraphQL; the wrong department is a FORBIDDEN error."""
from __future__ import annotations

import strawberry

from services.finance.adapters.facts import FactsRepository
from services.finance.adapters.plans import PlanRepository
from services.finance.domain.disbursement import PaymentRequest, TrancheKind
from services.finance.domain.permissions import PERMISSIONS, Command
from services.finance.domain.sanctions import SanctionKind
from services.finance.graphql import money_types as t
from services.finance.graphql import readers
from services.finance.service_layer import funds, oversight, payments, sanctions
from shared.auth import Department
from shared.graphql import Fen, UserError, decision, restricted, run_command

PLAN_READERS = (Department.FINANCE_BUREAU, Department.APPROVAL_BUREAU, Department.LEADING_GROUP,
                Department.AUDIT_BUREAU, Department.SUPERVISORY_COMMISSION)


@strawberry.input
class SetFundAllocationInput:
    project_id: strawberry.ID
    year: int
    amount: Fen = strawberry.field(description="The year's allocation; 0 withdraws it.")
    progress_note: str | None = strawberry.field(default=None, description="The progress it is set by.")


@strawberry.input
class MakePaymentInput:
    project_id: strawberry.ID
    kind: t.TrancheKindEnum
    tranche: str = strawberry.field(description="Which tranche, e.g. 'progress payment 2 of 4'.")
    purpose: str
    amount: Fen
    idempotency_key: str = strawberry.field(description="The client's own key for this request: sent again, the "
                                                        "same request pays once (R-FIN-1).")


@strawberry.input
class ImposeSanctionInput:
    finding_id: strawberry.ID | None = strawberry.field(default=None, description="The audit finding acted on.")
    spot_check_id: strawberry.ID | None = strawberry.field(
        default=None, description="Or Finance's own concluded spot check that found irregularities.")
    kind: t.SanctionKindEnum
    amount: Fen = strawberry.field(default=0, description="The reduction or the sum to recover; none for a stop.")
    reason: str


@strawberry.input
class ReviewSettlementInput:
    project_id: strawberry.ID
    settlement_amount: Fen
    note: str | None = None


@strawberry.input
class GrantRewardInput:
    project_id: strawberry.ID
    amount: Fen
    reason: str


@strawberry.input
class OpenSpotCheckInput:
    project_id: strawberry.ID
    scope: str = strawberry.field(description="What the check covers.")


@strawberry.input
class RecordSpotCheckResultInput:
    spot_check_id: strawberry.ID
    irregularities_found: bool
    result: str


@strawberry.type
class FundPlanPayload:
    fund_plan: t.FundPlan | None
    user_errors: list[UserError]


@strawberry.type
class SpecialFundPlanPayload:
    plan: t.SpecialFundPlan | None
    user_errors: list[UserError]


@strawberry.type
class PaymentPayload:
    payment: t.Payment | None
    replayed: bool = strawberry.field(description="True when an earlier request with the same key made the payment.")
    user_errors: list[UserError]


@strawberry.type
class SanctionPayload:
    sanction: t.Sanction | None
    user_errors: list[UserError]


@strawberry.type
class SettlementReviewPayload:
    settlement: t.FinanceSettlementReview | None
    user_errors: list[UserError]


@strawberry.type
class RewardPayload:
    reward: t.RewardGrant | None
    user_errors: list[UserError]


@strawberry.type
class SpotCheckPayload:
    spot_check: t.SpotCheck | None
    user_errors: list[UserError]


async def _plan_payload(info: strawberry.Info, command) -> SpecialFundPlanPayload:
    plan, errors = await run_command(command)
    if errors:
        return SpecialFundPlanPayload(plan=None, user_errors=errors)
    async with info.context.runtime.reads() as session:
        return SpecialFundPlanPayload(plan=await readers.special_fund_plan_view(session, plan, info.context.identity),
                                      user_errors=[])


@strawberry.type
class MoneyQuery:
    @restricted(PLAN_READERS, action="reading special-fund plans",
                description="R-PLN-2: the special-fund annual plan of a jurisdiction and year.")
    async def special_fund_plan(self, info: strawberry.Info, jurisdiction: str, year: int) -> t.SpecialFundPlan | None:
        async with info.context.runtime.reads() as session:
            plan = await PlanRepository(session).get(jurisdiction, year)
            return await readers.special_fund_plan_view(session, plan, info.context.identity) if plan else None

    @restricted(PLAN_READERS, action="reading special-fund plans",
                description="R-PLN-2: special-fund annual plans, by year and jurisdiction.")
    async def special_fund_plans(self, info: strawberry.Info, year: int | None = None) -> list[t.SpecialFundPlan]:
        async with info.context.runtime.reads() as session:
            return [await readers.special_fund_plan_view(session, plan, info.context.identity)
                    for plan in await PlanRepository(session).list(year=year)]

    @restricted([Department.FINANCE_BUREAU], action="listing audit findings for sanction",
                description="R-FIN-4: audit findings received; by default those Finance must still decide.")
    async def audit_findings_for_sanction(self, info: strawberry.Info, awaiting_sanction: bool = True,
                                          first: int = 50) -> list[t.FinanceAuditFinding]:
        async with info.context.runtime.reads() as session:
            found = await FactsRepository(session).findings(awaiting_sanction=awaiting_sanction,
                                                            limit=max(1, min(first, 200)))
        return [readers.finding(f) for f in found]


@strawberry.type
class MoneyMutation:
    @decision(PERMISSIONS[Command.SET_FUND_ALLOCATION].departments,
              description="R-FIN-2: Finance sets a year's allocation by progress.")
    async def set_fund_allocation(self, info: strawberry.Info, input: SetFundAllocationInput) -> FundPlanPayload:
        command = funds.SetFundAllocation(str(input.project_id), input.year, input.amount, input.progress_note)
        project_id, errors = await run_command(
            funds.set_fund_allocation(info.context.runtime.uow, command, info.context.identity))
        if errors:
            return FundPlanPayload(fund_plan=None, user_errors=errors)
        async with info.context.runtime.reads() as session:
            return FundPlanPayload(fund_plan=(await readers.fund_plans(session, [project_id]))[project_id],
                                   user_errors=[])

    @decision(PERMISSIONS[Command.DRAFT_SPECIAL_FUND_PLAN].departments,
              description="R-PLN-2: Finance drafts (or redrafts) the special-fund plan from the year's "
                          "allocations of the jurisdiction's projects.")
    async def draft_special_fund_plan(self, info: strawberry.Info, jurisdiction: str,
                                      year: int) -> SpecialFundPlanPayload:
        return await _plan_payload(info, funds.draft_special_fund_plan(
            info.context.runtime.uow, jurisdiction, year, info.context.identity))

    @decision(PERMISSIONS[Command.SIGN_SPECIAL_FUND_PLAN].departments,
              description="R-PLN-2: the Finance Bureau or the Approval Bureau signs the drafted plan for "
                          "its department; with both signatures it goes to the Leading Group.")
    async def sign_special_fund_plan(self, info: strawberry.Info, jurisdiction: str,
                                     year: int) -> SpecialFundPlanPayload:
        return await _plan_payload(info, funds.sign_special_fund_plan(
            info.context.runtime.uow, jurisdiction, year, info.context.identity))

    @decision(PERMISSIONS[Command.REVIEW_SPECIAL_FUND_PLAN].departments,
              description="R-PLN-2: the Leading Group approves the plan, or returns it with reasons.")
    async def review_special_fund_plan(self, info: strawberry.Info, jurisdiction: str, year: int, approve: bool,
                                       reason: str | None = None) -> SpecialFundPlanPayload:
        return await _plan_payload(info, funds.review_special_fund_plan(
            info.context.runtime.uow, jurisdiction, year, approve=approve, reason=reason,
            actor=info.context.identity))

    @decision(PERMISSIONS[Command.MAKE_PAYMENT].departments,
              description="R-FIN-1: pay a tranche; idempotent by the client's key.")
    async def make_payment(self, info: strawberry.Info, input: MakePaymentInput) -> PaymentPayload:
        request = PaymentRequest(str(input.project_id), TrancheKind(input.kind.value), input.tranche, input.purpose,
                                 input.amount, input.idempotency_key)
        result, errors = await run_command(
            payments.make_payment(info.context.runtime.uow, request, info.context.identity))
        if errors:
            return PaymentPayload(payment=None, replayed=False, user_errors=errors)
        return PaymentPayload(payment=readers.payment(result[0]), replayed=result[1], user_errors=[])

    @decision(PERMISSIONS[Command.IMPOSE_SANCTION].departments,
              description="R-FIN-4: reduce the budget, stop payments or order recovery, on an audit "
                          "finding or a spot check that found misuse.")
    async def impose_sanction(self, info: strawberry.Info, input: ImposeSanctionInput) -> SanctionPayload:
        command = sanctions.ImposeSanction(SanctionKind(input.kind.value), input.amount, input.reason,
                                           str(input.finding_id) if input.finding_id else None,
                                           str(input.spot_check_id) if input.spot_check_id else None)
        result, errors = await run_command(
            sanctions.impose_sanction(info.context.runtime.uow, command, info.context.identity))
        return SanctionPayload(sanction=readers.sanction(result) if result else None, user_errors=errors)

    @decision(PERMISSIONS[Command.REVIEW_SETTLEMENT].departments,
              description="R-FIN-6: the settlement review (结决算评审) of an accepted project below 20M "
                          "yuan.")
    async def review_settlement(self, info: strawberry.Info, input: ReviewSettlementInput) -> SettlementReviewPayload:
        result, errors = await run_command(oversight.review_settlement(
            info.context.runtime.uow, str(input.project_id), input.settlement_amount, input.note,
            info.context.identity))
        return SettlementReviewPayload(settlement=readers.settlement(result) if result else None, user_errors=errors)

    @decision(PERMISSIONS[Command.GRANT_REWARD].departments,
              description="R-FIN-3: a reward or subsidy (奖补) for a self-funded project after completion.")
    async def grant_reward(self, info: strawberry.Info, input: GrantRewardInput) -> RewardPayload:
        result, errors = await run_command(oversight.grant_reward(
            info.context.runtime.uow, str(input.project_id), input.amount, input.reason, info.context.identity))
        return RewardPayload(reward=readers.reward(result) if result else None, user_errors=errors)

    @decision(PERMISSIONS[Command.OPEN_SPOT_CHECK].departments,
              description="R-FIN-5: open a spot check of any project's fund use.")
    async def open_spot_check(self, info: strawberry.Info, input: OpenSpotCheckInput) -> SpotCheckPayload:
        result, errors = await run_command(oversight.open_spot_check(
            info.context.runtime.uow, str(input.project_id), input.scope, info.context.identity))
        return SpotCheckPayload(spot_check=readers.spot_check(result) if result else None, user_errors=errors)

    @decision(PERMISSIONS[Command.RECORD_SPOT_CHECK_RESULT].departments,
              description="R-FIN-5: record a spot check's result; it is final.")
    async def record_spot_check_result(self, info: strawberry.Info,
                                       input: RecordSpotCheckResultInput) -> SpotCheckPayload:
        result, errors = await run_command(oversight.record_spot_check_result(
            info.context.runtime.uow, str(input.spot_check_id), irregularities_found=input.irregularities_found,
            result=input.result, actor=info.context.identity))
        return SpotCheckPayload(spot_check=readers.spot_check(result) if result else None, user_errors=errors)
