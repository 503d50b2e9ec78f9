"""An asyncio event loop on a thread of its own, and the outbox relay as seen from another loop.

A service on RabbitMQ runs its outbox relay and its consumers on such a loop, with their own database engine and
broker connections, so that an event waits for no request in progress: on the request loop, every step of the
relay (take the rows, publish, mark them) queued behind the steps of all the requests ready at that moment.
Threads still share the interpreter, and Python hands it from a busy thread to a waiting one after the switch
interval (`sys.setswitchinterval`), so an event's step waits at most that long for a request's Python code.
"""
from __future__ import annotations

import asyncio
import functools
import sys
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from shared.outbox import OutboxRelay

T = TypeVar("T")
SWITCH_INTERVAL = 0.001  # seconds


def _new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop's loop where it is installed (as uvicorn's request loop is): each step of an event's way (a socket
    read, a wake-up, a callback) costs the interpreter less, and so holds it less from the request thread."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency; an interpreter without it uses asyncio's
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


class EventLoopThread:
    def __init__(self, name: str):
        self.name = name
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        # A thread waiting for the interpreter gets it after this long (Python's default is 5 ms).
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
        self.loop = _new_event_loop()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_forever()
        finally:
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.close()

    async def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on this thread's loop and await its result from the caller's loop; before the thread is
        started (or after it stopped), on the caller's loop."""
        if self.loop is None:
            return await coroutine
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self.loop))

    def call_soon(self, callback) -> None:
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(callback)

    async def stop(self) -> None:
        """Stop the loop once what was handed to it has finished (callers await their work first)."""
        thread, loop = self._thread, self.loop
        if thread is None or loop is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        await asyncio.to_thread(thread.join)
        self._thread = self.loop = None


class RelayOnThread:
    """The outbox relay of a service whose relay runs on an `EventLoopThread`, as the request loop uses it:
    handed what each commit wrote, drained or stopped on demand, its last error read for /readyz."""

    def __init__(self, relay: OutboxRelay, thread: EventLoopThread):
        self._relay = relay
        self._thread = thread

    @property
    def last_error(self) -> str | None:
        return self._relay.last_error

    @last_error.setter
    def last_error(self, value: str | None) -> None:
        self._relay.last_error = value

    @property
    def failures(self) -> list[str]:
        return self._relay.failures

    def handoff(self, events) -> None:
        self._thread.call_soon(functools.partial(self._relay.handoff, events))

    async def publish_pending(self) -> int:
        return await self._thread.run(self._relay.publish_pending())

    async def drain(self) -> int:
        return await self._thread.run(self._relay.drain())

    async def stop(self, timeout: float = 10.0) -> None:
        await self._thread.run(self._relay.stop(timeout))
