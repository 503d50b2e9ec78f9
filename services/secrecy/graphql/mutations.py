"""The Secrecy Bureau's mutations. Resolvers are thin: build the command, run its handler, map the result or the
refusal. The department check lives in the domain (`domain/authority.py`); a wrong department is a FORBIDDEN
GraphQL error, a refusal by the rules a user error with the rule id, and nothing is written either way."""
from __future__ import annotations

from datetime import date

import strawberry

from services.secrecy.domain.authority import AUTHORITY, Command
from services.secrecy.domain.vendor_register import QualificationApplication
from services.secrecy.graphql.types import (
    Classification,
    EvaluationConclusionEnum,
    PreUseReview,
    QualificationGradeEnum,
    QualificationScopeEnum,
    SecrecyLevelEnum,
    SecrecyReview,
    VendorQualification,
    classification_from_domain,
    pre_use_from_domain,
    review_from_domain,
    vendor_from_domain,
)
from services.secrecy.service_layer import projects, vendors
from shared.auth import Identity
from shared.graphql import Unauthenticated, UserError, decision, run_command


def _signed_in(info: strawberry.Info) -> Identity:
    identity = info.context.identity
    if identity.is_public:
        raise Unauthenticated("the Secrecy Bureau's decisions need a signed-in SECRECY_BUREAU caller")
    return identity


@strawberry.type
class ClassificationPayload:
    classification: Classification | None
    user_errors: list[UserError]


@strawberry.type
class SecrecyReviewPayload:
    secrecy_review: SecrecyReview | None
    user_errors: list[UserError]


@strawberry.type
class PreUseReviewPayload:
    pre_use_review: PreUseReview | None
    user_errors: list[UserError]


@strawberry.type
class VendorQualificationPayload:
    vendor_qualification: VendorQualification | None
    user_errors: list[UserError]


@strawberry.input(description="A vendor's certificate (涉密信息系统集成资质证书); registering it again renews it.")
class VendorQualificationInput:
    vendor_id: strawberry.ID = strawberry.field(description="The vendor's stable id, e.g. its unified social "
                                                            "credit code (统一社会信用代码).")
    vendor_name: str
    certificate_number: str
    grade: QualificationGradeEnum
    scopes: list[QualificationScopeEnum]
    valid_from: date = strawberry.field(description="First day of validity, inclusive.")
    valid_until: date = strawberry.field(description="Last day of validity, inclusive; after validFrom.")


@strawberry.input(description="A graded-protection evaluation report (分级保护测评报告).")
class GradedProtectionEvaluationInput:
    evaluator: str
    report_number: str
    evaluated_on: date
    conclusion: EvaluationConclusionEnum
    findings: list[str] = strawberry.field(default_factory=list,
                                           description="What the evaluators found; required when FAILED.")


async def _classification(command) -> ClassificationPayload:
    result, errors = await run_command(command)
    return ClassificationPayload(classification=classification_from_domain(result) if result else None,
                                 user_errors=errors)


async def _review(command) -> SecrecyReviewPayload:
    result, errors = await run_command(command)
    return SecrecyReviewPayload(secrecy_review=review_from_domain(result) if result else None, user_errors=errors)


async def _pre_use(command) -> PreUseReviewPayload:
    result, errors = await run_command(command)
    return PreUseReviewPayload(pre_use_review=pre_use_from_domain(result) if result else None, user_errors=errors)


async def _vendor(command) -> VendorQualificationPayload:
    result, errors = await run_command(command)
    return VendorQualificationPayload(vendor_qualification=vendor_from_domain(result) if result else None,
                                      user_errors=errors)


