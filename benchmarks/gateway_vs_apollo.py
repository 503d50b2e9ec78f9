"""Benchmark (not a test): our gateway beside Apollo Gateway and beside the subgraphs themselves, over one stack of the
four bureaus on PostgreSQL and RabbitMQ holding a realistic data set; then mutations through our gateway.

    .venv/bin/python benchmarks/gateway_vs_apollo.py [--projects 130] [--rounds 3] [--duration 4] [--connections 16]
        [--mutations 60] [--sql-requests 40] [--seed-concurrency 8] [--admin-url ...] [--amqp-url ...] [--keep-logs]

(Needs Node.js and npm: `benchmarks/npm/` pins @apollo/gateway, @apollo/server, @apollo/composition and autocannon,
installed with `npm ci` on first use; and the `test` extra, as `lifecycle_load.py` does.) The defaults take about
ten minutes on a busy 2-core machine (the stack one, seeding four, queries two, SQL one, mutations two); the issue's
figures want thousands of projects: `--projects 3000 --rounds 8 --duration 10` (the seeding
alone is ~17 mutations per project, 25-35 mutations/s on a loaded 2-core machine: about half an hour).

1. The stack of `lifecycle_load.py` (its own databases, broker prefix, keys, `egov serve` per service and gateway,
   removed afterwards, also on Ctrl-C), plus Apollo Gateway 2.14 (`benchmarks/npm/apollo_gateway.js`) serving
   Apollo's own composition of the committed subgraph SDL and forwarding the caller's token, as ours does.
2. Seeding (`seeding.py`, which says why it is done that way): `--projects` projects spread evenly over every
   lifecycle state (REJECTED included, a share of the submitted ones classified), events drained; this year's fund
   allocations and special-fund plan for the projects under construction, which the payments draw on.
3. Queries, each the same POST body with an Approval Bureau token (a workflow bureau: it may see every project,
   R-SEC-2), sent by autocannon (`-c --connections -d --duration`) in alternating rounds: ours, Apollo, direct
   (the order rotates each round); medians over `--rounds`:
   (a) one project, fields from all four subgraphs; (b) 50 projects with a Finance field; (c) one project,
   approval fields only. "direct" is the subgraph calls a plan needs, each sent straight to its subgraph by
   autocannon: for (c) the same query to the approval subgraph; for (a) and (b) the approval root call and one
   `_entities` call per other subgraph, measured one after another, and combined as calls made in sequence:
   req/s = 1 / sum(1 / req/s of each call), latency = the sum of the calls' latencies. Gateway overhead =
   1 - gateway req/s / direct req/s. CPU per request = the process's utime+stime (/proc/<pid>/stat) over the run
   / 2xx responses: the gateway's own, and the four subgraphs' together.
4. SQL statements per subgraph for (b): each service counts the statements its request pool sends
   (`egov_db_statements_total` on its /metrics), read around `--sql-requests` sequential requests through our
   gateway, less what a scrape itself reads. 0 skips it.
5. Mutations through our gateway (httpx, the product's path): createProject, submitProject, approveProject and
   makePayment, each `--mutations` times one at a time (rate, p50/p99) and `--mutations` times `--connections` at
   a time; the concurrent payments send a tenth of their keys twice (R-FIN-1: paid once). Then the books: every
   accepted payment's fen against Finance's payments, ledgers and allocations, and each project's balance read back
   through the gateway.
6. Peak resident memory (VmHWM) of every process (the goal read strictly: 150 MB = 150e6 bytes = 143 MiB), and a
   checklist of the issue's goals, met or not (unknown where the figure cannot decide).
On 2 shared cores every figure moves with the machine's load: read the ratios, which one run measures together.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import asyncpg  # noqa: E402
import httpx  # noqa: E402

from gateway_report import print_queries, print_summary  # noqa: E402
from gateway_mutations import run_mutations  # noqa: E402
from http_load import autocannon, ensure_npm_packages, start_apollo, statements_per_request  # noqa: E402
from lifecycle_load import (  # noqa: E402
    SERVICES, Stack, add_stack_arguments, cached_minter, cpu_seconds, free_port, git_state, memory_kib, run_benchmark,
    sample_memory,
)
from seeding import Seeder, RoutedClient, mutation_owners, state_counts  # noqa: E402
from shared.clock import budget_year, utc_now  # noqa: E402
from tests.e2e.slice import APPROVAL_BUREAU  # noqa: E402

ONE = """query($id: ID!) { project(id: $id) { code name status investment
  budgetReview { status approvedBudget } balance { paid remaining }
  auditRegister { investment inCertaintyScope } classification { status } } }"""
FIFTY = "{ projects(first: 50) { edges { node { id code name status budgetReview { status approvedBudget } } } } }"
APPROVAL_ONLY = "query($id: ID!) { project(id: $id) { code name status investment kind jurisdiction } }"
ENTITIES = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Project { %s } } }"
PARTS = {"finance": "budgetReview { status approvedBudget } balance { paid remaining }",
         "audit": "auditRegister { investment inCertaintyScope }", "secrecy": "classification { status }"}
TARGETS = ("ours", "apollo", "direct")


def query_plans(project_id: str, fifty_ids: list[str]) -> dict[str, tuple[str, dict, list[tuple[str, dict]]]]:
    """Per query: its label, the client's body, and the direct calls (subgraph, body) that answer it."""
    one = [{"__typename": "Project", "id": project_id}]
    many = [{"__typename": "Project", "id": i} for i in fifty_ids]
    return {
        "a": ("(a) one project, all four subgraphs", {"query": ONE, "variables": {"id": project_id}}, [
            ("approval", {"query": "query($id: ID!) { project(id: $id) { id code name status investment } }",
                          "variables": {"id": project_id}}),
            *((name, {"query": ENTITIES % part, "variables": {"r": one}}) for name, part in PARTS.items())]),
        "b": ("(b) 50 projects with a finance field", {"query": FIFTY}, [
            ("approval", {"query": "{ projects(first: 50) { edges { node { id code name status } } } }"}),
            ("finance", {"query": ENTITIES % "budgetReview { status approvedBudget }", "variables": {"r": many}})]),
        "c": ("(c) one project, approval fields only", {"query": APPROVAL_ONLY, "variables": {"id": project_id}},
              [("approval", {"query": APPROVAL_ONLY, "variables": {"id": project_id}})]),
    }


