"""Benchmark (not a test): idempotent payments through the finance service layer on PostgreSQL.

Creates its own database, sets up 1,000 projects (approved, budget-reviewed, contracted, allocated this year, in
the approved special-fund plans of their jurisdictions), then pays 10,000 payments through
`services.finance.service_layer.payments.make_payment` (what the `makePayment` mutation calls), with a share of
the requests sent again under the same key. Each run pays the same workload twice: one request at a time (the
baseline), and in concurrent `asyncio.gather` batches in shuffled order (so requests for one project queue on its
ledger lock); the two passes alternate which goes first. After each pass it checks that the books balance to the
fen, then clears the payments (and vacuums) for the next.

    .venv/bin/python benchmarks/finance_payments.py [--admin-url postgresql://postgres@127.0.0.1:5432/test]
        [--projects 1000] [--payments 10000] [--repeat-share 0.1] [--batch 50] [--runs 3]

With the defaults it takes about a quarter of an hour on a small machine (set-up ~1 min, each pass ~2-3 min).
"""
from __future__ import annotations

import argparse
import asyncio
import random
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg  # noqa: E402
from sqlalchemy import delete, func, select, text, update  # noqa: E402

from services.finance import commands  # noqa: E402
from services.finance.adapters.money_tables import allocations, ledgers, payments  # noqa: E402
from services.finance.adapters.orm import trail  # noqa: E402
from services.finance.app import DEFINITION  # noqa: E402
from services.finance.domain.budget_review import LineCategory  # noqa: E402
from services.finance.domain.disbursement import PaymentRequest, TrancheKind  # noqa: E402
from services.finance.service_layer import funds  # noqa: E402
from services.finance.service_layer.payments import make_payment  # noqa: E402
from shared.auth import Department, Identity, generate_keypair  # noqa: E402
from shared.bus.memory import InProcessBus  # noqa: E402
from shared.clock import budget_year, utc_now  # noqa: E402
from shared.errors import DomainError  # noqa: E402
from shared.events import (  # noqa: E402
    ContractRecorded,
    Envelope,
    PaymentMade,
    ProjectApproved,
    TechnicalReviewConcluded,
)
from shared.jurisdictions import JURISDICTIONS  # noqa: E402
from shared.service import ServiceRuntime  # noqa: E402
from shared.settings import Settings  # noqa: E402
from shared.trail_store import DecisionTrail  # noqa: E402

FINANCE = Identity(Department.FINANCE_BUREAU, unit="finance-bureau", subject="bench-clerk")
APPROVAL = Identity(Department.APPROVAL_BUREAU, unit="approval-bureau", subject="bench-approver")
LEADING_GROUP = Identity(Department.LEADING_GROUP, unit="leading-group", subject="bench-group")
YEAR = budget_year(utc_now())
T0 = datetime.now(timezone.utc) - timedelta(days=30)


@dataclass(frozen=True)
class Request:
    key: str
    project_id: str
    amount: int


@dataclass
class Pass:
    seconds: float
    latencies: list[float]
    requests: int
    paid: int


def wrap(payload) -> Envelope:
    return Envelope.wrap(payload, source="approval", subject=payload.project_id)


