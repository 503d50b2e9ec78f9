"""Benchmark (not a test): whole project lifecycles under load through the gateway, one process per service on
PostgreSQL and RabbitMQ.

    .venv/bin/python benchmarks/lifecycle_load.py [--projects 40] [--concurrency 8] [--rounds 1] [--warmup 1]
        [--rate R | --no-half-rate]
        [--admin-url postgresql://postgres@127.0.0.1:5432/test] [--amqp-url amqp://guest:guest@127.0.0.1:5672/]
        [--probe-interval 0.02] [--keep-logs] [--stamps DIR]

(The virtual environment needs the `test` extra, as `scripts/test.sh` installs it: the walk is the end-to-end
tier's own, `tests/e2e/lifecycle.py`.)

Each round starts a stack of its own: four PostgreSQL databases and a RabbitMQ prefix named for the round, migrated
with `egov migrate <service>`, a fresh Ed25519 key pair, `egov serve <service>` for each bureau and `egov serve
gateway`, in production mode. It walks `--warmup` projects unmeasured, then `--projects` projects, `--concurrency`
at a time, each through `walk_an_ordinary_project` (draft, dossier, submit, approval, technical review, Finance's
budget review, targets, contract with its refusals, construction, a change, tests, acceptance, operation,
performance review and rectification) with each department's own token. Then it stops the stack and drops its
databases and broker objects, also on Ctrl-C or failure. Each such saturating round (the walks as fast as they go)
is followed by a round on a fresh stack paced at half the rate it reached (mutations spaced evenly over all walks),
where latency is judged: a system run at its saturating rate only queues. `--rate R` paces every round at R
instead; `--no-half-rate` skips the paced rounds.

It reports, per round and (with `--rounds K`) as the median of the rounds:
- mutations per second: every mutation the walks sent (refusals included) over the wall time of the measured walks;
- latency p50/p99 per mutation, as the client saw it through the gateway (refusals by the rules listed apart);
- commit-to-consumer-effect latency per event and consuming service, from the stamps the services write themselves:
  the producer's outbox `created_at` (taken inside the transaction that commits the state change) to the
  consumer's inbox `processed_at` (taken inside the transaction that commits the effect). Both are a few ms before
  their commits, so the figure is the relay + broker + consumer path, not the observer's polling;
- as a client sees it: from approveProject's response to the first gateway answer (polled every
  `--probe-interval` s by a probe beside the walk) showing Finance's budget review / Audit's register entry;
- peak resident memory (VmHWM from /proc) and CPU seconds of each process over the measured walks;
- SQL statements and database connections opened by each service's pools over the walks (from its /metrics).
On 2 cores the client and five servers share the CPU: compare figures, don't quote them as capacity.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
import httpx  # noqa: E402

from services.approval.feeds.relay import RELAY_QUEUE, agency_exchange_name  # noqa: E402
from services.approval.webhook_dispatcher import CONSUMER as WEBHOOK_QUEUE  # noqa: E402
from shared.auth import generate_keypair, mint_token  # noqa: E402
from shared.settings import Settings  # noqa: E402

try:
    from tests.e2e.lifecycle import walk_an_ordinary_project  # noqa: E402
    from tests.e2e.slice import UNIT, GatewayClient  # noqa: E402
except ImportError as exc:  # the e2e walk imports the test helpers
    sys.exit(f"lifecycle_load: {exc}; install the test extra first (scripts/test.sh --collect-only -q does)")

SERVICES = ("approval", "finance", "audit", "secrecy")
# Inherited variables that would point the stack somewhere else.
FOREIGN = ("DATABASE_URL", "SUBGRAPHS", "SUBGRAPHS_FILE", "SUPERGRAPH_FILE", "TRUSTED_DOCUMENTS_FILE",
           "TRUSTED_DOCUMENTS_ONLY", "JWT_PUBLIC_KEY", "JWT_PRIVATE_KEY_FILE")
PROBE = "query($id: ID!) { project(id: $id) { budgetReview { status } auditRegister { investment } } }"
FIELD = re.compile(r"\{\s*(?:\w+\s*:\s*)?(\w+)")
NOTES = {
    "mutation latency (ms)": "request to response at the client, through the gateway",
    "commit -> consumer effect (ms)": "producer's outbox created_at to consumer's inbox processed_at (both stamped "
                                      "in the committing transactions); relay = created_at to published_at",
    "as a client sees it (ms)": "approveProject's response to the first probe answer showing it: an upper bound, "
                                "late by up to one poll; if polls ~ probes it showed at the first poll",
}


def percentiles(values: list[float]) -> tuple[int, float, float]:
    """(n, p50, p99); with fewer than 100 values p99 is close to the maximum."""
    if not values:
        return 0, float("nan"), float("nan")
    if len(values) == 1:
        return 1, values[0], values[0]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return len(values), statistics.median(values), cuts[98]


# ---------------------------------------------------------------- the stack: databases, broker, processes


class Stack:
    """One round's own databases, broker prefix, keys and processes; `stop` removes them all, whatever happened."""

    def __init__(self, args, label: str):
        self.args = args
        self.run_id = f"{uuid.uuid4().hex[:8]}{label}"
        self.prefix = f"egov-bench-{self.run_id}"
        self.folder = Path(tempfile.mkdtemp(prefix=f"egov-bench-{self.run_id}-"))
        self.databases: dict[str, str] = {}
        self.processes: dict[str, subprocess.Popen] = {}
        self.ports: dict[str, int] = {}
        admin = urlparse(args.admin_url)
        self._server = f"{admin.scheme}://{admin.netloc}"
        private_pem, public_pem = generate_keypair()
        (self.folder / "private.pem").write_bytes(private_pem)
        (self.folder / "public.pem").write_bytes(public_pem)
        self.token_settings = Settings(jwt_private_key_file=self.folder / "private.pem",
                                       jwt_public_key_file=self.folder / "public.pem")
        base = {k: v for k, v in os.environ.items() if k not in FOREIGN}
        self.env = {**base, "AMQP_URL": args.amqp_url, "BUS_PREFIX": self.prefix, "ENVIRONMENT": "production",
                    "JWT_PUBLIC_KEY_FILE": str(self.folder / "public.pem"), "DATA_DIR": str(self.folder)}

    def db_url(self, service: str, driver: str = "postgresql+asyncpg") -> str:
        return f"{driver}://{urlparse(self._server).netloc}/{self.databases[service]}"

    async def start(self) -> None:
        admin = await asyncpg.connect(self.args.admin_url)
        try:
            for service in SERVICES:
                name = f"egov_bench_{self.run_id}_{service}"
                await admin.execute(f'CREATE DATABASE "{name}"')
                self.databases[service] = name
        finally:
            await admin.close()
        await asyncio.gather(*(self._migrate(service) for service in SERVICES))
        for service in SERVICES:
            self._spawn(service, {"DATABASE_URL": self.db_url(service)})
        await asyncio.gather(*(self._ready(service) for service in SERVICES))
        self._spawn("gateway", {f"{s.upper()}_URL": f"http://127.0.0.1:{self.ports[s]}/graphql" for s in SERVICES})
        await self._ready("gateway")

    async def _migrate(self, service: str) -> None:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "egov.cli", "migrate", service, cwd=ROOT,
            env={**self.env, "DATABASE_URL": self.db_url(service)},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        output, _ = await process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"egov migrate {service} failed:\n{output.decode()[-3000:]}")

    def _spawn(self, name: str, env: dict[str, str]) -> None:
        self.ports[name] = free_port()
        with (self.folder / f"{name}.log").open("w") as log:
            self.processes[name] = subprocess.Popen(
                [sys.executable, "-m", "egov.cli", "serve", name, "--port", str(self.ports[name])],
                cwd=ROOT, env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT)

    async def _ready(self, name: str, timeout: float = 90) -> None:
        url = f"http://127.0.0.1:{self.ports[name]}/readyz"
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(timeout=2) as client:
            while time.monotonic() < deadline:
                if self.processes[name].poll() is not None:
                    raise RuntimeError(f"{name} exited with {self.processes[name].returncode}:\n{self.log_tail(name)}")
                try:
                    if (await client.get(url)).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.2)
        raise RuntimeError(f"{name} not ready after {timeout}s:\n{self.log_tail(name)}")

    def log_tail(self, name: str, chars: int = 3000) -> str:
        try:
            return (self.folder / f"{name}.log").read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def show_failed_logs(self) -> None:
        """The end of each process's log that holds an error, on standard error (a round that failed)."""
        for name in self.processes:
            tail = self.log_tail(name, 1500)
            if "Traceback" in tail or "ERROR" in tail:
                print(f"--- {name} log (tail) ---\n{tail}", file=sys.stderr)

    async def settle(self, timeout: float = 30) -> None:
        """Wait until every outbox is published and the inboxes stop growing: the walks' last events land."""
        deadline, last = time.monotonic() + timeout, None
        while time.monotonic() < deadline:
            counts = []
            for service in SERVICES:
                connection = await asyncpg.connect(self.db_url(service, "postgresql"))
                try:
                    counts.append(await connection.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL"))
                    counts.append(await connection.fetchval("SELECT count(*) FROM inbox"))
                finally:
                    await connection.close()
            if counts == last and not any(counts[0::2]):
                return
            last = counts
            await asyncio.sleep(1)

    async def stamps(self) -> tuple[list, list]:
        """Every outbox row (service, event, type, subject, created, published) and inbox row (consumer: a service,
        or a service's worker such as approval-webhooks; event; processed)."""
        outbox, inbox = [], []
        for service in SERVICES:
            connection = await asyncpg.connect(self.db_url(service, "postgresql"))
            try:
                outbox += await connection.fetch("SELECT $1::text AS service, event_id, type, subject, created_at, "
                                                 "published_at FROM outbox", service)
                inbox += list(await connection.fetch("SELECT consumer, event_id, processed_at FROM inbox"))
            finally:
                await connection.close()
        return outbox, inbox

    async def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        problems = []
        if self.databases:
            try:
                admin = await asyncpg.connect(self.args.admin_url)
                try:
                    for name in self.databases.values():
                        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                finally:
                    await admin.close()
            except Exception as exc:  # noqa: BLE001 - say what is left behind, go on cleaning
                problems.append(f"databases {sorted(self.databases.values())} may remain: {exc}")
        try:
            await delete_broker_objects(self.args.amqp_url, self.prefix)
        except Exception as exc:  # noqa: BLE001
            problems.append(f"broker objects {self.prefix}.* may remain: {exc}")
        if self.args.keep_logs:
            print(f"logs kept in {self.folder}")
        else:
            shutil.rmtree(self.folder, ignore_errors=True)
        for problem in problems:
            print(f"clean-up: {problem}", file=sys.stderr)


async def delete_broker_objects(url: str, prefix: str) -> None:
    """The queues and exchanges `shared/bus/rabbitmq.py` declares under this prefix; each on a channel of its own,
    since the broker closes a channel on a failed delete."""
    import aio_pika

    connection = await aio_pika.connect(url, timeout=5)
    async with connection:
        for queue_of in (*SERVICES, RELAY_QUEUE, WEBHOOK_QUEUE):
            for queue in (f"{prefix}.{queue_of}", f"{prefix}.{queue_of}.dead"):
                channel = await connection.channel()
                await channel.queue_delete(queue)
                await channel.close()
        for exchange in (f"{prefix}.events", f"{prefix}.dead-letter", agency_exchange_name(prefix)):
            channel = await connection.channel()
            await channel.exchange_delete(exchange)
            await channel.close()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- the client: timed calls, and the probe


class Recorder:
    """What the walks' calls cost, by mutation name, and the probes spawned after each approval."""

    def __init__(self, client: httpx.AsyncClient, mint, probe_interval: float):
        self.client, self.mint, self.probe_interval = client, mint, probe_interval
        self.mutations: dict[str, list[float]] = defaultdict(list)
        self.queries: list[float] = []
        self.graphql_errors: list[str] = []
        self.project_ids: set[str] = set()
        self.probes: list[asyncio.Task] = []
        self.visible: dict[str, list[float]] = defaultdict(list)
        self.probe_polls: list[float] = []

    def record(self, query: str, variables: dict, answer: dict, elapsed: float) -> None:
        text = query.strip()
        match = FIELD.search(text)
        name = match.group(1) if match else "?"
        if not text.startswith("mutation"):
            self.queries.append(elapsed)
            return
        if answer.get("errors"):
            self.graphql_errors.append(f"{name}: {answer['errors'][0].get('message')}")
        payload = next(iter((answer.get("data") or {}).values()), None) or {}
        refused = bool(payload.get("userErrors"))
        self.mutations[f"{name} (refused)" if refused else name].append(elapsed)
        if name == "createProject" and payload.get("project"):
            self.project_ids.add(payload["project"]["id"])
        if name == "approveProject" and not refused and not answer.get("errors"):
            self.probes.append(asyncio.create_task(self._probe(variables["id"], time.perf_counter())))

    async def _probe(self, project_id: str, approved_at: float, timeout: float = 30) -> None:
        """Poll the gateway as the unit until Finance's budget review and Audit's register entry both show."""
        headers = {"authorization": f"Bearer {self.mint(**UNIT)}"}
        seen: dict[str, float] = {}
        while len(seen) < 2 and time.perf_counter() - approved_at < timeout:
            sent = time.perf_counter()
            answer = (await self.client.post("/graphql", json={"query": PROBE, "variables": {"id": project_id}},
                                             headers=headers)).json()
            now = time.perf_counter()
            self.probe_polls.append(now - sent)
            project = (answer.get("data") or {}).get("project") or {}
            for field, label in (("budgetReview", "approve -> Finance budgetReview"),
                                 ("auditRegister", "approve -> Audit auditRegister")):
                if project.get(field) and label not in seen:
                    seen[label] = now - approved_at
            await asyncio.sleep(self.probe_interval)
        for label, seconds in seen.items():  # late by up to one poll (its latency is reported beside)
            self.visible[label].append(seconds)
        if len(seen) < 2:
            self.visible["probe timed out"].append(timeout)


class Pacer:
    """Spaces mutations evenly at `rate` per second over all walks (None: as fast as the walks go)."""

    def __init__(self, rate: float | None):
        self.interval = 1 / rate if rate else 0.0
        self._next = 0.0

    async def slot(self) -> None:
        if not self.interval:
            return
        now = time.perf_counter()
        at = max(now, self._next)
        self._next = at + self.interval
        if at > now:
            await asyncio.sleep(at - now)


class TimedGateway(GatewayClient):
    """The e2e tier's client, timing each call (from when it is sent, after any wait for its paced slot)."""

    def __init__(self, client: httpx.AsyncClient, mint, recorder: Recorder, pacer: Pacer | None = None):
        super().__init__(client, mint)
        self.recorder = recorder
        self.pacer = pacer or Pacer(None)

    async def graphql(self, query: str, variables: dict | None = None, *, as_: dict | None = None,
                      url: str = "/graphql") -> dict:
        if query.lstrip().startswith("mutation"):
            await self.pacer.slot()
        started = time.perf_counter()
        answer = await super().graphql(query, variables, as_=as_, url=url)
        self.recorder.record(query, variables or {}, answer, time.perf_counter() - started)
        return answer


def cached_minter(settings: Settings):
    @lru_cache(maxsize=None)
    def mint(department, unit=None, parent_units=(), roles=()):
        return mint_token(settings, department=department, unit=unit, parent_units=parent_units, roles=roles)

    return lambda department, unit=None, parent_units=(), roles=(): mint(department, unit, tuple(parent_units),
                                                                        tuple(roles))


# ---------------------------------------------------------------- processes: memory and CPU from /proc


def memory_kib(pid: int) -> dict[str, int]:
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def sample_memory(pids: dict[str, int], peaks: dict[str, int], interval: float = 0.25) -> None:
    while True:
        for name, pid in pids.items():
            try:
                peaks[name] = max(peaks.get(name, 0), memory_kib(pid)["VmRSS"])
            except (OSError, KeyError):
                pass
        await asyncio.sleep(interval)


DATABASE_COUNTERS = re.compile(r'^egov_db_(statements|connections_opened)_total\{(?=[^}]*pool="(\w+)")'
                               r'(?=[^}]*service="(\w+)")[^}]*\} ([0-9.e+]+)$', re.M)


async def database_counters(client: httpx.AsyncClient, metrics_urls: dict[str, str]) -> dict[tuple[str, str, str], float]:
    """(service, pool, "statements" | "connections_opened") -> the count so far, from each service's /metrics."""
    counters = {}
    for service, url in metrics_urls.items():
        for what, pool, name, value in DATABASE_COUNTERS.findall((await client.get(url)).text):
            counters[(name, pool, what)] = float(value)
    return counters


async def stack_database_counters(stack: Stack) -> dict[tuple[str, str, str], float]:
    async with httpx.AsyncClient(timeout=5) as client:
        return await database_counters(client, {s: f"http://127.0.0.1:{stack.ports[s]}/metrics" for s in SERVICES})


# ---------------------------------------------------------------- one round


async def walk_all(gateway: TimedGateway, projects: int, concurrency: int) -> list[str]:
    gate = asyncio.Semaphore(concurrency)
    failures: list[str] = []

    async def one() -> None:
        async with gate:
            try:
                await walk_an_ordinary_project(gateway)
            except Exception as exc:  # noqa: BLE001 - a failed walk is reported, the others go on
                failures.append(f"{type(exc).__name__}: {str(exc)[:400]}")

    await asyncio.gather(*(one() for _ in range(projects)))
    return failures


async def run_round(args, label: str, rate: float | None = None) -> dict:
    stack = Stack(args, label)
    try:
        started = time.perf_counter()
        await stack.start()
        print(f"[{label}] stack up in {time.perf_counter() - started:.1f}s (prefix {stack.prefix})", flush=True)
        mint = cached_minter(stack.token_settings)
        limits = httpx.Limits(max_connections=4 * args.concurrency + 16)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{stack.ports['gateway']}", timeout=60,
                                     limits=limits) as client:
            warmup = Recorder(client, mint, args.probe_interval)
            failures = await walk_all(TimedGateway(client, mint, warmup), args.warmup, args.concurrency)
            await asyncio.gather(*warmup.probes)
            if failures:
                raise RuntimeError(f"the warm-up walk failed: {failures[0]}")

            pids = {name: process.pid for name, process in stack.processes.items()} | {"client": os.getpid()}
            ready_rss = {name: memory_kib(pid)["VmRSS"] for name, pid in pids.items()}
            cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
            database_before = await stack_database_counters(stack)
            peaks: dict[str, int] = {}
            sampler = asyncio.create_task(sample_memory(pids, peaks))
            recorder = Recorder(client, mint, args.probe_interval)
            load_before, started = os.getloadavg()[0], time.perf_counter()
            failures = await walk_all(TimedGateway(client, mint, recorder, Pacer(rate)), args.projects,
                                      args.concurrency)
            seconds, load_after = time.perf_counter() - started, os.getloadavg()[0]
            cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
            hwm = {name: memory_kib(pid)["VmHWM"] for name, pid in pids.items()}
            database = {key: value - database_before.get(key, 0) for key, value in
                        (await stack_database_counters(stack)).items()}
            sampler.cancel()
            await asyncio.gather(*recorder.probes)
        await stack.settle()
        outbox, inbox = await stack.stamps()
        if args.stamps:
            write_stamps(Path(args.stamps) / f"{label}", outbox, inbox)
        for name, process in stack.processes.items():
            if process.poll() is not None:
                failures.append(f"{name} exited with {process.returncode} during the round")
        result = summarise(recorder, failures, seconds, outbox, inbox,
                           {name: (ready_rss[name], peaks.get(name, 0), hwm[name], cpu[name]) for name in pids})
        result["throughput"]["load average"] = (load_before + load_after) / 2
        result["database (during the walks)"] = {
            f"{name} {pool}": (database.get((name, pool, "statements"), 0),
                               database.get((name, pool, "connections_opened"), 0))
            for name, pool, what in sorted(database) if what == "statements"}
        result["throughput"]["paced at (mutations/s)"] = rate or 0.0
        return result
    except BaseException:
        stack.show_failed_logs()
        raise
    finally:
        await asyncio.shield(stack.stop())