async def check_answers(client: httpx.AsyncClient, urls: dict[str, str], plans, token: str) -> list[str]:
    """Every body answers with data and no errors at its target before anything is timed; both gateways agree."""
    problems, headers = [], {"authorization": f"Bearer {token}"}
    for key, (label, body, direct) in plans.items():
        answers = {}
        for target, url, sent in [("ours", urls["ours"], body), ("apollo", urls["apollo"], body),
                                  *((f"direct {s}", urls[s], b) for s, b in direct)]:
            answer = (await client.post(url, json=sent, headers=headers)).json()
            if answer.get("errors") or not answer.get("data"):
                problems.append(f"{label} at {target}: {str(answer)[:300]}")
            answers[target] = answer.get("data")
        if answers["ours"] != answers["apollo"]:
            problems.append(f"{label}: our gateway and Apollo Gateway answer differently")
    return problems


async def measure(stack, url: str, body: dict, token: str, args, duration: float) -> dict:
    pids = {name: stack.processes[name].pid for name in (*SERVICES, "gateway", "apollo")}
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    load = await autocannon(url, body, token, connections=args.connections, duration=duration)
    cpu = {name: cpu_seconds(pid) - before[name] for name, pid in pids.items()}
    n = max(load.requests, 1)
    return {"rate": load.rate, "p50": load.p50_ms, "p99": load.p99_ms, "other": load.other, "requests": load.requests,
            "ours cpu": cpu["gateway"] * 1000 / n, "apollo cpu": cpu["apollo"] * 1000 / n,
            "subgraph cpu": sum(cpu[s] for s in SERVICES) * 1000 / n}


async def query_rounds(stack, urls: dict[str, str], plans, token: str, args) -> dict:
    """results[query][target] = list of per-round dicts."""
    results = {key: {target: [] for target in TARGETS} for key in plans}
    for round_index in range(args.rounds):
        order = TARGETS[round_index % 3:] + TARGETS[:round_index % 3]
        for key, (label, body, direct) in plans.items():
            for target in order:
                if target == "direct":
                    calls = [await measure(stack, urls[s], b, token, args, max(2.0, args.duration / len(direct)))
                             for s, b in direct]
                    result = {"rate": 1 / sum(1 / max(c["rate"], 1e-9) for c in calls),
                              "p50": sum(c["p50"] for c in calls), "p99": sum(c["p99"] for c in calls),
                              "other": sum(c["other"] for c in calls), "gateway cpu": 0.0,
                              "subgraph cpu": sum(c["subgraph cpu"] for c in calls)}
                else:
                    measured = await measure(stack, urls[target], body, token, args, args.duration)
                    result = {**measured, "gateway cpu": measured[f"{target} cpu"]}
                results[key][target].append(result)
            ours, apollo = results[key]["ours"][-1], results[key]["apollo"][-1]
            print(f"  round {round_index + 1} {label:<40} ours {ours['rate']:7.1f} req/s  apollo {apollo['rate']:7.1f}"
                  f"  direct {results[key]['direct'][-1]['rate']:7.1f}", flush=True)
    return {key: {target: {field: statistics.median(r[field] for r in rounds) for field in rounds[0]}
                  for target, rounds in by_target.items()} for key, by_target in results.items()}