async def set_up_project(runtime, index: int, rng: random.Random) -> tuple[str, int]:
    """One project through the service as it happens: approval and opinion events, Finance's review and report,
    the contract event, this year's allocation. Returns its id and allocation (fen)."""
    project_id = str(uuid.uuid4())
    jurisdiction = list(JURISDICTIONS)[index % len(JURISDICTIONS)]
    budget = rng.randint(50_000, 500_000) * 100
    await runtime.consumer(wrap(ProjectApproved(
        project_id=project_id, code=f"{jurisdiction}-{YEAR}-{index:04d}", name=f"bench {index}", unit_id="unit",
        unit_path=["unit", "city-government"], jurisdiction=jurisdiction, kind="APPLICATION_SYSTEM_NEW",
        investment_estimate=budget, fund_sources=[{"source": "FISCAL", "amount": budget}], approved_at=T0)))
    await runtime.consumer(wrap(TechnicalReviewConcluded(
        project_id=project_id, code="c", approved_estimate=budget, classified=False,
        fund_sources=[{"source": "FISCAL", "amount": budget}], cross_year=True,
        yearly_plan=[{"year": YEAR, "amount": budget // 2}, {"year": YEAR + 1, "amount": budget - budget // 2}],
        concluded_at=T0 + timedelta(days=1))))
    await commands.set_budget_line(runtime.uow, commands.SetBudgetLine(
        project_id, LineCategory.EQUIPMENT, budget, budget), FINANCE)
    await commands.issue_budget_review_report(runtime.uow, project_id, FINANCE)
    await runtime.consumer(wrap(ContractRecorded(project_id=project_id, code="c", contract_id=f"HT-{index}",
                                                 vendor_ids=["v"], contract_sum=budget, signed_on=T0.date())))
    allocation = budget // 2
    await funds.set_fund_allocation(runtime.uow, funds.SetFundAllocation(project_id, YEAR, allocation), FINANCE)
    return project_id, allocation


async def set_up(runtime, projects: int, rng: random.Random) -> dict[str, int]:
    limits: dict[str, int] = {}
    for start in range(0, projects, 25):
        done = await asyncio.gather(*(set_up_project(runtime, i, rng) for i in range(start, min(start + 25, projects))))
        limits.update(done)
    for jurisdiction in list(JURISDICTIONS)[:projects]:  # R-PLN-2: drafted, co-signed, approved by the Leading Group
        await funds.draft_special_fund_plan(runtime.uow, jurisdiction, YEAR, FINANCE)
        await funds.sign_special_fund_plan(runtime.uow, jurisdiction, YEAR, FINANCE)
        await funds.sign_special_fund_plan(runtime.uow, jurisdiction, YEAR, APPROVAL)
        await funds.review_special_fund_plan(runtime.uow, jurisdiction, YEAR, approve=True, reason=None,
                                             actor=LEADING_GROUP)
    return limits


def workload(limits: dict[str, int], count: int, repeat_share: float, rng: random.Random, run: int) -> list[Request]:
    """`count` distinct payments spread evenly over the projects, each small enough that all of a project's fit in
    its allocation; then `repeat_share` of them sent again under the same key."""
    project_ids = list(limits)
    per_project = -(-count // len(project_ids))
    unique = []
    for i in range(count):
        project_id = project_ids[i % len(project_ids)]
        unique.append(Request(f"r{run}-{i}", project_id, rng.randint(1, max(1, limits[project_id] // per_project))))
    repeats = rng.sample(unique, int(count * repeat_share))
    return unique + repeats


async def one(runtime, request: Request, latencies: list[float], outcomes: dict[str, list]) -> None:
    started = time.perf_counter()
    payment, replayed = await make_payment(runtime.uow, PaymentRequest(
        request.project_id, TrancheKind.CONSTRUCTION, "progress", "benchmark", request.amount, request.key), FINANCE)
    latencies.append(time.perf_counter() - started)
    outcomes[request.key].append((payment.id, replayed))


async def pay_all(runtime, requests: list[Request], batch: int | None) -> tuple[Pass, dict[str, list]]:
    latencies: list[float] = []
    outcomes: dict[str, list] = defaultdict(list)
    started = time.perf_counter()
    if batch is None:
        for request in requests:
            await one(runtime, request, latencies, outcomes)
    else:
        for start in range(0, len(requests), batch):
            await asyncio.gather(*(one(runtime, r, latencies, outcomes) for r in requests[start:start + batch]))
    seconds = time.perf_counter() - started
    return Pass(seconds, latencies, len(requests), len(outcomes)), outcomes


async def check_books(runtime, requests: list[Request], outcomes: dict[str, list], limits: dict[str, int]) -> str:
    """The books balance to the fen: per project, the payment rows add up to the ledger's paid and the year's paid,
    within the allocation; each key paid once; one outbox event per payment."""
    expected: dict[str, int] = defaultdict(int)
    for request in {r.key: r for r in requests}.values():
        expected[request.project_id] += request.amount
    async with runtime.sessions() as session:
        rows = dict((await session.execute(select(payments.c.project_id, func.sum(payments.c.amount))
                                           .group_by(payments.c.project_id))).all())
        paid = dict((await session.execute(select(ledgers.c.project_id, ledgers.c.paid))).all())
        year_paid = dict((await session.execute(select(allocations.c.project_id, allocations.c.paid)
                                                .where(allocations.c.year == YEAR))).all())
        events = (await session.execute(select(func.count()).select_from(runtime.outbox)
                                        .where(runtime.outbox.c.type == PaymentMade.event_type))).scalar_one()
        count = (await session.execute(select(func.count()).select_from(payments))).scalar_one()
    problems = []
    for project_id, limit in limits.items():
        books = (int(rows.get(project_id, 0)), paid[project_id], year_paid[project_id], expected[project_id])
        if len(set(books)) != 1 or books[0] > limit:
            problems.append(f"{project_id}: rows {books[0]}, ledger {books[1]}, year {books[2]}, expected {books[3]}, "
                            f"limit {limit}")
    once = all(len({pid for pid, _ in results}) == 1 and [r for _, r in results].count(False) == 1
               for results in outcomes.values())
    distinct = len(outcomes)
    if count != distinct or events != distinct or not once:
        problems.append(f"{count} payment rows and {events} events for {distinct} keys; each key paid once: {once}")
    if problems:
        raise SystemExit("BOOKS DO NOT BALANCE:\n" + "\n".join(problems[:10]))
    return (f"books balance to the fen: {distinct} payments = {sum(expected.values())} fen over {len(limits)} "
            f"projects; ledger = year = rows for every project, all within allocation; repeated keys paid once; "
            f"{events} events")


async def clear_payments(runtime, head: tuple[int, str]) -> None:
    """Back to the state after set-up, so each pass pays the same workload on the same figures; then VACUUM, so
    that a later pass does not wade through the dead rows of the earlier ones."""
    async with runtime.sessions() as session, session.begin():
        await session.execute(delete(payments))
        await session.execute(delete(trail.entries).where(trail.entries.c.seq > head[0]))
        await session.execute(delete(runtime.outbox).where(runtime.outbox.c.type == PaymentMade.event_type))
        await session.execute(update(allocations).values(paid=0, om_paid=0))
        await session.execute(update(ledgers).values(paid=0))
        await session.execute(update(trail.head).values(seq=head[0], entry_hash=head[1]))
    async with runtime.engine.connect() as connection:
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        for table in ("payments", "decision_trail", "outbox", "fund_allocations", "finance_ledgers"):
            await connection.execute(text(f"VACUUM ANALYZE {table}"))


def ms(seconds: float) -> float:
    return seconds * 1000


def describe(name: str, result: Pass) -> str:
    latencies = sorted(result.latencies)
    p50 = latencies[len(latencies) // 2]
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return (f"  {name:<11} {result.paid / result.seconds:8.1f} payments/s ({result.requests / result.seconds:8.1f} "
            f"requests/s)  p50 {ms(p50):6.2f} ms  p99 {ms(p99):7.2f} ms  wall {result.seconds:6.1f} s")


async def main(args) -> None:
    # Stopped by SIGTERM (e.g. `timeout`), still drop the database in `finally`.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, asyncio.current_task().cancel)
    admin = await asyncpg.connect(args.admin_url)
    name = f"egov_bench_finance_{uuid.uuid4().hex[:8]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    keys = Path(tempfile.mkdtemp(prefix="egov-bench-"))
    (keys / "public.pem").write_bytes(generate_keypair()[1])
    bus = InProcessBus(retry_delay=0)
    url = f"postgresql+asyncpg://{urlparse(args.admin_url).netloc}/{name}"
    runtime = ServiceRuntime(DEFINITION, Settings(database_url=url, jwt_public_key_file=keys / "public.pem",
                                                  environment="test").for_service("finance"), bus=bus)
    try:
        await runtime.start()
        rng = random.Random(20260629)
        started = time.perf_counter()
        limits = await set_up(runtime, args.projects, rng)
        print(f"set-up: {len(limits)} projects, budgets, allocations and approved special-fund plans in "
              f"{time.perf_counter() - started:.1f} s (database {name})")
        async with runtime.sessions() as session:
            head = await DecisionTrail(trail, session).head()
        baseline, concurrent = [], []
        for run in range(1, args.runs + 1):
            requests = workload(limits, args.payments, args.repeat_share, rng, run)
            print(f"run {run}: {args.payments} payments, {len(requests)} requests "
                  f"({len(requests) - args.payments} repeated keys)")
            passes = [("sequential", None, baseline), ("concurrent", args.batch, concurrent)]
            if run % 2 == 0:  # alternate which pass goes first, so that drift on a shared machine hits both alike
                passes.reverse()
            for label, batch, results in passes:
                order = list(requests)
                if batch is not None:
                    rng.shuffle(order)  # repeats may now race their originals, and projects meet on their locks
                result, outcomes = await pay_all(runtime, order, batch)
                print(describe(label if batch is None else f"batch {batch}", result))
                print(f"    {await check_books(runtime, requests, outcomes, limits)}")
                results.append(result)
                await clear_payments(runtime, head)
        rate = [r.paid / r.seconds for r in baseline], [r.paid / r.seconds for r in concurrent]
        p50 = [statistics.median(r.latencies) for r in baseline], [statistics.median(r.latencies) for r in concurrent]
        p99 = ([sorted(r.latencies)[int(len(r.latencies) * 0.99)] for r in baseline],
               [sorted(r.latencies)[int(len(r.latencies) * 0.99)] for r in concurrent])
        print(f"medians over {args.runs} runs:")
        print(f"  sequential  {statistics.median(rate[0]):8.1f} payments/s  p50 {ms(statistics.median(p50[0])):6.2f} ms"
              f"  p99 {ms(statistics.median(p99[0])):7.2f} ms")
        print(f"  batch {args.batch:<5} {statistics.median(rate[1]):8.1f} payments/s  "
              f"p50 {ms(statistics.median(p50[1])):6.2f} ms  p99 {ms(statistics.median(p99[1])):7.2f} ms")
        print(f"  throughput ratio concurrent / sequential: "
              f"{statistics.median(rate[1]) / statistics.median(rate[0]):.2f}x")
    finally:
        await runtime.stop()
        await bus.close()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--payments", type=int, default=10_000)
    parser.add_argument("--repeat-share", type=float, default=0.1)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    try:
        asyncio.run(main(parser.parse_args()))
    except DomainError as error:
        raise SystemExit(f"refused: {error}") from error
    except asyncio.CancelledError:
        raise SystemExit("stopped before the end (SIGTERM); its database was dropped") from None
