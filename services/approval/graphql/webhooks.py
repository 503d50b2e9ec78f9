"""Webhooks for agencies without a broker, managed by the Approval Bureau (Article 19). Resolvers are thin."""
from __future__ import annotations

from datetime import datetime

import strawberry

from services.approval import webhook_handlers as commands
from services.approval.adapters.webhooks import WebhookRepository
from services.approval.domain.webhooks import DeliveryStatus, Registration
from shared.clock import as_utc
from shared.graphql import UserError, decision, restricted, run_command

WebhookDeliveryStatus = strawberry.enum(DeliveryStatus, name="WebhookDeliveryStatus")


@strawberry.type(description="An agency's endpoint that receives signed events (Standard Webhooks).")
class Webhook:
    id: strawberry.ID
    agency: str
    url: str
    event_types: list[str] = strawberry.field(description="Event type globs, e.g. finance.payment.*")
    jurisdiction: str | None
    enabled: bool
    disabled_reason: str | None
    failing_since: datetime | None = strawberry.field(description="First failure since the last success.")
    created_at: datetime


def _webhook(r: Registration) -> Webhook:
    return Webhook(id=strawberry.ID(r.id), agency=r.agency, url=r.url, event_types=list(r.event_types),
                   jurisdiction=r.jurisdiction, enabled=r.enabled, disabled_reason=r.disabled_reason,
                   failing_since=r.failing_since, created_at=r.created_at)


@strawberry.type(description="One attempt to deliver: the endpoint's HTTP status (null if none came), how long it "
                             "took, and the error.")
class WebhookAttempt:
    attempted_at: datetime
    status_code: int | None
    duration_ms: int
    error: str | None


@strawberry.type(description="One event owed to one endpoint, with every attempt made.")
class WebhookDelivery:
    id: strawberry.ID
    webhook_id: strawberry.ID
    event_id: str = strawberry.field(description="Sent as webhook-id, the same on every retry.")
    event_type: str
    status: WebhookDeliveryStatus
    attempts: int = strawberry.field(description="Attempts since it was owed or last replayed.")
    next_attempt_at: datetime
    created_at: datetime
    delivered_at: datetime | None
    last_error: str | None
    log: list[WebhookAttempt]


@strawberry.input
class RegisterWebhookInput:
    agency: str
    url: str = strawberry.field(description="https:// (http only for localhost in development and tests)")
    event_types: list[str] = strawberry.field(description="Event types or globs, e.g. finance.payment.*")
    jurisdiction: str | None = None


@strawberry.type
class RegisterWebhookPayload:
    webhook: Webhook | None
    secret: str | None = strawberry.field(description="The signing secret (whsec_...), shown only this once.")
    user_errors: list[UserError]


@strawberry.type
class WebhookPayload:
    webhook: Webhook | None
    user_errors: list[UserError]


@strawberry.type
class ReplayWebhookDeliveriesPayload:
    replayed: int | None
    user_errors: list[UserError]


@strawberry.type
class WebhookQuery:
    @restricted(commands.MANAGERS, action="reading webhooks",
                description="The agencies' webhook endpoints (Approval Bureau).")
    async def webhooks(self, info: strawberry.Info) -> list[Webhook]:
        async with info.context.runtime.reads() as session:
            return [_webhook(r) for r in await WebhookRepository(session).registrations()]

    @restricted(commands.MANAGERS, action="reading webhook deliveries",
                description="The webhook delivery log, newest first (at most 500), with every attempt.")
    async def webhook_deliveries(self, info: strawberry.Info, webhook_id: strawberry.ID | None = None,
                                 status: WebhookDeliveryStatus | None = None, event_id: str | None = None,
                                 first: int = 100) -> list[WebhookDelivery]:
        async with info.context.runtime.reads() as session:
            repository = WebhookRepository(session)
            rows = await repository.deliveries(
                registration_id=str(webhook_id) if webhook_id else None, status=status.value if status else None,
                event_id=event_id, limit=max(1, min(first, 500)))
            attempts = await repository.attempts_of([row.id for row in rows])
        return [WebhookDelivery(
            id=strawberry.ID(row.id), webhook_id=strawberry.ID(row.registration_id), event_id=row.event_id,
            event_type=row.event_type, status=DeliveryStatus(row.status), attempts=row.attempts,
            next_attempt_at=as_utc(row.next_attempt_at), created_at=as_utc(row.created_at),
            delivered_at=as_utc(row.delivered_at) if row.delivered_at else None, last_error=row.last_error,
            log=[WebhookAttempt(attempted_at=as_utc(a.attempted_at), status_code=a.status_code,
                                duration_ms=a.duration_ms, error=a.error) for a in attempts[row.id]])
            for row in rows]


@strawberry.type
class WebhookMutation:
    @decision(commands.MANAGERS, description="Article 19: the Approval Bureau registers an agency's endpoint for "
                                             "signed events; the answer carries the secret, shown only once.")
    async def register_webhook(self, info: strawberry.Info, input: RegisterWebhookInput) -> RegisterWebhookPayload:
        runtime = info.context.runtime
        done, errors = await run_command(commands.register(
            runtime.uow, info.context.identity, agency=input.agency, url=input.url, event_types=input.event_types,
            jurisdiction=input.jurisdiction, environment=runtime.settings.environment))
        return RegisterWebhookPayload(webhook=_webhook(done.registration) if done else None,
                                      secret=done.secret if done else None, user_errors=errors)

    @decision(commands.MANAGERS, description="The Approval Bureau stops deliveries to an endpoint (they wait).")
    async def disable_webhook(self, info: strawberry.Info, id: strawberry.ID,
                              reason: str | None = None) -> WebhookPayload:
        return await _set_enabled(info, id, False, reason)

    @decision(commands.MANAGERS, description="The Approval Bureau resumes deliveries to an endpoint.")
    async def enable_webhook(self, info: strawberry.Info, id: strawberry.ID) -> WebhookPayload:
        return await _set_enabled(info, id, True, None)

    @decision(commands.MANAGERS, description="Send one delivery again, whatever its status, under its same "
                                             "webhook-id.")
    async def replay_webhook_delivery(self, info: strawberry.Info,
                                      delivery_id: strawberry.ID) -> ReplayWebhookDeliveriesPayload:
        replayed, errors = await run_command(commands.replay(info.context.runtime.uow, info.context.identity,
                                                             delivery_id=str(delivery_id)))
        return ReplayWebhookDeliveriesPayload(replayed=replayed, user_errors=errors)

    @decision(commands.MANAGERS, description="Send every FAILED delivery again (of one endpoint, or of all).")
    async def replay_webhook_deliveries(self, info: strawberry.Info, webhook_id: strawberry.ID | None = None
                                        ) -> ReplayWebhookDeliveriesPayload:
        replayed, errors = await run_command(commands.replay(
            info.context.runtime.uow, info.context.identity,
            registration_id=str(webhook_id) if webhook_id else None))
        return ReplayWebhookDeliveriesPayload(replayed=replayed, user_errors=errors)


async def _set_enabled(info: strawberry.Info, id: strawberry.ID, enabled: bool, reason: str | None) -> WebhookPayload:
    changed, errors = await run_command(commands.set_enabled(info.context.runtime.uow, info.context.identity,
                                                             str(id), enabled, reason))
    return WebhookPayload(webhook=_webhook(changed) if changed else None, user_errors=errors)
