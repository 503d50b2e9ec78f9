"""End-to-end fixtures: the whole system embedded in this process, or one process per service on PostgreSQL and
RabbitMQ, each reached through the gateway."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from shared.auth import mint_token
from shared.settings import GatewaySettings, Settings
from tests.e2e.slice import GatewayClient

ROOT = Path(__file__).resolve().parents[2]
# The need-to-know sweep asks for every field at once, far beyond what a client should; the limits themselves are
# covered by tests/unit/gateway/test_limits.py.
SWEEP_LIMITS = {"max_cost": 200_000, "max_depth": 16, "max_aliases": 30}


def minter(keys):
    settings = Settings(jwt_private_key_file=keys[0], jwt_public_key_file=keys[1])

    def mint(department, unit=None, parent_units=(), roles=()):
        return mint_token(settings, department=department, unit=unit, parent_units=parent_units, roles=roles)

    return mint


@pytest.fixture
async def embedded_gateway(tmp_path, keys):
    from egov.embedded import EmbeddedSystem

    system = EmbeddedSystem(GatewaySettings(data_dir=tmp_path, jwt_public_key_file=keys[1],
                                            jwt_private_key_file=keys[0], relay_poll_interval=0.05,
                                            expose_subgraphs=True, **SWEEP_LIMITS))
    async with system.app.router.lifespan_context(system.app):
        transport = httpx.ASGITransport(app=system.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://egov.embedded") as client:
            yield GatewayClient(client, minter(keys), {name: f"/services/{name}/graphql" for name in
                                                       ("approval", "finance", "audit", "secrecy")}), system


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} not ready after {timeout}s:\n{log.read_text()[-4000:]}")


UVICORN_LEVELS = ("DEBUG:", "INFO:", "WARNING:", "ERROR:", "CRITICAL:")


def _show_errors_logged(folder: Path, names) -> None:
    """Each process's ERROR lines with their tracebacks, printed: pytest shows them with a failed test (an
    "Unexpected error" a service masked is explained only in its log), and swallows them otherwise."""
    for name in names:
        try:
            lines = (folder / f"{name}.log").read_text(errors="replace").splitlines()
        except OSError:
            continue
        shown, inside = [], False
        for line in lines:
            if line[:2] == "20" and line[4:5] == "-" or line.startswith(UVICORN_LEVELS):  # a new record
                inside = " ERROR " in line or line.startswith("ERROR:")
            if inside:
                shown.append(line)
        if shown:
            print(f"--- {name}: errors logged ---", *shown[-200:], sep="\n")


@pytest.fixture
async def real_gateway(postgres, amqp_url, bus_prefix, keys, tmp_path):
    """One process per service (`egov serve <service>`), each with its own PostgreSQL database, plus the gateway."""
    ports = {name: _free_port() for name in ("approval", "finance", "audit", "secrecy", "gateway")}
    base_env = {**os.environ, "AMQP_URL": amqp_url, "BUS_PREFIX": bus_prefix, "JWT_PUBLIC_KEY_FILE": str(keys[1]),
                "RELAY_POLL_INTERVAL": "0.1", "ENVIRONMENT": "test", "DATA_DIR": str(tmp_path),
                **{name.upper(): str(value) for name, value in SWEEP_LIMITS.items()}}
    processes: list[tuple[subprocess.Popen, object]] = []
    try:
        for name in ("approval", "finance", "audit", "secrecy"):
            env = {**base_env, "DATABASE_URL": await postgres.create(name)}
            log = tmp_path / f"{name}.log"
            handle = log.open("w")
            process = subprocess.Popen([sys.executable, "-m", "egov.cli", "serve", name, "--port", str(ports[name])],
                                       cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
            processes.append((process, handle))
            _wait_ready(f"http://127.0.0.1:{ports[name]}/readyz", process, log)
        gateway_env = {**base_env, **{f"{name.upper()}_URL": f"http://127.0.0.1:{ports[name]}/graphql"
                                      for name in ("approval", "finance", "audit", "secrecy")}}
        log = tmp_path / "gateway.log"
        handle = log.open("w")
        process = subprocess.Popen([sys.executable, "-m", "egov.cli", "serve", "gateway", "--port",
                                    str(ports["gateway"])], cwd=ROOT, env=gateway_env, stdout=handle,
                                   stderr=subprocess.STDOUT)
        processes.append((process, handle))
        _wait_ready(f"http://127.0.0.1:{ports['gateway']}/readyz", process, log)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{ports['gateway']}", timeout=30) as client:
            yield GatewayClient(client, minter(keys), {
                name: f"http://127.0.0.1:{ports[name]}/graphql" for name in ("approval", "finance", "audit", "secrecy")})
    finally:
        for process, handle in processes:
            process.terminate()
        for process, handle in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
            handle.close()
        _show_errors_logged(tmp_path, ("approval", "finance", "audit", "secrecy", "gateway"))
        from services.approval.feeds.relay import RELAY_QUEUE, agency_exchange_name
        from shared.bus.rabbitmq import RabbitBus

        await RabbitBus(amqp_url, prefix=bus_prefix).delete_everything(
            ["approval", "finance", "audit", "secrecy", RELAY_QUEUE], exchanges=[agency_exchange_name(bus_prefix)])
