"""The gateway benchmark's tables and the checklist of issue 13's goals."""
from __future__ import annotations

OURS_PROCESSES = ("approval", "finance", "audit", "secrecy", "gateway")
# What the issue measured on its machine, for orientation (ours / Apollo).
ISSUE = {"a": (0.73, 15.0, 5.6), "b": (0.62, 15.4, 4.7), "c": (0.66, 7.5, 1.9)}
ISSUE_PAYMENTS_PER_SECOND = 64  # "60-68 payments/s", one at a time through the gateway


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def print_queries(plans, queries: dict) -> None:
    print(f"\n=== queries: medians of the rounds ===\n{'query':<40} {'target':<7} {'req/s':>8} {'p50 ms':>8} "
          f"{'p99 ms':>8} {'gateway CPU ms/req':>18} {'subgraphs CPU ms/req':>20} {'non-2xx':>7}")
    for key, (label, _, _) in plans.items():
        for target in ("ours", "apollo", "direct"):
            r = queries[key][target]
            gateway_cpu = f"{r['gateway cpu']:18.2f}" if target != "direct" else f"{'-':>18}"
            print(f"{label if target == 'ours' else '':<40} {target:<7} {r['rate']:8.1f} {r['p50']:8.1f} "
                  f"{r['p99']:8.1f} {gateway_cpu} {r['subgraph cpu']:20.2f} {r['other']:7.0f}")
        ours, apollo, direct = (queries[key][t] for t in ("ours", "apollo", "direct"))
        issue = ISSUE[key]
        print(f"{'':<40} ours/Apollo: req/s {ratio(ours['rate'], apollo['rate']):.2f}x, gateway CPU per request "
              f"{ratio(ours['gateway cpu'], apollo['gateway cpu']):.2f}x (issue: {issue[0]:.2f}x, "
              f"{issue[1] / issue[2]:.2f}x); overhead vs direct {1 - ratio(ours['rate'], direct['rate']):.0%} "
              f"(Apollo's {1 - ratio(apollo['rate'], direct['rate']):.0%})")
    print("direct: (c) the same query at the approval subgraph; (a), (b) the plan's calls, each sent alone to its "
          "subgraph, combined as made one after another (req/s = 1/sum(1/req/s), latency = sum)")


def print_summary(seeding, queries, statements, mutations, hwm, peaks, exited, problems, seconds) -> None:
    print(f"\n=== data set ===\n{sum(seeding['counts'].values())} projects by state: "
          f"{dict(sorted(seeding['counts'].items()))}\nseeded with {seeding['mutations']} mutations in "
          f"{seeding['seconds']:.0f}s ({seeding['mutations'] / max(seeding['seconds'], 1e-9):.0f}/s, straight to the "
          f"owning subgraphs, events drained between steps); failures: {len(seeding['failures'])}")
    if statements is not None:
        print("\n=== SQL statements per request, query (b), through our gateway (as each service counts them) ===")
        for name, per_request in statements.items():
            print(f"{name:<9} {per_request:6.1f}")
    print(f"\n=== mutations through our gateway ===\n{'mutation':<34} {'n':>5} {'per s':>8} {'p50 ms':>8} "
          f"{'p99 ms':>8} {'refused':>7} {'replayed':>8}")
    for name, r in mutations.items():
        if name != "books":
            print(f"{name:<34} {r['n']:>5} {r['rate']:8.1f} {r['p50']:8.1f} {r['p99']:8.1f} {r['refused']:>7} "
                  f"{r.get('replayed', ''):>8}")
            if r["sample refusal"]:
                print(f"    e.g. {r['sample refusal']}")
    books = mutations["books"]
    print(f"books: {'balanced to the fen' if books['balanced'] else 'NOT BALANCED'}"
          + (f" ({books['fen']} fen over {books['projects']} projects: Finance's payments, ledgers, allocations and "
             "the gateway's balances agree with every accepted payment)" if books["balanced"] else ""))
    for problem in books["problems"]:
        print(f"  {problem}")
    print("\n=== memory: peak resident (VmHWM), MiB ===\n" + "  ".join(
        f"{name} {value:.0f}" for name, value in hwm.items()) + "\n(sampled VmRSS peaks every 0.5 s: " + "  ".join(
        f"{name} {value:.0f}" for name, value in peaks.items()) + ")")
    if exited:
        print(f"processes that exited during the run: {exited}")
    print_goals(queries, statements, mutations, hwm)
    if problems:
        print(f"answer checks failed ({len(problems)}): figures measured errors, not answers")
    print(f"\nwhole run: {seconds:.0f}s")


def print_goals(queries, statements, mutations, hwm) -> None:
    rows = []
    for key, label in (("a", "(a) one project, four subgraphs"), ("b", "(b) 50 projects + finance"),
                       ("c", "(c) approval only")):
        ours, apollo = queries[key]["ours"], queries[key]["apollo"]
        speed, cpu = ratio(ours["rate"], apollo["rate"]), ratio(ours["gateway cpu"], apollo["gateway cpu"])
        rows.append((f"{label}: req/s >= 1.5x Apollo's", speed >= 1.5, f"{speed:.2f}x"))
        rows.append((f"{label}: CPU per request <= 0.5x Apollo's", cpu <= 0.5,
                     f"{cpu:.2f}x ({ours['gateway cpu']:.1f} / {apollo['gateway cpu']:.1f} ms)"))
    overhead = 1 - ratio(queries["c"]["ours"]["rate"], queries["c"]["direct"]["rate"])
    rows.append(("(c) gateway overhead <= 25% of direct", overhead <= 0.25, f"{overhead:.0%}"))
    if statements is None:
        rows.append(("(b) at most 2 SQL statements per subgraph", None, "not measured (--scan-requests 0)"))
    else:
        worst = max(statements.values())
        rows.append(("(b) at most 2 SQL statements per subgraph", worst <= 2,
                     f"at most {worst:.1f} statements per request in one subgraph"))
    one = mutations.get("makePayment, one at a time")
    many = next((v for k, v in mutations.items() if k.startswith("makePayment, ") and v is not one), None)
    if one and many:
        balanced = mutations["books"]["balanced"]
        gain = ratio(many["rate"], one["rate"])
        rows.append(("payments: >= 5x the sequential rate (this run), books balance", gain >= 5 and balanced,
                     f"{many['rate']:.0f}/s = {gain:.1f}x {one['rate']:.0f}/s; books "
                     f"{'balance' if balanced else 'do NOT balance'}"))
        rows.append((f"payments: >= 5x the issue's {ISSUE_PAYMENTS_PER_SECOND}/s (its machine)",
                     many["rate"] >= 5 * ISSUE_PAYMENTS_PER_SECOND and balanced, f"{many['rate']:.0f}/s"))
    ours = {name: value for name, value in hwm.items() if name in OURS_PROCESSES}
    worst = max(ours, key=ours.get)
    rows.append(("every process under 150 MB RSS (services, gateway)", ours[worst] < 150 * 1e6 / 2**20,
                 f"largest: {worst} {ours[worst]:.0f} MiB (150 MB = {150 * 1e6 / 2**20:.0f} MiB)"))
    print("\n=== goals (issue 13), from this run ===")
    for goal, met, figure in rows:
        mark = "met" if met else ("unknown" if met is None else "NOT met")
        print(f"[{mark:^7}] {goal:<62} {figure}")
