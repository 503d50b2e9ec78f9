"""The vendor-qualification register (R-IMP-2): the bureau's commands, and the check anyone may ask."""
from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import async_sessionmaker

from services.secrecy.adapters.repository import SecrecyRepository
from services.secrecy.adapters.vendors import VendorRepository
from services.secrecy.domain import vendor_register
from services.secrecy.domain.authority import Command, authorize
from services.secrecy.domain.qualification import QualificationCheck, VendorQualification, check_qualification
from services.secrecy.domain.vendor_register import QualificationApplication
from services.secrecy.service_layer import UowFactory, command_uow
from shared.auth import Identity
from shared.clock import utc_now
from shared.events import VendorDisqualified, VendorQualified
from shared.qualifications import QualificationScope


async def register_vendor_qualification(uow_factory: UowFactory, application: QualificationApplication,
                                        actor: Identity) -> VendorQualification:
    """Register a vendor's certificate, or renew it (the vendor id names the vendor)."""
    authorize(actor, Command.REGISTER_VENDOR_QUALIFICATION)
    async with command_uow(uow_factory, "vendorId") as uow:
        vendors = VendorRepository(uow.session)
        existing = await vendors.get(application.vendor_id.strip())
        qualification, line = vendor_register.register(existing, application, actor=actor, now=utc_now())
        await vendors.save(existing, qualification)
        await SecrecyRepository(uow.session).add_decision(line)
        await uow.emit(VendorQualified(
            vendor_id=qualification.vendor_id, vendor_name=qualification.vendor_name,
            certificate_number=qualification.certificate_number, grade=qualification.grade.value,
            scopes=sorted(s.value for s in qualification.scopes), valid_from=qualification.valid_from,
            valid_until=qualification.valid_until), subject=qualification.vendor_id)
        await uow.commit()
        return qualification


async def revoke_vendor_qualification(uow_factory: UowFactory, vendor_id: str, reason: str, effective_on: date,
                                      actor: Identity) -> VendorQualification:
    authorize(actor, Command.REVOKE_VENDOR_QUALIFICATION)
    async with command_uow(uow_factory, "vendorId") as uow:
        vendors = VendorRepository(uow.session)
        existing = await vendors.get(vendor_id)
        qualification, line = vendor_register.revoke(existing, reason, effective_on, actor=actor, now=utc_now())
        await vendors.save(existing, qualification)
        await SecrecyRepository(uow.session).add_decision(line)
        await uow.emit(VendorDisqualified(vendor_id=vendor_id, reason=qualification.revocation_reason,
                                          effective_on=effective_on), subject=vendor_id)
        await uow.commit()
        return qualification


async def check_vendor_qualification(sessions: async_sessionmaker, vendor_id: str, on: date,
                                     scope: QualificationScope) -> QualificationCheck:
    async with sessions() as session:
        qualification = await VendorRepository(session).get(vendor_id)
    return check_qualification(qualification, on=on, scope=scope)
