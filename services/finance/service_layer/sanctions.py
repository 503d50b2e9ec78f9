"""Sanctions (R-FIN-4): Finance's decision on an audit finding or on its own spot check's finding of misuse."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from services.finance.adapters.facts import FactsRepository
from services.finance.adapters.money_records import MoneyRecords
from services.finance.domain.history import Actor
from services.finance.domain.permissions import Command, authorize
from services.finance.domain.sanctions import Sanction, SanctionKind, SanctionOrder, basis_project, impose
from services.finance.service_layer.common import UowFactory, lock_ledger, write_ledger
from shared.auth import Identity
from shared.clock import utc_now
from shared.errors import NotFound
from shared.events import SanctionImposed


@dataclass(frozen=True)
class ImposeSanction:
    kind: SanctionKind
    amount: int
    reason: str
    finding_id: str | None = None
    spot_check_id: str | None = None


async def impose_sanction(uow_factory: UowFactory, command: ImposeSanction, actor: Identity) -> Sanction:
    """Reduce the budget, stop payments or order recovery, on the project's current ledger."""
    authorize(Command.IMPOSE_SANCTION, actor)
    async with uow_factory() as uow:
        finding = check = None
        if command.finding_id:
            finding = await FactsRepository(uow.session).finding(command.finding_id)
            if finding is None:
                raise NotFound("audit finding", "findingId")
        records = MoneyRecords(uow.session)
        if command.spot_check_id:
            check = await records.spot_check(command.spot_check_id)
            if check is None:
                raise NotFound("spot check", "spotCheckId")
        project_id = basis_project(finding=finding, spot_check=check)
        ledgers, ledger = await lock_ledger(uow, project_id)
        order = SanctionOrder(command.kind, command.amount, command.reason)
        sanction, updated, entry = impose(ledger, order, finding=finding, spot_check_id=command.spot_check_id,
                                          sanction_id=str(uuid.uuid4()), actor=Actor.of(actor), now=utc_now())
        await records.add_sanction(sanction)
        await write_ledger(uow, ledgers, updated, [entry])
        await uow.emit(SanctionImposed(
            sanction_id=sanction.id, project_id=project_id, finding_id=sanction.finding_id, kind=sanction.kind.value,
            amount=sanction.amount, imposed_at=sanction.imposed_at), subject=project_id)
        await uow.commit()
        return sanction
