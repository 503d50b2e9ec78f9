"""The Secrecy Bureau's decisions on a project: classification (定密/解密), the secrecy review (R-REV-3), the
graded-protection evaluation and the review before use (R-ACC-5, R-SEC-1)."""
from __future__ import annotations

import uuid
from datetime import date

from services.secrecy.adapters.repository import SecrecyRepository
from services.secrecy.domain import classification, pre_use, review
from services.secrecy.domain.authority import Command, authorize
from services.secrecy.domain.classification import RegisterEntry, SecrecyLevel
from services.secrecy.domain.pre_use import EvaluationConclusion, PreUseReview
from services.secrecy.domain.review import SecrecyReview
from services.secrecy.service_layer import UowFactory, command_uow
from services.secrecy.service_layer.cases import open_cases_if_needed
from shared.auth import Identity
from shared.clock import china_date, utc_now
from shared.errors import NotFound, refuse
from shared.events import ClassificationConfirmed, PreUseApproved, SecrecyReviewFailed, SecrecyReviewPassed


async def _entry(repository: SecrecyRepository, project_id: str) -> RegisterEntry:
    entry = await repository.entry(project_id)
    if entry is None:
        raise NotFound("project", "projectId")
    return entry


async def confirm_classification(uow_factory: UowFactory, project_id: str, level: SecrecyLevel, actor: Identity,
                                 reason: str | None = None) -> RegisterEntry:
    """Confirm or correct the level; an approved (or accepted) project confirmed classified gets its cases."""
    authorize(actor, Command.CONFIRM_CLASSIFICATION)
    async with command_uow(uow_factory, "projectId") as uow:
        repository = SecrecyRepository(uow.session)
        entry = await _entry(repository, project_id)
        now = utc_now()
        updated, line = classification.confirm(entry, level, actor=actor, now=now, reason=reason)
        await repository.save_entry(entry, updated)
        await repository.add_decision(line)
        await open_cases_if_needed(repository, updated, now=now, because_of=Command.CONFIRM_CLASSIFICATION.value)
        await uow.emit(ClassificationConfirmed(project_id=project_id, classified=True, level=level.value,
                                               decided_at=now), subject=project_id)
        await uow.commit()
        return updated


async def declassify_project(uow_factory: UowFactory, project_id: str, reason: str,
                             actor: Identity) -> RegisterEntry:
    authorize(actor, Command.DECLASSIFY_PROJECT)
    async with command_uow(uow_factory, "projectId") as uow:
        repository = SecrecyRepository(uow.session)
        entry = await _entry(repository, project_id)
        now = utc_now()
        updated, line = classification.declassify(entry, reason, actor=actor, now=now)
        await repository.save_entry(entry, updated)
        await repository.add_decision(line)
        await uow.emit(ClassificationConfirmed(project_id=project_id, classified=False, level=None, decided_at=now),
                       subject=project_id)
        await uow.commit()
        return updated


async def _review(repository: SecrecyRepository, project_id: str) -> SecrecyReview:
    await _entry(repository, project_id)
    found = await repository.review(project_id)
    if found is None:
        raise refuse("R-REV-3", "the project has no secrecy review: one is opened when a classified project is "
                                "approved", "projectId")
    return found


async def pass_secrecy_review(uow_factory: UowFactory, project_id: str, opinion: str,
                              actor: Identity) -> SecrecyReview:
    authorize(actor, Command.PASS_SECRECY_REVIEW)
    async with command_uow(uow_factory, "projectId") as uow:
        repository = SecrecyRepository(uow.session)
        case = await _review(repository, project_id)
        updated, line = review.pass_review(case, opinion, actor=actor, now=utc_now())
        await repository.save_review(case, updated)
        await repository.add_decision(line)
        await uow.emit(SecrecyReviewPassed(project_id=project_id, review_id=updated.id, passed_at=updated.decided_at),
                       subject=project_id)
        await uow.commit()
        return updated


