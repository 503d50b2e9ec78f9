"""The `graphql-ws` npm client (tests/e2e/wsclient/subscribe.mjs) subscribed to the gateway, as another agency's
system subscribes: one node process per subscriber, its events read line by line as they arrive."""
from __future__ import annotations

import asyncio
import json
import time
from contextlib import asynccontextmanager
from pathlib import Path

from tests.e2e.slice import GatewayClient
from tests.federation.npm import ensure_npm_packages

FOLDER = Path(__file__).parent / "wsclient"
# graphql-transport-ws has no acknowledgement of a `subscribe`: the gateway registers it with its hub as soon as the
# message arrives (parse, validate, register: milliseconds), and the client sends it right after `connection_ack`.
# Each test then proves the subscription live with a first event before the one it measures.
SETTLE = 0.3


class Subscriber:
    def __init__(self, name: str, process: asyncio.subprocess.Process):
        self.name = name
        self.process = process
        self.lines: list[dict] = []  # {"receivedAt": ms since the epoch, "event": {...}}, in arrival order
        self.notes: list[dict] = []  # the client's lifecycle notes (stderr)
        self.changed = asyncio.Event()
        self.readers = [asyncio.create_task(self._read(process.stdout, self.lines)),
                        asyncio.create_task(self._read(process.stderr, self.notes))]

    async def _read(self, stream: asyncio.StreamReader, into: list) -> None:
        async for raw in stream:
            try:
                into.append(json.loads(raw))
            except ValueError:
                into.append({"unparsed": raw.decode(errors="replace")})
            self.changed.set()
        self.changed.set()

    @property
    def events(self) -> list[dict]:
        return [line["event"] for line in self.lines]

    def _failure(self, what: str) -> AssertionError:
        return AssertionError(f"{self.name}: {what}; events {self.events}; notes {self.notes}; "
                              f"exit {self.process.returncode}")

    async def _until(self, found, timeout: float):
        deadline = time.monotonic() + timeout
        while True:
            self.changed.clear()
            value = found()
            if value:
                return value
            if self.process.returncode is not None and all(r.done() for r in self.readers):
                raise self._failure("the client exited")
            left = deadline - time.monotonic()
            if left <= 0:
                raise self._failure(f"nothing matching within {timeout}s")
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except TimeoutError:
                pass

    async def connected(self, timeout: float = 30) -> None:
        await self._until(lambda: any(note.get("connected") for note in self.notes), timeout)
        await asyncio.sleep(SETTLE)

    async def receive(self, event_type: str, project_id: str, timeout: float = 30) -> dict:
        """The first line (with its `receivedAt`) carrying that event of that project."""
        def found():
            return next((line for line in self.lines if line["event"]["type"] == event_type
                         and line["event"]["projectId"] == project_id), None)

        return await self._until(found, timeout)

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.terminate()
        await self.process.wait()
        await asyncio.gather(*self.readers)


@asynccontextmanager
async def subscribed(gateway: GatewayClient, actor: dict, event_filter: dict | None, *, name: str):
    """A graphql-ws client subscribed to `projectEvents(filter)` with `actor`'s token, once it is connected."""
    folder = ensure_npm_packages("the graphql-ws client check", FOLDER)
    url = gateway.client.base_url
    process = await asyncio.create_subprocess_exec(
        "node", "subscribe.mjs", "--url", f"ws://{url.host}:{url.port}/graphql", "--token", gateway.mint(**actor),
        "--filter", json.dumps(event_filter), "--timeout-ms", "180000", cwd=folder,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    subscriber = Subscriber(name, process)
    try:
        await subscriber.connected()
        yield subscriber
    finally:
        await subscriber.stop()
