"""Loading and saving the vendor-qualification register (涉密信息系统集成资质)."""
from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.secrecy.adapters.orm import vendor_qualifications as table
from services.secrecy.adapters.repository import ConcurrentUpdate
from services.secrecy.domain.qualification import VendorQualification
from shared.clock import as_utc
from shared.qualifications import QualificationGrade, QualificationScope


def qualification_from_row(row) -> VendorQualification:
    return VendorQualification(
        vendor_id=row["vendor_id"], vendor_name=row["vendor_name"], certificate_number=row["certificate_number"],
        grade=QualificationGrade(row["grade"]), scopes=frozenset(QualificationScope(s) for s in row["scopes"]),
        valid_from=row["valid_from"], valid_until=row["valid_until"], revoked_on=row["revoked_on"],
        revocation_reason=row["revocation_reason"], registered_at=as_utc(row["registered_at"]),
        updated_at=as_utc(row["updated_at"]), version=row["version"])


def _values(q: VendorQualification) -> dict:
    return dict(vendor_name=q.vendor_name, certificate_number=q.certificate_number, grade=q.grade.value,
                scopes=sorted(s.value for s in q.scopes), valid_from=q.valid_from, valid_until=q.valid_until,
                revoked_on=q.revoked_on, revocation_reason=q.revocation_reason, updated_at=q.updated_at,
                version=q.version)


class VendorRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def get(self, vendor_id: str) -> VendorQualification | None:
        row = (await self.session.execute(select(table).where(table.c.vendor_id == vendor_id))).mappings().first()
        return qualification_from_row(row) if row else None

    async def list(self, *, first: int, after: str | None = None) -> list[VendorQualification]:
        query = select(table).order_by(table.c.vendor_id).limit(first)
        if after is not None:
            query = query.where(table.c.vendor_id > after)
        return [qualification_from_row(row) for row in (await self.session.execute(query)).mappings().all()]

    async def save(self, before: VendorQualification | None, after: VendorQualification) -> None:
        if before is None:
            await self.session.execute(insert(table).values(
                vendor_id=after.vendor_id, registered_at=after.registered_at, **_values(after)))
            return
        result = await self.session.execute(
            update(table).where(table.c.vendor_id == after.vendor_id, table.c.version == before.version)
            .values(**_values(after)))
        if result.rowcount != 1:
            raise ConcurrentUpdate(after.vendor_id)