async def fail_secrecy_review(uow_factory: UowFactory, project_id: str, reasons: list[str],
                              actor: Identity) -> SecrecyReview:
    authorize(actor, Command.FAIL_SECRECY_REVIEW)
    async with command_uow(uow_factory, "projectId") as uow:
        repository = SecrecyRepository(uow.session)
        case = await _review(repository, project_id)
        updated, line = review.fail_review(case, reasons, actor=actor, now=utc_now())
        await repository.save_review(case, updated)
        await repository.add_decision(line)
        await uow.emit(SecrecyReviewFailed(project_id=project_id, review_id=updated.id, reasons=list(updated.reasons)),
                       subject=project_id)
        await uow.commit()
        return updated


async def reopen_secrecy_review(uow_factory: UowFactory, project_id: str, actor: Identity) -> SecrecyReview:
    authorize(actor, Command.REOPEN_SECRECY_REVIEW)
    async with command_uow(uow_factory, "projectId") as uow:
        repository = SecrecyRepository(uow.session)
        case = await _review(repository, project_id)
        updated, line = review.reopen_review(case, actor=actor, now=utc_now())
        await repository.save_review(case, updated)
        await repository.add_decision(line)
        await uow.commit()
        return updated


async def _pre_use(repository: SecrecyRepository, project_id: str) -> PreUseReview:
    await _entry(repository, project_id)
    found = await repository.pre_use_review(project_id)
    if found is None:
        raise refuse("R-ACC-5", "the project has no review before use: one is opened when a classified project "
                                "passes completion acceptance", "projectId")
    return found


async def record_graded_protection_evaluation(
        uow_factory: UowFactory, project_id: str, actor: Identity, *, evaluator: str, report_number: str,
        evaluated_on: date, conclusion: EvaluationConclusion, findings: list[str]) -> PreUseReview:
    authorize(actor, Command.RECORD_GRADED_PROTECTION_EVALUATION)
    async with command_uow(uow_factory, "projectId") as uow:
        repository = SecrecyRepository(uow.session)
        case = await _pre_use(repository, project_id)
        now = utc_now()
        updated, evaluation, line = pre_use.record_evaluation(
            case, evaluation_id=str(uuid.uuid4()), evaluator=evaluator, report_number=report_number,
            evaluated_on=evaluated_on, conclusion=conclusion, findings=findings, today=china_date(now),
            actor=actor, now=now)
        await repository.save_pre_use_review(case, updated)
        await repository.add_evaluation(updated, evaluation)
        await repository.add_decision(line)
        await uow.commit()
        return updated


async def approve_pre_use(uow_factory: UowFactory, project_id: str, actor: Identity) -> PreUseReview:
    authorize(actor, Command.APPROVE_PRE_USE)
    async with command_uow(uow_factory, "projectId") as uow:
        repository = SecrecyRepository(uow.session)
        case = await _pre_use(repository, project_id)
        updated, line = pre_use.approve(case, actor=actor, now=utc_now())
        await repository.save_pre_use_review(case, updated)
        await repository.add_decision(line)
        await uow.emit(PreUseApproved(project_id=project_id, evaluation_id=updated.latest_evaluation_id,
                                      approved_at=updated.decided_at), subject=project_id)
        await uow.commit()
        return updated


async def refuse_pre_use(uow_factory: UowFactory, project_id: str, reasons: list[str],
                         actor: Identity) -> PreUseReview:
    authorize(actor, Command.REFUSE_PRE_USE)
    async with command_uow(uow_factory, "projectId") as uow:
        repository = SecrecyRepository(uow.session)
        case = await _pre_use(repository, project_id)
        updated, line = pre_use.refuse_use(case, reasons, actor=actor, now=utc_now())
        await repository.save_pre_use_review(case, updated)
        await repository.add_decision(line)
        await uow.commit()
        return updated