@strawberry.type
class Mutation:
    @decision(AUTHORITY[Command.CONFIRM_CLASSIFICATION],
              description="The Secrecy Bureau confirms a project classified at a level, or corrects the "
                          "level (定密). Emits secrecy.classification.confirmed.v1.")
    async def confirm_classification(self, info: strawberry.Info, project_id: strawberry.ID,
                                     level: SecrecyLevelEnum, reason: str | None = None) -> ClassificationPayload:
        return await _classification(projects.confirm_classification(
            info.context.runtime.uow, str(project_id), level, _signed_in(info), reason))

    @decision(AUTHORITY[Command.DECLASSIFY_PROJECT],
              description="The Secrecy Bureau decides a project is not, or no longer, classified (解密), "
                          "giving its reason. Emits secrecy.classification.confirmed.v1.")
    async def declassify_project(self, info: strawberry.Info, project_id: strawberry.ID,
                                 reason: str) -> ClassificationPayload:
        return await _classification(projects.declassify_project(
            info.context.runtime.uow, str(project_id), reason, _signed_in(info)))

    @decision(AUTHORITY[Command.PASS_SECRECY_REVIEW],
              description="R-REV-3: the secrecy review passes, with the bureau's opinion.")
    async def pass_secrecy_review(self, info: strawberry.Info, project_id: strawberry.ID,
                                  opinion: str) -> SecrecyReviewPayload:
        return await _review(projects.pass_secrecy_review(
            info.context.runtime.uow, str(project_id), opinion, _signed_in(info)))

    @decision(AUTHORITY[Command.FAIL_SECRECY_REVIEW],
              description="R-REV-3: the secrecy review fails, with the reasons the unit must fix.")
    async def fail_secrecy_review(self, info: strawberry.Info, project_id: strawberry.ID,
                                  reasons: list[str]) -> SecrecyReviewPayload:
        return await _review(projects.fail_secrecy_review(
            info.context.runtime.uow, str(project_id), reasons, _signed_in(info)))

    @decision(AUTHORITY[Command.REOPEN_SECRECY_REVIEW],
              description="R-REV-3: a failed secrecy review is reopened after the unit fixed things.")
    async def reopen_secrecy_review(self, info: strawberry.Info, project_id: strawberry.ID) -> SecrecyReviewPayload:
        return await _review(projects.reopen_secrecy_review(info.context.runtime.uow, str(project_id),
                                                            _signed_in(info)))

    @decision(AUTHORITY[Command.REGISTER_VENDOR_QUALIFICATION],
              description="R-IMP-2: register or renew a vendor's classified-integration qualification.")
    async def register_vendor_qualification(self, info: strawberry.Info,
                                            input: VendorQualificationInput) -> VendorQualificationPayload:
        application = QualificationApplication(
            vendor_id=str(input.vendor_id), vendor_name=input.vendor_name,
            certificate_number=input.certificate_number, grade=input.grade, scopes=tuple(input.scopes),
            valid_from=input.valid_from, valid_until=input.valid_until)
        return await _vendor(vendors.register_vendor_qualification(info.context.runtime.uow, application,
                                                                   _signed_in(info)))

    @decision(AUTHORITY[Command.REVOKE_VENDOR_QUALIFICATION],
              description="R-IMP-2: revoke a vendor's qualification with effect from a day.")
    async def revoke_vendor_qualification(self, info: strawberry.Info, vendor_id: strawberry.ID, reason: str,
                                          effective_on: date) -> VendorQualificationPayload:
        return await _vendor(vendors.revoke_vendor_qualification(
            info.context.runtime.uow, str(vendor_id), reason, effective_on, _signed_in(info)))

    @decision(AUTHORITY[Command.RECORD_GRADED_PROTECTION_EVALUATION],
              description="R-SEC-1: record a graded-protection evaluation (分级保护测评) of an accepted "
                          "classified project.")
    async def record_graded_protection_evaluation(self, info: strawberry.Info, project_id: strawberry.ID,
                                                  input: GradedProtectionEvaluationInput) -> PreUseReviewPayload:
        return await _pre_use(projects.record_graded_protection_evaluation(
            info.context.runtime.uow, str(project_id), _signed_in(info), evaluator=input.evaluator,
            report_number=input.report_number, evaluated_on=input.evaluated_on, conclusion=input.conclusion,
            findings=list(input.findings)))

    @decision(AUTHORITY[Command.APPROVE_PRE_USE],
              description="R-ACC-5: approve use, on a PASSED graded-protection evaluation. Emits "
                          "secrecy.pre_use.approved.v1.")
    async def approve_pre_use(self, info: strawberry.Info, project_id: strawberry.ID) -> PreUseReviewPayload:
        return await _pre_use(projects.approve_pre_use(info.context.runtime.uow, str(project_id), _signed_in(info)))

    @decision(AUTHORITY[Command.REFUSE_PRE_USE],
              description="R-ACC-5: refuse use, with the reasons.")
    async def refuse_pre_use(self, info: strawberry.Info, project_id: strawberry.ID,
                             reasons: list[str]) -> PreUseReviewPayload:
        return await _pre_use(projects.refuse_pre_use(info.context.runtime.uow, str(project_id), reasons,
                                                      _signed_in(info)))
