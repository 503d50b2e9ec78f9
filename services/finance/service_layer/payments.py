"""Disbursement (支付, R-FIN-1): one payment per request key, decided under the project's ledger lock, announced
by `finance.payment.made.v1` in the same transaction."""
from __future__ import annotations

import uuid
from datetime import datetime

from services.finance.adapters import payment_context
from services.finance.adapters.money_records import MoneyRecords
from services.finance.domain.disbursement import (
    Payment,
    PaymentContext,
    PaymentRequest,
    TrancheKind,
    decide_payment,
    replay,
    request_problems,
)
from services.finance.domain.history import Actor
from services.finance.domain.permissions import Command, authorize
from services.finance.service_layer.common import UowFactory, lock_ledger, retrying, write_ledger
from shared.auth import Identity
from shared.clock import budget_year, utc_now
from shared.errors import DomainError
from shared.events import PaymentMade


async def make_payment(uow_factory: UowFactory, request: PaymentRequest, actor: Identity, *,
                       clock=utc_now) -> tuple[Payment, bool]:
    """Pay, or return the payment an identical earlier request made (with `True`: a replay).

    Concurrent requests for one project queue on its ledger lock, and each is decided on the figures the one
    before it left; a request whose twin (same key) committed while it waited finds that payment after the lock.
    The same key on another project's request meets the key's unique index and is decided again as a replay (a
    replay is refused if the key names another project: the content differs).
    """
    authorize(Command.MAKE_PAYMENT, actor)
    request = request.normalised()
    problems = request_problems(request)
    if problems:
        raise DomainError(problems)

    async def attempt() -> tuple[Payment, bool]:
        async with uow_factory() as uow:
            ledgers, ledger = await lock_ledger(uow, request.project_id)
            now: datetime = clock()
            year = budget_year(now)
            # Read after the lock: a twin request (same key) that committed while this one waited is seen here.
            known = await payment_context.read(uow.session, request.project_id, year, request.idempotency_key,
                                               with_performance=request.kind is TrancheKind.OM)
            if known.existing is not None:
                return replay(known.existing, request), True
            context = PaymentContext(ledger=ledger, facts=known.facts, year=year, allocation=known.allocation,
                                     plan=known.plan)
            payment, new_ledger, allocation, entry = decide_payment(
                request, context, payment_id=str(uuid.uuid4()), actor=Actor.of(actor), now=now)
            await MoneyRecords(uow.session).add_payment(payment)
            await ledgers.record_paid(allocation)
            await write_ledger(uow, ledgers, new_ledger, [entry])
            await uow.emit(PaymentMade(
                payment_id=payment.id, project_id=payment.project_id, year=payment.year, kind=payment.kind.value,
                tranche=payment.tranche, purpose=payment.purpose, amount=payment.amount, paid_at=payment.paid_at),
                subject=payment.project_id)
            await uow.commit()
            return payment, False

    return await retrying(attempt)
