"""Finance's money on the real PostgreSQL: many concurrent payment requests through the service layer never
overspend the year's allocation or the approved budget (R-FIN-1), to the fen; a reduction racing the payments
never lets paid + reductions pass the budget (R-FIN-4); concurrent repeats of one key pay once; every payment's
event is in the outbox of its own transaction; migration 0003 goes down and up."""
import asyncio
import random

import pytest
from sqlalchemy import func, select

from services.finance.adapters import trail_store
from services.finance.adapters.money_tables import allocations, ledgers, payments
from services.finance.adapters.orm import trail
from services.finance.app import DEFINITION
from services.finance.domain.disbursement import PaymentRequest, TrancheKind
from services.finance.domain.sanctions import SanctionKind
from services.finance.domain.trail import project_chain
from services.finance.service_layer.payments import make_payment
from services.finance.service_layer.sanctions import ImposeSanction, impose_sanction
from shared.errors import DomainError
from shared.events import PaymentMade
from shared.migrations import current_revision, head_revision
from shared.trail_store import DecisionTrail
from tests.unit.finance.money_support import BUDGET, THIS_YEAR, allocate, finding, money, pay, payable
from tests.unit.finance.support import FINANCE, downgrade, outbox_events, settle

pytestmark = pytest.mark.integration


@pytest.fixture
async def finance(service_on_postgres):
    runtime = await service_on_postgres(DEFINITION, database="finance_money")
    yield runtime
    await settle(runtime)


def request(amount: int, key: str, project_id: str = "p-1") -> PaymentRequest:
    return PaymentRequest(project_id, TrancheKind.CONSTRUCTION, "progress", "servers", amount, key)


async def books(runtime, project_id: str = "p-1") -> tuple[int, int, int, int]:
    """(sum of payment rows, the ledger's paid, the year's allocation paid, payments counted)."""
    async with runtime.sessions() as session:
        rows = (await session.execute(select(func.coalesce(func.sum(payments.c.amount), 0), func.count())
                                      .where(payments.c.project_id == project_id))).one()
        ledger_paid = (await session.execute(select(ledgers.c.paid).where(ledgers.c.project_id == project_id))
                       ).scalar_one()
        year_paid = (await session.execute(select(allocations.c.paid).where(
            allocations.c.project_id == project_id, allocations.c.year == THIS_YEAR))).scalar_one()
    return int(rows[0]), ledger_paid, year_paid, rows[1]


async def test_R_FIN_1_concurrent_requests_never_overspend_the_allocation_to_the_fen(finance):
    limit = 1_234_567  # fen: an odd figure, so only an exact count of fen fills it
    await payable(finance, allocation=limit)
    rng = random.Random(4)
    amounts = [rng.randint(1_000, 90_000) for _ in range(120)]
    assert sum(amounts) > 3 * limit
    results = await asyncio.gather(*(make_payment(finance.uow, request(a, f"k-{i}"), FINANCE)
                                     for i, a in enumerate(amounts)), return_exceptions=True)
    paid = [amount for amount, r in zip(amounts, results) if not isinstance(r, BaseException)]
    refused = [(amount, r) for amount, r in zip(amounts, results) if isinstance(r, BaseException)]
    assert all(isinstance(r, DomainError) and {v.code for v in r.violations} == {"R-FIN-1"} for _, r in refused), \
        [r for _, r in refused if not isinstance(r, DomainError)][:3]
    assert paid and refused
    total, ledger_paid, year_paid, rows = await books(finance)
    assert total == ledger_paid == year_paid == sum(paid) <= limit
    assert rows == len(paid)
    # Each refusal was decided on current figures: paid only grows, so a refused request could never have fitted.
    assert all(amount > limit - total for amount, _ in refused)
    assert len(await outbox_events(finance, PaymentMade.event_type)) == len(paid)
    async with finance.sessions() as session:
        chain = (await trail_store.entries_of(session, [project_chain("p-1")]))[project_chain("p-1")]
        report = await DecisionTrail(trail, session).verify()
    assert report.intact  # R-OVS-1: concurrent payments chain in order, no fork, none failed for it
    assert [e.action for e, _, _ in chain].count("MAKE_PAYMENT") == len(paid)


async def test_R_FIN_1_R_FIN_4_a_reduction_racing_the_payments_never_lets_them_pass_the_budget(finance):
    await payable(finance, allocation=BUDGET)
    await finance.consumer(finding("p-1"))
    amount = BUDGET // 40
    reduction = ImposeSanction(SanctionKind.REDUCE_BUDGET, BUDGET // 4, "misappropriated", finding_id="f-1")
    calls = [make_payment(finance.uow, request(amount, f"k-{i}"), FINANCE) for i in range(60)]
    calls.insert(20, impose_sanction(finance.uow, reduction, FINANCE))
    results = await asyncio.gather(*calls, return_exceptions=True)
    unexpected = [r for r in results if isinstance(r, BaseException) and not isinstance(r, DomainError)]
    assert unexpected == []
    state = (await money(finance))["balance"]
    assert state["paid"] + state["reductions"] <= BUDGET
    assert state["paid"] == (await books(finance))[0]
    if state["reductions"]:
        assert state["paid"] <= BUDGET - BUDGET // 4


async def test_R_FIN_1_concurrent_repeats_of_one_key_pay_once(finance):
    await payable(finance)
    results = await asyncio.gather(*(make_payment(finance.uow, request(700_00, "same-key"), FINANCE)
                                     for _ in range(25)))
    assert len({payment.id for payment, _replayed in results}) == 1
    assert sorted(replayed for _payment, replayed in results) == [False] + [True] * 24
    assert await books(finance) == (700_00, 700_00, 700_00, 1)
    assert len(await outbox_events(finance, PaymentMade.event_type)) == 1


async def test_R_FIN_1_one_key_on_two_projects_at_once_pays_one_and_tells_the_other(finance):
    """The two requests lock different ledgers; the key's unique index decides, and the loser is told."""
    from tests.unit.finance.money_support import approve_plan, contract, reported

    for project_id in ("p-1", "p-2"):
        await reported(finance, project_id)
        await finance.consumer(contract(project_id))
        assert (await allocate(finance, project_id, THIS_YEAR, 1_000_00))["userErrors"] == []
    await approve_plan(finance)
    for round_ in range(5):
        key = f"shared-{round_}"
        results = await asyncio.gather(*(make_payment(finance.uow, request(100_00, key, project_id=p), FINANCE)
                                         for p in ("p-1", "p-2")), return_exceptions=True)
        paid = [r for r in results if not isinstance(r, BaseException)]
        refused = [r for r in results if isinstance(r, BaseException)]
        assert len(paid) == 1 and paid[0][1] is False
        (error,) = refused
        assert isinstance(error, DomainError)
        assert [(v.code, v.field) for v in error.violations] == [("R-FIN-1", ("input", "idempotencyKey"))]
    assert (await books(finance, "p-1"))[0] + (await books(finance, "p-2"))[0] == 5 * 100_00


async def test_migration_0003_goes_down_and_up_again_on_postgres_and_opens_ledgers_for_existing_cases(finance):
    await payable(finance)
    await pay(finance, key="k-1")
    await downgrade(finance, "0002")
    assert await current_revision(finance.engine) == "0002"
    await finance.migrate()
    assert await current_revision(finance.engine) == head_revision(finance.definition.migrations)
    balance = (await money(finance))["balance"]
    assert balance["approvedBudget"] == BUDGET and balance["paid"] == 0  # the ledger reopened from the report
