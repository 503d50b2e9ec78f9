"""Payments, sanctions, settlement reviews, rewards and spot checks: storing and reading Finance's money
decisions on a project."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.adapters.money_tables import payments, rewards, sanctions, settlements, spot_checks
from services.finance.domain.disbursement import Payment, TrancheKind
from services.finance.domain.history import Actor
from services.finance.domain.oversight import Reward, SettlementReview, SpotCheck
from services.finance.domain.sanctions import Sanction, SanctionKind
from shared.clock import as_utc


def _who(actor: Actor) -> dict:
    return dict(department=actor.department, unit=actor.unit, subject=actor.subject)


def _actor(row) -> Actor:
    return Actor(row["department"], row["unit"], row["subject"])


def _json_actor(value) -> Actor | None:
    return Actor(**value) if value else None


def payment_from_row(row) -> Payment:
    return Payment(row["id"], row["idempotency_key"], row["project_id"], row["year"], TrancheKind(row["kind"]),
                   row["tranche"], row["purpose"], row["amount"], as_utc(row["paid_at"]), _actor(row))


def _sanction(row) -> Sanction:
    return Sanction(row["id"], row["project_id"], SanctionKind(row["kind"]), row["amount"], row["reason"],
                    as_utc(row["imposed_at"]), _actor(row), row["finding_id"], row["spot_check_id"])


def _spot_check(row) -> SpotCheck:
    concluded = row["concluded_at"]
    return SpotCheck(row["id"], row["project_id"], row["scope"], as_utc(row["opened_at"]),
                     _json_actor(row["opened_by"]), as_utc(concluded) if concluded else None,
                     row["irregularities_found"], row["result"], _json_actor(row["concluded_by"]))


async def _by_project(session: AsyncSession, table, project_ids: Sequence[str], order, build) -> dict[str, list]:
    found: dict[str, list] = {project_id: [] for project_id in project_ids}
    if project_ids:
        rows = (await session.execute(select(table).where(table.c.project_id.in_(list(project_ids)))
                                      .order_by(*order))).mappings().all()
        for row in rows:
            found[row["project_id"]].append(build(row))
    return found


class MoneyRecords:
    def __init__(self, session: AsyncSession):
        self.session = session

    # payments (R-FIN-1)
    async def payment_by_key(self, idempotency_key: str) -> Payment | None:
        row = (await self.session.execute(select(payments).where(payments.c.idempotency_key == idempotency_key))
               ).mappings().first()
        return payment_from_row(row) if row is not None else None

    async def add_payment(self, payment: Payment) -> None:
        await self.session.execute(insert(payments).values(
            id=payment.id, idempotency_key=payment.idempotency_key, project_id=payment.project_id, year=payment.year,
            kind=payment.kind.value, tranche=payment.tranche, purpose=payment.purpose, amount=payment.amount,
            paid_at=payment.paid_at, **_who(payment.actor)))

    async def payments_of(self, project_ids: Sequence[str]) -> dict[str, list[Payment]]:
        return await _by_project(self.session, payments, project_ids, (payments.c.paid_at, payments.c.id),
                                 payment_from_row)

    # sanctions (R-FIN-4)
    async def add_sanction(self, sanction: Sanction) -> None:
        await self.session.execute(insert(sanctions).values(
            id=sanction.id, project_id=sanction.project_id, finding_id=sanction.finding_id,
            spot_check_id=sanction.spot_check_id, kind=sanction.kind.value, amount=sanction.amount,
            reason=sanction.reason, imposed_at=sanction.imposed_at, **_who(sanction.actor)))

    async def sanctions_of(self, project_ids: Sequence[str]) -> dict[str, list[Sanction]]:
        return await _by_project(self.session, sanctions, project_ids, (sanctions.c.imposed_at, sanctions.c.id),
                                 _sanction)

    # settlement review (R-FIN-6) and reward (R-FIN-3): one each per project
    async def settlements_of(self, project_ids: Sequence[str]) -> dict[str, SettlementReview | None]:
        found = await _by_project(self.session, settlements, project_ids, (settlements.c.project_id,), lambda row:
                                  SettlementReview(row["project_id"], row["settlement_amount"], row["note"],
                                                   as_utc(row["reviewed_at"]), _actor(row)))
        return {project_id: (rows[0] if rows else None) for project_id, rows in found.items()}

    async def add_settlement(self, review: SettlementReview) -> None:
        await self.session.execute(insert(settlements).values(
            project_id=review.project_id, settlement_amount=review.settlement_amount, note=review.note,
            reviewed_at=review.reviewed_at, **_who(review.actor)))

    async def rewards_of(self, project_ids: Sequence[str]) -> dict[str, Reward | None]:
        found = await _by_project(self.session, rewards, project_ids, (rewards.c.project_id,), lambda row: Reward(
            row["project_id"], row["amount"], row["reason"], as_utc(row["granted_at"]), _actor(row)))
        return {project_id: (rows[0] if rows else None) for project_id, rows in found.items()}

    async def add_reward(self, reward: Reward) -> None:
        await self.session.execute(insert(rewards).values(
            project_id=reward.project_id, amount=reward.amount, reason=reward.reason, granted_at=reward.granted_at,
            **_who(reward.actor)))

    # spot checks (R-FIN-5)
    async def spot_check(self, check_id: str) -> SpotCheck | None:
        row = (await self.session.execute(select(spot_checks).where(spot_checks.c.id == check_id))
               ).mappings().first()
        return _spot_check(row) if row is not None else None

    async def spot_checks_of(self, project_ids: Sequence[str]) -> dict[str, list[SpotCheck]]:
        return await _by_project(self.session, spot_checks, project_ids, (spot_checks.c.opened_at,), _spot_check)

    async def add_spot_check(self, check: SpotCheck) -> None:
        await self.session.execute(insert(spot_checks).values(
            id=check.id, project_id=check.project_id, scope=check.scope, opened_at=check.opened_at,
            opened_by=_who(check.opened_by)))

    async def conclude_spot_check(self, check: SpotCheck) -> None:
        await self.session.execute(update(spot_checks).where(spot_checks.c.id == check.id).values(
            concluded_at=check.concluded_at, irregularities_found=check.irregularities_found, result=check.result,
            concluded_by=_who(check.concluded_by)))
