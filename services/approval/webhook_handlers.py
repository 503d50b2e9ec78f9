"""Webhook commands of the Approval Bureau (register, enable, disable, replay) and the consumer's handler that
writes the deliveries an event owes, each inside one unit of work."""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import async_sessionmaker

from services.approval.adapters.webhooks import WebhookRepository
from services.approval.domain.webhooks import (
    Registration, check_endpoint, check_patterns, new_secret, subscribes_to,
)
from shared.auth import Department, Identity
from shared.clock import utc_now
from shared.errors import NotFound, PermissionDenied, refuse
from shared.events import CATALOG, Envelope
from shared.uow import UnitOfWork
from shared.visibility import outside_readable

log = logging.getLogger(__name__)
MANAGERS = (Department.APPROVAL_BUREAU,)  # Article 19: publicity is the Approval Bureau's


def _require_manager(identity: Identity, action: str) -> None:
    if identity.department not in MANAGERS:
        raise PermissionDenied(f"{action} is for APPROVAL_BUREAU; you are {identity.department.value}")


def create_webhook_handlers(reads: async_sessionmaker, on_enqueued: Callable[[], None] | None = None) -> dict:
    """One handler for every event type of the catalog: the deliveries it owes, written with the inbox row.
    `reads`: the sessions the registrations are read through (the service's readers, outside the transaction)."""

    async def owe_deliveries(uow: UnitOfWork, _payload, envelope: Envelope) -> None:
        """The deliveries owed for the event; most events owe none (no registration names them), and such an event
        leaves nothing written: handled again, it would owe what registrations name it then. The registrations are
        read outside the unit of work, so an event that owes nothing costs one statement and no transaction."""
        if not outside_readable(envelope):  # R-SEC-2 / R-PUB-1: fail closed, no audience means no delivery
            uow.record_nothing()
            return
        async with reads() as session:
            registrations = await WebhookRepository(session).registrations(enabled_only=True)
        matching = [r for r in registrations if subscribes_to(r, envelope)]
        if not matching:
            uow.record_nothing()
        elif await WebhookRepository(uow.session).enqueue(matching, envelope, utc_now()) and on_enqueued:
            uow.after_commit(on_enqueued)  # the dispatcher looks once the deliveries are there to see

    return {event_type: owe_deliveries for event_type in CATALOG}


@dataclass(frozen=True)
class Registered:
    registration: Registration
    secret: str  # shown once: only its holder can verify our signatures


async def register(uow_factory, identity: Identity, *, agency: str, url: str, event_types: list[str],
                   jurisdiction: str | None, environment: str) -> Registered:
    _require_manager(identity, "registering a webhook")
    if not agency.strip():
        raise refuse("INVALID", "name the agency that receives the webhooks", "agency")
    registration = Registration(
        id=str(uuid.uuid4()), agency=agency.strip(), url=check_endpoint(url, environment=environment),
        event_types=check_patterns(event_types), jurisdiction=(jurisdiction or "").strip() or None, enabled=True,
        created_at=utc_now())
    secret = new_secret()
    async with uow_factory() as uow:
        await WebhookRepository(uow.session).add(registration, secret, created_by=identity.subject)
        await uow.commit()
    log.info("webhook %s registered for %s at %s", registration.id, registration.agency, registration.url)
    return Registered(registration, secret)


async def set_enabled(uow_factory, identity: Identity, registration_id: str, enabled: bool,
                      reason: str | None = None) -> Registration:
    _require_manager(identity, "enabling a webhook" if enabled else "disabling a webhook")
    async with uow_factory() as uow:
        repository = WebhookRepository(uow.session)
        if await repository.get(registration_id) is None:
            raise NotFound("webhook")
        await repository.set_enabled(registration_id, enabled,
                                     None if enabled else (reason or f"disabled by {identity.subject}"))
        changed = await repository.get(registration_id)
        await uow.commit()
    return changed


async def replay(uow_factory, identity: Identity, *, delivery_id: str | None = None,
                 registration_id: str | None = None) -> int:
    """One delivery again (whatever its status), or every FAILED one (of one endpoint, or of all)."""
    _require_manager(identity, "replaying webhook deliveries")
    async with uow_factory() as uow:
        repository = WebhookRepository(uow.session)
        if registration_id is not None and await repository.get(registration_id) is None:
            raise NotFound("webhook", "webhookId")
        replayed = await repository.replay(utc_now(), delivery_id=delivery_id, registration_id=registration_id)
        if delivery_id is not None and replayed == 0:
            raise NotFound("webhook delivery", "deliveryId")
        await uow.commit()
    return replayed
