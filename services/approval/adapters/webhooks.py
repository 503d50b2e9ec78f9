"""Reading and writing the webhook tables, always inside a session the caller owns (a unit of work or the
dispatcher's short transactions)."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.approval.adapters.webhook_tables import webhook_attempts, webhook_deliveries, webhook_registrations
from services.approval.domain.webhooks import DeliveryStatus, Registration
from shared.clock import as_utc
from shared.events import Envelope

R, D, A = webhook_registrations, webhook_deliveries, webhook_attempts


def _registration(row) -> Registration:
    return Registration(id=row.id, agency=row.agency, url=row.url, event_types=tuple(row.event_types),
                        jurisdiction=row.jurisdiction, enabled=row.enabled, disabled_reason=row.disabled_reason,
                        failing_since=as_utc(row.failing_since) if row.failing_since else None,
                        created_at=as_utc(row.created_at))


def body_of(envelope: Envelope) -> str:
    """What the endpoint receives: the Standard Webhooks body (type, timestamp, data), fixed once for every retry."""
    return json.dumps({"type": envelope.type, "timestamp": envelope.time.isoformat(), "data": envelope.data},
                      separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class DueDelivery:
    id: str
    event_id: str
    body: str
    attempts: int
    registration_id: str
    url: str
    secret: str


class WebhookRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def add(self, registration: Registration, secret: str, created_by: str) -> None:
        await self.session.execute(insert(R).values(
            id=registration.id, agency=registration.agency, url=registration.url,
            event_types=list(registration.event_types), jurisdiction=registration.jurisdiction, secret=secret,
            enabled=True, created_at=registration.created_at, created_by=created_by))

    async def get(self, registration_id: str) -> Registration | None:
        row = (await self.session.execute(select(R).where(R.c.id == registration_id))).first()
        return _registration(row) if row else None

    async def registrations(self, *, enabled_only: bool = False) -> list[Registration]:
        query = select(R).order_by(R.c.created_at, R.c.id)
        if enabled_only:
            query = query.where(R.c.enabled.is_(True))
        return [_registration(row) for row in await self.session.execute(query)]

    async def set_enabled(self, registration_id: str, enabled: bool, reason: str | None) -> None:
        changes = {"enabled": enabled, "disabled_reason": reason}
        if enabled:
            changes["failing_since"] = None  # a fresh start: a day of failures counts again from now
        await self.session.execute(update(R).where(R.c.id == registration_id).values(**changes))

    async def enqueue(self, registrations: list[Registration], envelope: Envelope, now: datetime) -> int:
        """One delivery per registration; an event already owed to an endpoint is not owed twice."""
        known = set((await self.session.execute(select(D.c.registration_id).where(
            D.c.event_id == envelope.id, D.c.registration_id.in_([r.id for r in registrations])))).scalars())
        rows = [{"id": str(uuid.uuid4()), "registration_id": r.id, "event_id": envelope.id,
                 "event_type": envelope.type, "body": body_of(envelope), "status": DeliveryStatus.PENDING.value,
                 "attempts": 0, "next_attempt_at": now, "created_at": now}
                for r in registrations if r.id not in known]
        if rows:
            await self.session.execute(insert(D), rows)
        return len(rows)

    async def claim_due(self, now: datetime, lease: timedelta, limit: int) -> list[DueDelivery]:
        """Due deliveries of enabled endpoints, each pushed `lease` ahead so that no other dispatcher takes it while
        this one sends (skipping rows another dispatcher has locked)."""
        query = (select(D.c.id, D.c.event_id, D.c.body, D.c.attempts, R.c.id.label("registration_id"), R.c.url,
                        R.c.secret)
                 .join(R, R.c.id == D.c.registration_id)
                 .where(D.c.status == DeliveryStatus.PENDING.value, D.c.next_attempt_at <= now,
                        R.c.enabled.is_(True))
                 .order_by(D.c.next_attempt_at, D.c.created_at).limit(limit)
                 .with_for_update(of=D, skip_locked=True))
        due = [DueDelivery(**row._mapping) for row in await self.session.execute(query)]
        if due:
            await self.session.execute(update(D).where(D.c.id.in_([d.id for d in due]))
                                       .values(next_attempt_at=now + lease))
        return due

    async def log_attempt(self, delivery_id: str, at: datetime, status_code: int | None, duration_ms: int,
                          error: str | None) -> None:
        await self.session.execute(insert(A).values(delivery_id=delivery_id, attempted_at=at,
                                                    status_code=status_code, duration_ms=duration_ms, error=error))

    async def delivered(self, delivery: DueDelivery, at: datetime) -> None:
        await self.session.execute(update(D).where(D.c.id == delivery.id).values(
            status=DeliveryStatus.DELIVERED.value, attempts=delivery.attempts + 1, delivered_at=at, last_error=None))
        await self.session.execute(update(R).where(R.c.id == delivery.registration_id).values(failing_since=None))

    async def failed(self, delivery: DueDelivery, at: datetime, error: str, retry_at: datetime | None) -> None:
        status = DeliveryStatus.PENDING if retry_at else DeliveryStatus.FAILED
        await self.session.execute(update(D).where(D.c.id == delivery.id).values(
            status=status.value, attempts=delivery.attempts + 1, next_attempt_at=retry_at or at, last_error=error))
        await self.session.execute(update(R).where(R.c.id == delivery.registration_id, R.c.failing_since.is_(None))
                                   .values(failing_since=at))

    async def replay(self, now: datetime, *, delivery_id: str | None = None,
                     registration_id: str | None = None) -> int:
        """Put one delivery (whatever its status) or every FAILED one back in line, its schedule started afresh."""
        condition = (D.c.id == delivery_id if delivery_id else
                     and_(D.c.status == DeliveryStatus.FAILED.value,
                          *([D.c.registration_id == registration_id] if registration_id else [])))
        result = await self.session.execute(update(D).where(condition).values(
            status=DeliveryStatus.PENDING.value, attempts=0, next_attempt_at=now))
        return result.rowcount

    async def deliveries(self, *, registration_id: str | None = None, status: str | None = None,
                         event_id: str | None = None, limit: int = 100) -> list:
        query = select(D).order_by(D.c.created_at.desc(), D.c.id).limit(limit)
        for column, value in ((D.c.registration_id, registration_id), (D.c.status, status),
                              (D.c.event_id, event_id)):
            if value is not None:
                query = query.where(column == value)
        return list(await self.session.execute(query))

    async def attempts_of(self, delivery_ids: list[str]) -> dict[str, list]:
        found: dict[str, list] = {delivery_id: [] for delivery_id in delivery_ids}
        if delivery_ids:
            for row in await self.session.execute(select(A).where(A.c.delivery_id.in_(delivery_ids))
                                                  .order_by(A.c.id)):
                found[row.delivery_id].append(row)
        return found

    async def count(self, status: DeliveryStatus) -> int:
        return (await self.session.execute(select(func.count()).select_from(D).where(D.c.status == status.value))
                ).scalar_one()
