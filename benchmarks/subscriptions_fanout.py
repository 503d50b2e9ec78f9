"""Benchmark (not a test): many GraphQL subscribers on one gateway process, fed by RabbitMQ.

    .venv/bin/python benchmarks/subscriptions_fanout.py [--subscribers 500] [--events 100] [--rate 10] [--rounds 3]
        [--admin-url ...] [--amqp-url ...] [--keep-logs]

Each round starts the stack of `lifecycle_load.py` (four services and the gateway, one process each, on PostgreSQL
and RabbitMQ, in production mode), opens `--subscribers` WebSocket connections to the gateway speaking
`graphql-transport-ws` (bureaus and oversight bodies, each with its own token, each subscribed to
`projectEvents`), then publishes `--events` events of unclassified projects on the internal exchange at `--rate`
per second, as the services' relays would. It reports:
- how many subscribers received every event (all of them should: each may see every event published);
- delivery latency p50/p99: from the publish (after the broker confirmed it) to the frame's arrival at a
  subscriber, over every (event, subscriber) pair; the subscribers and the publisher share this process and its
  clock, so the figure includes this client's own time to read 500 sockets;
- the gateway's resident memory before the subscribers connect, with them connected, and its peak (VmHWM), and
  its CPU seconds over the publishing.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import websockets  # noqa: E402

from lifecycle_load import (  # noqa: E402
    Stack, add_stack_arguments, cached_minter, cpu_seconds, git_state, memory_kib, percentiles, run_benchmark,
)
from shared.bus.rabbitmq import RabbitBus  # noqa: E402
from shared.events import Audience, Envelope, ProjectApproved  # noqa: E402

SUBSCRIPTION = "subscription { projectEvents(filter: {types: [\"approval.#\"]}) { id type projectId time } }"
# Who subscribes: departments that may see every unclassified project's events (R-SEC-2).
DEPARTMENTS = ("APPROVAL_BUREAU", "FINANCE_BUREAU", "AUDIT_BUREAU", "SECRECY_BUREAU", "SUPERVISORY_COMMISSION",
               "LEADING_GROUP")


class Subscriber:
    def __init__(self, url: str, token: str):
        self.url = url
        self.token = token
        self.arrivals: dict[str, float] = {}  # event id -> perf_counter at arrival
        self.socket = None
        self.task: asyncio.Task | None = None

    async def connect(self) -> None:
        self.socket = await websockets.connect(self.url, subprotocols=["graphql-transport-ws"], max_queue=None,
                                               open_timeout=30)
        await self.socket.send(json.dumps({"type": "connection_init",
                                           "payload": {"authorization": f"Bearer {self.token}"}}))
        ack = json.loads(await self.socket.recv())
        if ack.get("type") != "connection_ack":
            raise RuntimeError(f"no connection_ack: {ack}")
        await self.socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}))
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for frame in self.socket:
            arrived = time.perf_counter()
            message = json.loads(frame)
            if message.get("type") == "next":
                self.arrivals[message["payload"]["data"]["projectEvents"]["id"]] = arrived
            elif message.get("type") == "ping":
                await self.socket.send(json.dumps({"type": "pong"}))

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
        if self.socket is not None:
            await self.socket.close()


def an_event(number: int) -> Envelope:
    project_id = f"bench-{uuid.uuid4().hex[:12]}"
    payload = ProjectApproved(project_id=project_id, code=f"CITY-2026-{number:04d}", name=f"project {number}",
                              unit_id="bench-unit", unit_path=["bench-unit", "city-government"], jurisdiction="CITY",
                              kind="APPLICATION_SYSTEM_NEW", investment_estimate=100_000_00, fund_sources=[],
                              approved_at=datetime.now(timezone.utc))
    envelope = Envelope.wrap(payload, source="approval", subject=project_id)
    return envelope.model_copy(update={"audience": Audience(
        project_id=project_id, unit_path=["bench-unit", "city-government"], jurisdiction="CITY", classified=False)})


async def run_round(args, label: str) -> dict:
    stack = Stack(args, label)
    subscribers: list[Subscriber] = []
    bus = None
    try:
        await stack.start()
        gateway_pid = stack.processes["gateway"].pid
        rss_idle = memory_kib(gateway_pid)["VmRSS"]
        mint = cached_minter(stack.token_settings)
        url = f"ws://127.0.0.1:{stack.ports['gateway']}/graphql"
        subscribers = [Subscriber(url, mint(DEPARTMENTS[n % len(DEPARTMENTS)], f"bench-reader-{n}"))
                       for n in range(args.subscribers)]
        gate = asyncio.Semaphore(50)

        async def connect(subscriber: Subscriber) -> None:
            async with gate:
                await subscriber.connect()

        await asyncio.gather(*(connect(s) for s in subscribers))
        await asyncio.sleep(1.0)  # the last subscribe messages are registered (the protocol does not ack them)
        rss_connected = memory_kib(gateway_pid)["VmRSS"]
        bus = RabbitBus(args.amqp_url, prefix=stack.prefix)
        await bus.start()
        published: dict[str, float] = {}
        cpu_before = cpu_seconds(gateway_pid)
        started = time.perf_counter()
        for number in range(args.events):
            envelope = an_event(number)
            await bus.publish(envelope)
            published[envelope.id] = time.perf_counter()
            await asyncio.sleep(max(0.0, started + (number + 1) / args.rate - time.perf_counter()))
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline and not all(len(s.arrivals) >= args.events for s in subscribers):
            await asyncio.sleep(0.1)
        cpu = cpu_seconds(gateway_pid) - cpu_before
        latencies = [arrival - published[event_id] for s in subscribers for event_id, arrival in s.arrivals.items()
                     if event_id in published]
        n, p50, p99 = percentiles(latencies)
        return {"complete subscribers": sum(len(s.arrivals) >= args.events for s in subscribers),
                "deliveries": n, "expected": args.events * args.subscribers, "p50 ms": p50 * 1000,
                "p99 ms": p99 * 1000, "gateway RSS idle MiB": rss_idle / 1024,
                "gateway RSS connected MiB": rss_connected / 1024,
                "gateway VmHWM MiB": memory_kib(gateway_pid)["VmHWM"] / 1024, "gateway CPU s": cpu}
    finally:
        await asyncio.gather(*(s.close() for s in subscribers), return_exceptions=True)
        if bus is not None:
            await bus.close()
        await asyncio.shield(stack.stop())


def print_result(title: str, result: dict) -> None:
    print(f"\n=== {title} ===")
    for key, value in result.items():
        print(f"{key:28} {value:10.1f}" if isinstance(value, float) else f"{key:28} {value:10}")


async def main(args) -> int:
    print(f"subscriptions fan-out: {args.subscribers} subscribers, {args.events} events at {args.rate}/s, "
          f"{args.rounds} round(s), code {git_state()}, {os.cpu_count()} CPUs", flush=True)
    results = []
    for index in range(args.rounds):
        results.append(await run_round(args, f"s{index + 1}"))
        print_result(f"round {index + 1} of {args.rounds}", results[-1])
    if len(results) > 1:
        print_result(f"median of {len(results)} rounds",
                     {key: statistics.median(r[key] for r in results) for key in results[0]})
    return 0 if all(r["complete subscribers"] == args.subscribers for r in results) else 1


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=500)
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--rate", type=float, default=10.0, help="events published per second")
    parser.add_argument("--rounds", type=int, default=1)
    add_stack_arguments(parser)
    return parser.parse_args(argv)


if __name__ == "__main__":
    run_benchmark(main, parse_args)
