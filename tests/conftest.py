"""Shared test fixtures: per-run keys, and the real PostgreSQL and RabbitMQ for the integration tier.

Where PostgreSQL or RabbitMQ cannot be reached, their tests are skipped and the run says so loudly at the end;
with EGOV_REQUIRE_SERVERS=1 (set by .ci/run) such a skip is a failure instead.
"""
from __future__ import annotations

import asyncio
import inspect
import os
import socket
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest

from shared.auth import generate_keypair

REQUIRE_SERVERS = os.environ.get("EGOV_REQUIRE_SERVERS") == "1"
PG_ADMIN_URL = os.environ.get("EGOV_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
AMQP_URL = os.environ.get("EGOV_TEST_AMQP", "amqp://guest:guest@127.0.0.1:5672/")
RUN_ID = uuid.uuid4().hex[:10]
_skipped_servers: dict[str, str] = {}


def _reachable(url: str, default_port: int) -> str | None:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2):
            return None
    except OSError as exc:
        return f"{parsed.hostname}:{parsed.port or default_port} unreachable ({exc})"


def need_server(name: str, url: str, port: int) -> None:
    problem = _reachable(url, port)
    if problem is None:
        return
    message = f"{name} is not reachable: {problem}"
    if REQUIRE_SERVERS:
        pytest.fail(f"{message} and EGOV_REQUIRE_SERVERS=1 forbids skipping the integration tier", pytrace=False)
    _skipped_servers[name] = message
    pytest.skip(message)


def pytest_terminal_summary(terminalreporter):
    if _skipped_servers:
        terminalreporter.section("SKIPPED: integration tier not run", sep="!", red=True, bold=True)
        for message in _skipped_servers.values():
            terminalreporter.line(f"!! {message}; its tests were skipped", red=True, bold=True)
        terminalreporter.line("!! start the servers (see README) or run .ci/run, which refuses such skips", red=True)


@pytest.fixture(scope="session")
def run_id() -> str:
    return RUN_ID


@pytest.fixture(scope="session")
def keys(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("keys")
    private_pem, public_pem = generate_keypair()
    (folder / "private.pem").write_bytes(private_pem)
    (folder / "public.pem").write_bytes(public_pem)
    return folder / "private.pem", folder / "public.pem"


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    need_server("PostgreSQL", PG_ADMIN_URL, 5432)
    return PG_ADMIN_URL


@pytest.fixture(scope="session")
def amqp_url() -> str:
    need_server("RabbitMQ", AMQP_URL, 5672)
    return AMQP_URL


class PostgresDatabases:
    """Creates databases named for this run, and drops them all at the end of the session."""

    def __init__(self, admin_url: str):
        self.admin_url = admin_url
        self.created: list[str] = []

    async def create(self, label: str) -> str:
        import asyncpg

        name = f"egov_t{RUN_ID}_{label}_{len(self.created)}"
        connection = await asyncpg.connect(self.admin_url)
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()
        self.created.append(name)
        parsed = urlparse(self.admin_url)
        return f"postgresql+asyncpg://{parsed.netloc}/{name}"

    async def drop_all(self) -> None:
        import asyncpg

        connection = await asyncpg.connect(self.admin_url)
        try:
            for name in self.created:
                await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()


@pytest.fixture(scope="session")
async def postgres(postgres_admin_url):
    databases = PostgresDatabases(postgres_admin_url)
    yield databases
    await databases.drop_all()


@pytest.fixture(scope="session", autouse=True)
def broker_names_removed_at_the_end():
    """Whatever a test left on the broker under this run's prefix (a queue of a runtime it did not clean up, a
    failed test's exchange) is deleted when the session ends, through the management API when it answers."""
    yield
    import httpx

    api = os.environ.get("EGOV_TEST_RABBITMQ_MANAGEMENT", "http://guest:guest@127.0.0.1:15672")
    parsed = urlparse(api)
    base = f"{parsed.scheme}://{parsed.hostname}:{parsed.port or 15672}/api"
    try:
        with httpx.Client(auth=(parsed.username or "guest", parsed.password or "guest"), timeout=10) as client:
            for kind in ("queues", "exchanges"):
                for item in client.get(f"{base}/{kind}").json():
                    if item["name"].startswith(f"egov-t{RUN_ID}-"):
                        vhost = item["vhost"].replace("/", "%2F")
                        client.delete(f"{base}/{kind}/{vhost}/{item['name']}")
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        pass  # no management API here: each test's own clean-up is all there is


@pytest.fixture
def bus_prefix(run_id) -> str:
    """A broker-name prefix of its own for each test: exchanges and queues never meet another run's."""
    return f"egov-t{run_id}-{uuid.uuid4().hex[:6]}"


async def eventually(predicate, *, timeout: float = 15.0, interval: float = 0.05):
    """Poll a predicate (plain or async) until it returns something truthy, or fail after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = predicate()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(interval)