def summarise(recorder: Recorder, failures: list[str], seconds: float, outbox, inbox, processes) -> dict:
    mutations = sum(len(v) for v in recorder.mutations.values())
    created = {row["event_id"]: row for row in outbox if row["subject"] in recorder.project_ids}
    effects: dict[str, list[float]] = defaultdict(list)
    handled = []
    for consumer, event_id, processed_at in inbox:
        row = created.get(event_id)
        if row is not None:
            effects[f"{row['type']} -> {consumer}"].append((processed_at - row["created_at"]).total_seconds())
            if row["published_at"] is not None:
                handled.append((processed_at - row["published_at"]).total_seconds())
    relay = [(row["published_at"] - row["created_at"]).total_seconds() for row in created.values()
             if row["published_at"] is not None]
    return {
        "throughput": {"projects": len(recorder.project_ids), "failed walks": len(failures), "mutations": mutations,
                       "queries": len(recorder.queries), "seconds": seconds, "mutations/s": mutations / seconds},
        "failures": failures[:5] + recorder.graphql_errors[:5],
        "mutation latency (ms)": {name: scaled(values) for name, values in sorted(recorder.mutations.items())},
        "commit -> consumer effect (ms)": {"all events, all consumers": scaled(sum(effects.values(), [])),
                                           "outbox created -> published (relay)": scaled(relay),
                                           "published -> consumer effect (bus, handler)": scaled(handled),
                                           **{k: scaled(v) for k, v in sorted(effects.items())}},
        "as a client sees it (ms)": {**{k: scaled(v) for k, v in sorted(recorder.visible.items())},
                                     "(one probe poll through the gateway)": scaled(recorder.probe_polls)},
        "processes (MiB, CPU s)": {name: (ready / 1024, peak / 1024, hwm / 1024, cpu)
                                   for name, (ready, peak, hwm, cpu) in processes.items()},
    }


