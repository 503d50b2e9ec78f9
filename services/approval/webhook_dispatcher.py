"""The webhook worker of the approval service: its own queue of every event type (the deliveries owed are written
with the inbox row), and a dispatcher that sends due deliveries, signed per Standard Webhooks, with retries.

Exactly once in effect: a delivery is retried until the endpoint answers 2xx, always under the same `webhook-id`
(the event id), so a receiver that remembers the ids it has processed applies each event once.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

import httpx
from standardwebhooks import Webhook

from services.approval.adapters.webhooks import DueDelivery, WebhookRepository
from services.approval.domain.webhooks import disable_reason, retry_delay, succeeded
from services.approval.webhook_handlers import create_webhook_handlers
from shared.clock import utc_now
from shared.uow import EventConsumer

log = logging.getLogger(__name__)
CONSUMER = "approval-webhooks"  # its own queue and inbox name: approval's own handlers are not touched


def signed_headers(secret: str, event_id: str, body: str, at: datetime) -> dict[str, str]:
    """The Standard Webhooks headers for one attempt: the id stays, the timestamp and signature are fresh."""
    return {"webhook-id": event_id, "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": Webhook(secret).sign(event_id, at, body),
            "content-type": "application/json", "user-agent": "yiyang-egov-webhooks/1"}


class WebhookDispatcher:
    def __init__(self, sessions, *, retry_base: float, disable_after: float, poll_interval: float = 1.0,
                 timeout: float = 15.0, batch: int = 50, transport: httpx.AsyncBaseTransport | None = None,
                 clock: Callable[[], datetime] = utc_now, draw=None):
        self._sessions = sessions
        self._retry_base = retry_base
        self._disable_after = timedelta(seconds=disable_after)
        self._poll_interval = poll_interval
        self._timeout = timeout
        self._batch = batch
        self._transport = transport
        self._clock = clock
        self._draw = draw
        self._client: httpx.AsyncClient | None = None
        self._task: asyncio.Task | None = None
        self._wake = asyncio.Event()

    async def start(self) -> None:
        self._client = httpx.AsyncClient(timeout=self._timeout, transport=self._transport, follow_redirects=False)
        self._task = asyncio.create_task(self._run(), name="webhook-dispatcher")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def wake(self) -> None:
        self._wake.set()

    async def _run(self) -> None:
        while True:
            try:
                sent = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the database away: try again at the next tick
                log.exception("webhook dispatcher: a round failed; trying again")
                sent = 0
            if sent < self._batch:
                try:
                    await asyncio.wait_for(self._wake.wait(), self._poll_interval)
                except asyncio.TimeoutError:
                    pass
                self._wake.clear()

    async def run_once(self) -> int:
        """Send the deliveries due now, concurrently; returns how many were attempted."""
        now = self._clock()
        async with self._sessions() as session, session.begin():
            due = await WebhookRepository(session).claim_due(now, timedelta(seconds=self._timeout * 2 + 30),
                                                             self._batch)
        if due:
            await asyncio.gather(*(self._attempt(delivery) for delivery in due))
        return len(due)

    async def _attempt(self, delivery: DueDelivery) -> None:
        client = self._client or httpx.AsyncClient(timeout=self._timeout, transport=self._transport)
        at = self._clock()
        status_code, error = None, None
        started = time.perf_counter()
        try:
            response = await client.post(delivery.url, content=delivery.body.encode(),
                                         headers=signed_headers(delivery.secret, delivery.event_id, delivery.body, at))
            status_code = response.status_code
            if not succeeded(status_code):
                error = f"HTTP {status_code}: {response.text[:200]}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
        finally:
            if client is not self._client:
                await client.aclose()
        duration_ms = int((time.perf_counter() - started) * 1000)
        await self._record(delivery, at, status_code, duration_ms, error)

    async def _record(self, delivery: DueDelivery, at: datetime, status_code: int | None, duration_ms: int,
                      error: str | None) -> None:
        async with self._sessions() as session, session.begin():
            repository = WebhookRepository(session)
            await repository.log_attempt(delivery.id, at, status_code, duration_ms, error)
            if error is None:
                await repository.delivered(delivery, at)
                return
            registration = await repository.get(delivery.registration_id)
            reason = (disable_reason(registration.failing_since, at, disable_after=self._disable_after)
                      if registration.enabled else None)
            draw = {"draw": self._draw} if self._draw else {}
            delay = None if reason else retry_delay(delivery.attempts + 1, base=self._retry_base, **draw)
            # Spent schedule or disabled endpoint: FAILED, waiting for an operator's replay.
            await repository.failed(delivery, at, error, at + delay if delay else None)
            if reason:
                await repository.set_enabled(registration.id, False, reason)
                log.warning("webhook endpoint %s (%s) disabled: %s", registration.id, registration.agency, reason)
            else:
                log.info("webhook %s to %s failed (attempt %d): %s", delivery.event_id, registration.agency,
                         delivery.attempts + 1, error)

class WebhookWorker:
    """Lives as long as approval's event side: the consumer of its own queue, and the dispatcher."""

    def __init__(self, runtime, *, transport: httpx.AsyncBaseTransport | None = None):
        settings = runtime.settings
        self.runtime = runtime
        self.dispatcher = WebhookDispatcher(
            runtime.events_sessions, retry_base=settings.webhook_retry_base,
            disable_after=settings.webhook_disable_after, poll_interval=settings.webhook_poll_interval,
            timeout=settings.webhook_timeout, transport=transport)
        self.consumer = EventConsumer(CONSUMER, lambda: runtime.unit_of_work_on(runtime.events_sessions),
                                      create_webhook_handlers(runtime.events_reads, on_enqueued=self.dispatcher.wake))

    async def start(self) -> None:
        await self.runtime.bus.subscribe(CONSUMER, self.consumer.routing_keys, self.consumer)
        await self.dispatcher.start()

    async def stop(self) -> None:
        await self.dispatcher.stop()


def webhook_worker(runtime) -> WebhookWorker:
    return WebhookWorker(runtime)
