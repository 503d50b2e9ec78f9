"""Helpers of the fault tests: a service in a process of its own, and the counts of RabbitMQ's Jepsen checker."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServiceProcess:
    """`egov serve <service>` as its own process, against the given environment; killed, not stopped, on demand."""

    def __init__(self, service: str, env: dict[str, str], log_file: Path):
        self.service = service
        self.env = {**os.environ, "ENVIRONMENT": "test", **env}
        self.port = free_port()
        self.log_file = log_file
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = self.log_file.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "egov.cli", "serve", self.service, "--port", str(self.port)],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()

    async def ready(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            raise AssertionError(f"{self.service} exited; its log:\n{self.log_file.read_text()[-4000:]}")
        try:
            async with httpx.AsyncClient(timeout=2) as http:
                return (await http.get(f"http://127.0.0.1:{self.port}/readyz")).status_code == 200
        except httpx.HTTPError:
            return False

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, no transaction is finished, no message is acknowledged."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def jepsen_counts(sent: set[str], effects: Counter) -> dict[str, int]:
    """As RabbitMQ's Jepsen checker counts a queue: events sent whose effect never happened (lost), effects that
    happened more than once (duplicated), and effects of nothing that was sent (unexpected). All must be zero."""
    return {
        "lost": len(sent - set(effects)),
        "duplicated": sum(1 for key, times in effects.items() if key in sent and times > 1),
        "unexpected": sum(1 for key in effects if key not in sent),
    }