def write_stamps(folder: Path, outbox, inbox) -> None:
    """Every event's stamps, for a closer look than percentiles: outbox.csv (service, event, type, subject, created,
    published) and inbox.csv (consumer, event, processed), instants in UTC ISO 8601."""
    import csv

    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "outbox.csv").open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(("service", "event_id", "type", "subject", "created_at", "published_at"))
        writer.writerows((row["service"], row["event_id"], row["type"], row["subject"], row["created_at"].isoformat(),
                          row["published_at"].isoformat() if row["published_at"] else "") for row in outbox)
    with (folder / "inbox.csv").open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(("consumer", "event_id", "processed_at"))
        writer.writerows((consumer, event_id, processed_at.isoformat()) for consumer, event_id, processed_at in inbox)
    print(f"stamps written to {folder}")


def scaled(values: list[float]) -> tuple[int, float, float]:
    n, p50, p99 = percentiles(values)
    return n, p50 * 1000, p99 * 1000


# ---------------------------------------------------------------- report


def print_report(title: str, result: dict) -> None:
    print(f"\n=== {title} ===")
    t = result["throughput"]
    pace = f"paced at {t['paced at (mutations/s)']:.1f} mutations/s" if t["paced at (mutations/s)"] else "unpaced"
    print(f"{pace}: projects walked {t['projects']:.0f}, failed walks {t['failed walks']:.0f}, mutations {t['mutations']:.0f}, "
          f"queries {t['queries']:.0f} (the walks' polling), in {t['seconds']:.1f}s: "
          f"{t['mutations/s']:.1f} mutations/s; 1-min load average {t['load average']:.1f} "
          f"on {os.cpu_count()} CPUs (this benchmark included; more work on the machine skews every figure)")
    for failure in result.get("failures", []):
        print(f"  failure: {failure}")
    for section in ("mutation latency (ms)", "commit -> consumer effect (ms)", "as a client sees it (ms)"):
        rows = result[section]
        width = max([len(k) for k in rows] + [10])
        print(f"\n{section:<{width}}  {'n':>5}  {'p50':>8}  {'p99':>8}   ({NOTES[section]})")
        for name, (n, p50, p99) in rows.items():
            print(f"{name:<{width}}  {n:>5.0f}  {p50:>8.1f}  {p99:>8.1f}")
    print(f"\n{'process':<10}  {'RSS ready MiB':>13}  {'peak sampled':>12}  {'VmHWM MiB':>9}  {'CPU s (walks)':>13}")
    for name, (ready, peak, hwm, cpu) in result["processes (MiB, CPU s)"].items():
        print(f"{name:<10}  {ready:>13.1f}  {peak:>12.1f}  {hwm:>9.1f}  {cpu:>13.1f}")
    print(f"\n{'database, pool':<18}  {'statements':>10}  {'connections opened':>18}")
    for name, (statements, opened) in result["database (during the walks)"].items():
        print(f"{name:<18}  {statements:>10.0f}  {opened:>18.0f}")


