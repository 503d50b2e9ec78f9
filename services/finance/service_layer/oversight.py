"""Settlement review (R-FIN-6), reward or subsidy (R-FIN-3), spot checks (R-FIN-5)."""
from __future__ import annotations

import uuid

from services.finance.adapters.facts import FactsRepository
from services.finance.adapters.money_records import MoneyRecords
from services.finance.domain import oversight
from services.finance.domain.history import Actor
from services.finance.domain.permissions import Command, authorize
from services.finance.service_layer.common import UowFactory, lock_ledger, write_ledger
from shared.auth import Identity
from shared.clock import utc_now
from shared.errors import NotFound
from shared.events import RewardGranted, SettlementReviewed, SpotCheckConcluded


async def review_settlement(uow_factory: UowFactory, project_id: str, amount: int, note: str | None,
                            actor: Identity) -> oversight.SettlementReview:
    authorize(Command.REVIEW_SETTLEMENT, actor)
    async with uow_factory() as uow:
        ledgers, ledger = await lock_ledger(uow, project_id)
        records = MoneyRecords(uow.session)
        facts = await FactsRepository(uow.session).get(project_id)
        existing = (await records.settlements_of([project_id]))[project_id]
        review, entry = oversight.review_settlement(facts, existing, amount=amount, note=note,
                                                    actor=Actor.of(actor), now=utc_now())
        await records.add_settlement(review)
        await write_ledger(uow, ledgers, ledger, [entry])
        await uow.emit(SettlementReviewed(project_id=project_id, settlement_amount=amount,
                                          reviewed_at=review.reviewed_at), subject=project_id)
        await uow.commit()
        return review


async def grant_reward(uow_factory: UowFactory, project_id: str, amount: int, reason: str,
                       actor: Identity) -> oversight.Reward:
    authorize(Command.GRANT_REWARD, actor)
    async with uow_factory() as uow:
        ledgers, ledger = await lock_ledger(uow, project_id)
        records = MoneyRecords(uow.session)
        facts = await FactsRepository(uow.session).get(project_id)
        existing = (await records.rewards_of([project_id]))[project_id]
        reward, entry = oversight.grant_reward(facts, existing, amount=amount, reason=reason,
                                               actor=Actor.of(actor), now=utc_now())
        await records.add_reward(reward)
        await write_ledger(uow, ledgers, ledger, [entry])
        await uow.emit(RewardGranted(project_id=project_id, amount=amount, granted_at=reward.granted_at),
                       subject=project_id)
        await uow.commit()
        return reward


async def open_spot_check(uow_factory: UowFactory, project_id: str, scope: str,
                          actor: Identity) -> oversight.SpotCheck:
    authorize(Command.OPEN_SPOT_CHECK, actor)
    async with uow_factory() as uow:
        ledgers, ledger = await lock_ledger(uow, project_id)
        check, entry = oversight.open_spot_check(project_id, scope=scope, check_id=str(uuid.uuid4()),
                                                 actor=Actor.of(actor), now=utc_now())
        await MoneyRecords(uow.session).add_spot_check(check)
        await write_ledger(uow, ledgers, ledger, [entry])
        await uow.commit()
        return check


async def record_spot_check_result(uow_factory: UowFactory, check_id: str, *, irregularities_found: bool,
                                   result: str, actor: Identity) -> oversight.SpotCheck:
    authorize(Command.RECORD_SPOT_CHECK_RESULT, actor)
    async with uow_factory() as uow:
        records = MoneyRecords(uow.session)
        check = await records.spot_check(check_id)
        if check is None:
            raise NotFound("spot check", "spotCheckId")
        ledgers, ledger = await lock_ledger(uow, check.project_id)
        check = await records.spot_check(check_id)  # as it stands now that the project is locked
        updated, entry = oversight.record_spot_check_result(check, irregularities_found=irregularities_found,
                                                            result=result, actor=Actor.of(actor), now=utc_now())
        await records.conclude_spot_check(updated)
        await write_ledger(uow, ledgers, ledger, [entry])
        await uow.emit(SpotCheckConcluded(spot_check_id=check_id, project_id=check.project_id,
                                          irregularities_found=irregularities_found,
                                          concluded_at=updated.concluded_at), subject=check.project_id)
        await uow.commit()
        return updated