async def main(args) -> int:
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, asyncio.current_task().cancel)
    ensure_npm_packages()
    print(f"gateway vs Apollo: {args.projects} projects, {args.rounds} round(s) of {args.duration}s at "
          f"{args.connections} connections, {args.mutations} mutations per kind, code {git_state()}, "
          f"{os.cpu_count()} CPUs", flush=True)
    began = time.perf_counter()
    stack = Stack(args, "gw")
    sampler = None
    try:
        await stack.start()
        apollo_url = await start_apollo(stack, SERVICES, free_port())
        print(f"stack and Apollo Gateway up in {time.perf_counter() - began:.1f}s (prefix {stack.prefix})", flush=True)
        peaks: dict[str, int] = {}
        sampler = asyncio.create_task(sample_memory(
            {name: p.pid for name, p in stack.processes.items()} | {"client": os.getpid()}, peaks, interval=0.5))
        mint = cached_minter(stack.token_settings)
        token = mint(**APPROVAL_BUREAU)
        subgraph_urls = {s: f"http://127.0.0.1:{stack.ports[s]}/graphql" for s in SERVICES}
        gateway_url = f"http://127.0.0.1:{stack.ports['gateway']}/graphql"
        schemas = {s: (ROOT / "services" / s / "schema.graphql").read_text() for s in SERVICES}

        async def settle():
            """Events drained; the PostgreSQL server is shared, so a moment without a free connection is waited out."""
            for _attempt in range(10):
                try:
                    return await stack.settle(timeout=180)
                except asyncpg.TooManyConnectionsError:
                    await asyncio.sleep(2)
            raise RuntimeError("the PostgreSQL server kept refusing connections (max_connections)")

        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{stack.ports['gateway']}", timeout=120,
                                     limits=httpx.Limits(max_connections=4 * args.connections + 16)) as client:
            started = time.perf_counter()
            seeder = Seeder(RoutedClient(client, mint, mutation_owners(schemas), subgraph_urls), settle,
                            args.seed_concurrency)
            await seeder.run(args.projects)
            payable = seeder.in_state("UNDER_CONSTRUCTION")
            await seeder.fund_payments(payable, budget_year(utc_now()))
            connection = await asyncpg.connect(stack.db_url("approval", "postgresql"))
            try:
                counts = await state_counts(connection)
            finally:
                await connection.close()
            seeding = {"seconds": time.perf_counter() - started, "mutations": seeder.client.mutations,
                       "counts": counts, "failures": seeder.failures}
            print(f"seeded in {seeding['seconds']:.0f}s: {dict(sorted(counts.items()))}", flush=True)
            for failure in seeder.failures[:5]:
                print(f"  seed failure: {failure}", flush=True)

            in_operation = seeder.in_state("IN_OPERATION") or seeder.in_state("CLOSED")
            fifty = (await client.post("/graphql", json={"query": FIFTY}, headers={"authorization": f"Bearer {token}"})
                     ).json()["data"]["projects"]["edges"]
            plans = query_plans(in_operation[0], [edge["node"]["id"] for edge in fifty])
            urls = {"ours": gateway_url, "apollo": apollo_url, **subgraph_urls}
            problems = await check_answers(client, urls, plans, token)
            for problem in problems:
                print(f"  answer check: {problem}", flush=True)
            queries = await query_rounds(stack, urls, plans, token, args)
            print_queries(plans, queries)

            statements = None
            if args.sql_requests:
                async def send():
                    await client.post("/graphql", json=plans["b"][1], headers={"authorization": f"Bearer {token}"})
                statements = await statements_per_request(
                    client, {s: f"http://127.0.0.1:{stack.ports[s]}/metrics" for s in SERVICES}, send,
                    args.sql_requests)
            mutations = await run_mutations(client, mint, seeder, payable, stack, settle, args)

        hwm = {name: memory_kib(p.pid)["VmHWM"] / 1024 for name, p in stack.processes.items() if p.poll() is None}
        hwm["client"] = memory_kib(os.getpid())["VmHWM"] / 1024
        exited = [name for name, p in stack.processes.items() if p.poll() is not None]
        print_summary(seeding, queries, statements, mutations, hwm, {k: v / 1024 for k, v in peaks.items()}, exited,
                      problems, time.perf_counter() - began)
        return 1 if exited or problems else 0
    except BaseException:
        stack.show_failed_logs()
        raise
    finally:
        if sampler is not None:
            sampler.cancel()
        await asyncio.shield(stack.stop())


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=130, help="projects seeded, spread over every state")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of every query (medians)")
    parser.add_argument("--duration", type=float, default=4, help="seconds of load per query and target")
    parser.add_argument("--connections", type=int, default=16, help="autocannon connections; concurrent mutations")
    parser.add_argument("--mutations", type=int, default=60, help="mutations of each kind, per pass")
    parser.add_argument("--sql-requests", type=int, default=40, help="requests of (b) for the SQL count (0: skip)")
    parser.add_argument("--seed-concurrency", type=int, default=8, help="projects seeded at a time")
    add_stack_arguments(parser)
    return parser.parse_args(argv)


if __name__ == "__main__":
    run_benchmark(main, parse_args)