def medians(results: list[dict]) -> dict:
    """Each figure's median over the rounds (per-round percentiles, then their median)."""
    merged: dict = {"throughput": {k: statistics.median(r["throughput"][k] for r in results)
                                   for k in results[0]["throughput"]}, "failures": []}
    for section in ("mutation latency (ms)", "commit -> consumer effect (ms)", "as a client sees it (ms)",
                    "processes (MiB, CPU s)", "database (during the walks)"):
        names = dict.fromkeys(name for r in results for name in r[section])
        merged[section] = {name: tuple(statistics.median(column) for column in
                                       zip(*(r[section][name] for r in results if name in r[section])))
                           for name in names}
    return merged


def git_state() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        return f"{head}{' + uncommitted changes' if dirty else ''}"
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


async def main(args) -> int:
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    loop.add_signal_handler(signal.SIGTERM, task.cancel)  # SIGINT already cancels the main task (asyncio.run)
    print(f"lifecycle load: {args.projects} projects, {args.concurrency} at a time, {args.rounds} round(s), "
          f"code {git_state()}, {os.cpu_count()} CPUs", flush=True)
    saturating, halved = [], []
    for index in range(args.rounds):
        result = await run_round(args, f"r{index + 1}", args.rate)
        saturating.append(result)
        print_report(f"round {index + 1} of {args.rounds}" + (", paced" if args.rate else ", saturating"), result)
        if args.rate is None and not args.no_half_rate:
            half = result["throughput"]["mutations/s"] / 2
            halved.append(await run_round(args, f"r{index + 1}h", half))
            print_report(f"round {index + 1} of {args.rounds}, at half the saturating rate", halved[-1])
    for name, results in (("", saturating), (", at half the saturating rate", halved)):
        if len(results) > 1:
            print_report(f"median of {len(results)} rounds{name}", medians(results))
    return 1 if any(r["throughput"]["failed walks"] for r in saturating + halved) else 0


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=1, help="projects walked unmeasured first")
    parser.add_argument("--rate", type=float, help="pace the mutations at this many per second (default: a "
                                                   "saturating round, then one paced at half its rate)")
    parser.add_argument("--no-half-rate", action="store_true", help="only the saturating round(s)")
    parser.add_argument("--stamps", metavar="DIR", help="write each round's event stamps as CSV under DIR")
    parser.add_argument("--probe-interval", type=float, default=0.02, help="seconds between the probe's polls")
    add_stack_arguments(parser)
    return parser.parse_args(argv)


def add_stack_arguments(parser: argparse.ArgumentParser) -> None:
    """Where a `Stack` finds the servers, and whether it keeps its logs."""
    parser.add_argument("--admin-url", default=os.environ.get("EGOV_TEST_POSTGRES",
                                                              "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--amqp-url", default=os.environ.get("EGOV_TEST_AMQP", "amqp://guest:guest@127.0.0.1:5672/"))
    parser.add_argument("--keep-logs", action="store_true", help="keep the processes' logs (path printed)")


def run_benchmark(main, parse_args) -> None:
    """A benchmark's command: its exit code, or a line saying an interrupted run cleaned up after itself."""
    try:
        sys.exit(asyncio.run(main(parse_args())))
    except (KeyboardInterrupt, asyncio.CancelledError):
        sys.exit("interrupted; processes, databases and broker objects removed")


if __name__ == "__main__":
    run_benchmark(main, parse_args)
