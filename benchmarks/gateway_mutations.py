"""The gateway benchmark's second part: mutations through our gateway, one at a time and many at a time, and the books
checked to the fen after the payments (R-FIN-1)."""
from __future__ import annotations

import asyncio
import random
import time
from collections import defaultdict

import asyncpg
import httpx

from lifecycle_load import percentiles
from tests.e2e.slice import APPROVAL_BUREAU, CREATE, DOSSIER, FINANCE_BUREAU, SUBMIT, UNIT, APPROVE, complete_dossier

PAY = """mutation($input: MakePaymentInput!) { makePayment(input: $input) { replayed userErrors { code message } } }"""
BALANCE = "query($id: ID!) { project(id: $id) { balance { approvedBudget paid remaining } } }"
ESTIMATE = 2_000_000_00


class Timed:
    """One kind of mutation sent through the gateway; each call's latency and whether it was accepted."""

    def __init__(self, client: httpx.AsyncClient, mint):
        self.client, self.mint = client, mint

    async def send(self, query: str, variables: dict, actor: dict) -> tuple[float, dict]:
        started = time.perf_counter()
        response = await self.client.post("/graphql", json={"query": query, "variables": variables},
                                          headers={"authorization": f"Bearer {self.mint(**actor)}"})
        return time.perf_counter() - started, response.json()

    async def run(self, calls: list[tuple[str, dict, dict]], concurrency: int) -> dict:
        """`calls` (query, variables, actor) at most `concurrency` in flight; rate over the wall time."""
        gate = asyncio.Semaphore(concurrency)
        latencies, answers = [], [None] * len(calls)  # answers in the order of the calls

        async def one(index, call):
            async with gate:
                elapsed, answers[index] = await self.send(*call)
                latencies.append(elapsed)

        started = time.perf_counter()
        await asyncio.gather(*(one(index, call) for index, call in enumerate(calls)))
        seconds = time.perf_counter() - started
        n, p50, p99 = percentiles(latencies)
        refused = [a for a in answers if a.get("errors") or any(
            (v or {}).get("userErrors") for v in (a.get("data") or {}).values())]
        return {"n": n, "rate": n / seconds if seconds else 0.0, "p50": p50 * 1000, "p99": p99 * 1000,
                "refused": len(refused), "sample refusal": str(refused[0])[:300] if refused else "",
                "answers": answers}


async def run_mutations(client: httpx.AsyncClient, mint, seeder, payable: list[str], stack, settle, args) -> dict:
    timed, n, c = Timed(client, mint), args.mutations, args.connections
    results: dict[str, dict] = {}
    create = (CREATE, {"input": {"name": "Benchmark platform", "kind": "APPLICATION_SYSTEM_NEW",
                                 "investmentEstimate": ESTIMATE,
                                 "fundSources": [{"source": "FISCAL", "amount": ESTIMATE}]}}, UNIT)
    created = []
    for mode, concurrency in (("one at a time", 1), (f"{c} at a time", c)):
        result = await timed.run([create] * n, concurrency)
        created += [a["data"]["createProject"]["project"]["id"] for a in result.pop("answers")
                    if (a.get("data") or {}).get("createProject", {}).get("project")]
        results[f"createProject, {mode}"] = result
    await timed.run([(DOSSIER, {"id": i, "input": complete_dossier(ESTIMATE)}, UNIT) for i in created], c)
    for query, name, actor in ((SUBMIT, "submitProject", UNIT), (APPROVE, "approveProject", APPROVAL_BUREAU)):
        halves = (created[:len(created) // 2], created[len(created) // 2:])
        for mode, concurrency, ids in (("one at a time", 1, halves[0]), (f"{c} at a time", c, halves[1])):
            result = await timed.run([(query, {"id": i}, actor) for i in ids], concurrency)
            result.pop("answers")
            results[f"{name}, {mode}"] = result
    results.update(await pay_and_balance(timed, seeder, payable, stack, settle, n, c))
    return results


async def pay_and_balance(timed: Timed, seeder, payable: list[str], stack, settle, n: int, c: int) -> dict:
    """`n` payments one at a time, then `n` more `c` at a time with a tenth of the keys sent twice; each project's
    payments fit its allocation. Then what was accepted is compared with Finance's books, to the fen."""
    if not payable:
        return {"books": {"balanced": False, "problems": ["no project under construction to pay"]}}
    rng, results = random.Random(11), {}
    ceiling = min(seeder.budgets[p] for p in payable) // (2 * n + 1)  # all payments of any project fit its allocation
    accepted: dict[str, int] = defaultdict(int)
    for mode, concurrency in (("one at a time", 1), (f"{c} at a time", c)):
        requests = [{"projectId": payable[i % len(payable)], "kind": "CONSTRUCTION", "tranche": "progress",
                     "purpose": "servers and integration", "amount": rng.randint(1, ceiling),
                     "idempotencyKey": f"bench-{concurrency}-{i}"} for i in range(n)]
        if concurrency > 1:
            requests += rng.sample(requests, n // 10)
            rng.shuffle(requests)
        result = await timed.run([(PAY, {"input": r}, FINANCE_BUREAU) for r in requests], concurrency)
        replayed = 0
        for request, answer in zip(requests, result.pop("answers")):
            payload = (answer.get("data") or {}).get("makePayment") or {}
            if payload.get("replayed"):
                replayed += 1
            elif payload and not payload.get("userErrors") and not answer.get("errors"):
                accepted[request["projectId"]] += request["amount"]
        result["replayed"] = replayed
        results[f"makePayment, {mode}"] = result
    await settle()
    results["books"] = await check_books(timed, stack, accepted)
    return results


async def check_books(timed: Timed, stack, accepted: dict[str, int]) -> dict:
    problems = []
    connection = await asyncpg.connect(stack.db_url("finance", "postgresql"))
    try:
        paid = {r["project_id"]: r["s"] for r in await connection.fetch(
            "SELECT project_id, sum(amount) AS s FROM payments WHERE idempotency_key LIKE 'bench-%' "
            "GROUP BY project_id")}
        ledgers = {r["project_id"]: r["paid"] for r in await connection.fetch(
            "SELECT project_id, paid FROM finance_ledgers WHERE project_id = ANY($1)", list(accepted))}
        allocations = {r["project_id"]: r["s"] for r in await connection.fetch(
            "SELECT project_id, sum(paid) AS s FROM fund_allocations WHERE project_id = ANY($1) GROUP BY project_id",
            list(accepted))}
    finally:
        await connection.close()
    if sum(accepted.values()) != sum(paid.values()):
        problems.append(f"accepted {sum(accepted.values())} fen, Finance's payments hold {sum(paid.values())} fen")
    for project_id, amount in accepted.items():
        for name, books in (("payments", paid), ("ledger", ledgers), ("allocation", allocations)):
            if books.get(project_id) != amount:
                problems.append(f"{project_id}: accepted {amount} fen, {name} says {books.get(project_id)}")
        _, answer = await timed.send(BALANCE, {"id": project_id}, FINANCE_BUREAU)
        balance = ((answer.get("data") or {}).get("project") or {}).get("balance") or {}
        if balance.get("paid") != amount or balance.get("remaining") != balance.get("approvedBudget", 0) - amount:
            problems.append(f"{project_id}: accepted {amount} fen, the gateway's balance says {balance}")
    return {"balanced": not problems, "fen": sum(accepted.values()), "projects": len(accepted),
            "problems": problems[:5]}
