"""What the approval service learns from the other bureaus, each inside the consumer's unit of work."""
from __future__ import annotations

import logging

from services.approval.adapters.repository import ProjectRepository
from services.approval.domain.lifecycle import Action
from services.approval.domain.model import HistoryEntry, VendorQualification
from services.approval.handlers import act_within
from shared.auth import Department, Identity
from shared.clock import utc_now
from shared.errors import DomainError
from shared.events import (
    BudgetReviewReported, ClassificationConfirmed, Envelope, PreUseApproved, SecrecyReviewFailed,
    SecrecyReviewPassed, VendorDisqualified, VendorQualified,
)
from shared.uow import UnitOfWork

log = logging.getLogger(__name__)
FINANCE_SERVICE = Identity(Department.FINANCE_BUREAU, unit="finance-service", subject="finance-service")


def create_handlers(major_threshold: int) -> dict:
    async def on_budget_review_reported(uow: UnitOfWork, event: BudgetReviewReported, envelope: Envelope) -> None:
        """R-REV-2 → R-IMP-1: the report lets procurement start."""
        try:
            await act_within(uow, event.project_id, Action.RECORD_BUDGET_REVIEW, FINANCE_SERVICE,
                             event.approved_budget, major_threshold=major_threshold, lock=True)
        except DomainError as refused:  # a stale or out-of-order report: keep it in the log, don't retry forever
            log.warning("budget review report %s for %s not recorded: %s", envelope.id, event.project_id, refused)

    async def record_fact(uow: UnitOfWork, project_id: str, what: str, envelope: Envelope, **changes) -> None:
        """A fact another bureau reported: stored on the project and written in its history, status unchanged."""
        repository = ProjectRepository(uow.session)
        project = await repository.get(project_id, lock=True)  # a concurrent fact or decision goes first, whole
        if project is None:
            log.warning("%s for unknown project %s ignored", envelope.type, project_id)
            return
        now = utc_now()
        updated = project.model_copy(update={**changes, "updated_at": now, "version": project.version + 1})
        entry = HistoryEntry(at=now, action=what, from_status=project.status, to_status=project.status,
                             department=envelope.source.upper() + "_SERVICE", unit=None, subject=envelope.source,
                             detail=envelope.type)
        await repository.save(project, updated, entry)

    async def on_secrecy_review_passed(uow, event: SecrecyReviewPassed, envelope):
        await record_fact(uow, event.project_id, "SECRECY_REVIEW_PASSED", envelope, secrecy_review_passed=True)

    async def on_secrecy_review_failed(uow, event: SecrecyReviewFailed, envelope):
        await record_fact(uow, event.project_id, "SECRECY_REVIEW_FAILED", envelope, secrecy_review_passed=False)

    async def on_classification_confirmed(uow, event: ClassificationConfirmed, envelope):
        await record_fact(uow, event.project_id, "CLASSIFICATION_CONFIRMED", envelope,
                          confirmed_classified=event.classified)

    async def on_pre_use_approved(uow, event: PreUseApproved, envelope):
        await record_fact(uow, event.project_id, "PRE_USE_APPROVED", envelope, pre_use_approved=True)

    async def on_vendor_qualified(uow, event: VendorQualified, envelope):
        await ProjectRepository(uow.session).put_vendor_qualification(VendorQualification(
            vendor_id=event.vendor_id, scopes=frozenset(event.scopes), valid_from=event.valid_from,
            valid_until=event.valid_until))

    async def on_vendor_disqualified(uow, event: VendorDisqualified, envelope):
        repository = ProjectRepository(uow.session)
        known = (await repository.vendor_qualifications([event.vendor_id])).get(event.vendor_id)
        if known is not None:
            await repository.put_vendor_qualification(known.model_copy(update={"revoked_on": event.effective_on}))

    return {
        BudgetReviewReported.event_type: on_budget_review_reported,
        SecrecyReviewPassed.event_type: on_secrecy_review_passed,
        SecrecyReviewFailed.event_type: on_secrecy_review_failed,
        ClassificationConfirmed.event_type: on_classification_confirmed,
        PreUseApproved.event_type: on_pre_use_approved,
        VendorQualified.event_type: on_vendor_qualified,
        VendorDisqualified.event_type: on_vendor_disqualified,
    }
