"""What the gateway benchmark drives from Node.js: Apollo Gateway over the stack's subgraphs and autocannon, both from
npm packages pinned in `benchmarks/npm/` (package.json + package-lock.json, installed with `npm ci` on first use),
and the SQL statements per request, as the services count them."""
from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from lifecycle_load import database_counters

NPM = Path(__file__).resolve().parent / "npm"
ROOT = NPM.parents[1]


def ensure_npm_packages() -> None:
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise SystemExit("the gateway benchmark needs Node.js and npm (Apollo Gateway and autocannon come from npm)")
    dependencies = json.loads((NPM / "package.json").read_text(encoding="utf-8"))["dependencies"]
    if any(not (NPM / "node_modules" / name / "package.json").exists() for name in dependencies):
        print("installing the benchmark's npm packages (npm ci, from benchmarks/npm/package-lock.json)", flush=True)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=NPM, check=True, timeout=600)


async def start_apollo(stack, services: tuple[str, ...], port: int) -> str:
    """Apollo Gateway as one more process of the stack (its `stop` ends it): Apollo's composition of the committed
    subgraph SDL, each subgraph at the stack's URL. Returns its URL once it answers."""
    subgraphs = {name: [f"http://127.0.0.1:{stack.ports[name]}/graphql",
                        str(ROOT / "services" / name / "schema.graphql")] for name in services}
    with (stack.folder / "apollo.log").open("w") as log:
        stack.processes["apollo"] = subprocess.Popen(
            ["node", "apollo_gateway.js", str(port), json.dumps(subgraphs)], cwd=NPM, stdout=log,
            stderr=subprocess.STDOUT)
    stack.ports["apollo"] = port
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    async with httpx.AsyncClient(timeout=2) as client:
        while time.monotonic() < deadline:
            if stack.processes["apollo"].poll() is not None:
                raise RuntimeError(f"Apollo Gateway exited:\n{stack.log_tail('apollo')}")
            try:
                if (await client.post(url, json={"query": "{ __typename }"})).status_code == 200:
                    return url
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.3)
    raise RuntimeError(f"Apollo Gateway not ready:\n{stack.log_tail('apollo')}")


@dataclass
class Load:
    requests: int          # 2xx responses
    other: int             # non-2xx, errors and timeouts
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


async def autocannon(url: str, body: dict, token: str, *, connections: int, duration: float) -> Load:
    """autocannon -j: `connections` keep-alive connections sending the same POST for `duration` seconds."""
    process = await asyncio.create_subprocess_exec(
        "node", str(NPM / "node_modules" / "autocannon" / "autocannon.js"), "-j", "-c", str(connections),
        "-d", str(duration), "-m", "POST", "-H", "content-type=application/json",
        "-H", f"authorization=Bearer {token}", "-b", json.dumps(body), url,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    output, errors = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"autocannon failed: {errors.decode()[-2000:]}")
    result = json.loads(output)
    return Load(requests=result["2xx"], other=result["non2xx"] + result["errors"] + result["timeouts"],
                seconds=result["duration"], p50_ms=result["latency"]["p50"], p99_ms=result["latency"]["p99"])


async def statements(client, metrics_urls: dict[str, str]) -> dict[str, float]:
    """Per service: the SQL statements its request pool has sent (`egov_db_statements_total`, from its /metrics)."""
    counters = await database_counters(client, metrics_urls)
    return {name: counters.get((name, "requests", "statements"), 0.0) for name in metrics_urls}


async def statements_per_request(client, metrics_urls: dict[str, str], send, requests: int) -> dict[str, float]:
    """Per service: SQL statements per call of `send()`, over `requests` calls, as the services count them (their
    request pool only: the relay, consumers and workers use the events pool). A scrape reads each service's outbox
    and queue on the same pool, so the statements of one scrape, measured between two scrapes, are taken off."""
    first = await statements(client, metrics_urls)
    second = await statements(client, metrics_urls)
    for _ in range(requests):
        await send()
    after = await statements(client, metrics_urls)
    return {name: (after[name] - second[name] - (second[name] - first[name])) / requests for name in metrics_urls}
