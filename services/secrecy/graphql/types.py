"""The secrecy subgraph's types, and their mapping from the domain. Every project-bound value is built only after
the caller passed the need-to-know check (see `loaders.py`), so nested fields need no second check."""
from __future__ import annotations

from datetime import date, datetime

import strawberry

from services.secrecy.domain import classification, history, pre_use, qualification, review
from services.secrecy.domain.classification import ClassificationStatus, SecrecyLevel
from services.secrecy.domain.pre_use import EvaluationConclusion, PreUseStatus
from services.secrecy.domain.review import SecrecyReviewStatus
from services.secrecy.graphql import loaders
from shared.qualifications import QualificationGrade, QualificationScope

SecrecyLevelEnum = strawberry.enum(SecrecyLevel, name="SecrecyLevel",
                                   description="秘密 SECRET, 机密 CONFIDENTIAL, 绝密 TOP_SECRET.")
ClassificationStatusEnum = strawberry.enum(ClassificationStatus, name="ClassificationStatus")
SecrecyReviewStatusEnum = strawberry.enum(SecrecyReviewStatus, name="SecrecyReviewStatus")
PreUseStatusEnum = strawberry.enum(PreUseStatus, name="PreUseReviewStatus")
EvaluationConclusionEnum = strawberry.enum(EvaluationConclusion, name="EvaluationConclusion")
QualificationGradeEnum = strawberry.enum(QualificationGrade, name="QualificationGrade",
                                         description="甲级 A / 乙级 B.")
QualificationScopeEnum = strawberry.enum(QualificationScope, name="QualificationScope",
                                         description="What a classified-integration qualification covers.")


@strawberry.type(description="One line of the Secrecy Bureau's decision history (R-OVS-1): who, when, what, why.")
class SecrecyDecision:
    at: datetime
    action: str
    department: str
    unit: str | None
    actor: str
    reasons: list[str]
    previous_hash: str = strawberry.field(description="The hash of the entry before this line in the bureau's "
                                                      "decision trail (secrecyTrail).")
    entry_hash: str = strawberry.field(description="This line's hash in the bureau's decision trail.")


def decision_from_domain(line: history.Decision) -> SecrecyDecision:
    return SecrecyDecision(at=line.at, action=line.action, department=line.department, unit=line.unit,
                           actor=line.actor, reasons=list(line.reasons), previous_hash=line.previous_hash,
                           entry_hash=line.entry_hash)


@strawberry.type(description="A project's classification (定密), as the Secrecy Bureau records it.")
class Classification:
    project_id: strawberry.ID
    declared_classified: bool = strawberry.field(description="The unit's latest declaration.")
    classified: bool = strawberry.field(
        description="The bureau's latest fact: its own decision once made, else the unit's declaration.")
    level: SecrecyLevelEnum | None
    status: ClassificationStatusEnum
    declared_at: datetime
    decided_at: datetime | None = strawberry.field(description="When the bureau last confirmed or declassified.")

    @strawberry.field(description="Every decision of the Secrecy Bureau on this project, oldest first.")
    async def history(self, info: strawberry.Info) -> list[SecrecyDecision]:
        lines = await loaders.project_decisions(info).load(str(self.project_id))
        return [decision_from_domain(line) for line in lines]


def classification_from_domain(entry: classification.RegisterEntry) -> Classification:
    return Classification(project_id=strawberry.ID(entry.project_id), declared_classified=entry.declared_classified,
                          classified=entry.classified, level=entry.level, status=entry.status,
                          declared_at=entry.declared_at, decided_at=entry.decided_at)


@strawberry.type(description="The secrecy review (保密审查) of a classified project (R-REV-3).")
class SecrecyReview:
    id: strawberry.ID
    project_id: strawberry.ID
    status: SecrecyReviewStatusEnum
    opened_at: datetime
    decided_at: datetime | None
    opinion: str | None = strawberry.field(description="The bureau's opinion (审查意见) when it passed.")
    reasons: list[str] = strawberry.field(description="Why it failed: what the unit must fix.")


def review_from_domain(case: review.SecrecyReview) -> SecrecyReview:
    return SecrecyReview(id=strawberry.ID(case.id), project_id=strawberry.ID(case.project_id), status=case.status,
                         opened_at=case.opened_at, decided_at=case.decided_at, opinion=case.opinion,
                         reasons=list(case.reasons))


@strawberry.type(description="A graded-protection evaluation report (分级保护测评, R-SEC-1).")
class GradedProtectionEvaluation:
    id: strawberry.ID
    evaluator: str
    report_number: str
    evaluated_on: date
    conclusion: EvaluationConclusionEnum
    findings: list[str]
    recorded_at: datetime


def evaluation_from_domain(evaluation: pre_use.Evaluation) -> GradedProtectionEvaluation:
    return GradedProtectionEvaluation(
        id=strawberry.ID(evaluation.id), evaluator=evaluation.evaluator, report_number=evaluation.report_number,
        evaluated_on=evaluation.evaluated_on, conclusion=evaluation.conclusion, findings=list(evaluation.findings),
        recorded_at=evaluation.recorded_at)


@strawberry.type(description="The Secrecy Bureau's review before use of a classified project (R-ACC-5, R-SEC-1).")
class PreUseReview:
    id: strawberry.ID
    project_id: strawberry.ID
    status: PreUseStatusEnum
    opened_at: datetime
    decided_at: datetime | None
    latest_evaluation_id: strawberry.ID | None
    reasons: list[str] = strawberry.field(description="Why use was refused.")

    @strawberry.field(description="The graded-protection evaluations recorded, oldest first; the latest decides.")
    async def evaluations(self, info: strawberry.Info) -> list[GradedProtectionEvaluation]:
        found = await loaders.evaluations(info).load(str(self.project_id))
        return [evaluation_from_domain(e) for e in found]


def pre_use_from_domain(case: pre_use.PreUseReview) -> PreUseReview:
    return PreUseReview(id=strawberry.ID(case.id), project_id=strawberry.ID(case.project_id), status=case.status,
                        opened_at=case.opened_at, decided_at=case.decided_at,
                        latest_evaluation_id=strawberry.ID(case.latest_evaluation_id)
                        if case.latest_evaluation_id else None, reasons=list(case.reasons))


@strawberry.type(description="A vendor's classified-integration qualification (涉密信息系统集成资质, R-IMP-2).")
class VendorQualification:
    vendor_id: strawberry.ID
    vendor_name: str
    certificate_number: str
    grade: QualificationGradeEnum
    scopes: list[QualificationScopeEnum]
    valid_from: date = strawberry.field(description="First day of validity, inclusive.")
    valid_until: date = strawberry.field(description="Last day of validity, inclusive.")
    revoked_on: date | None = strawberry.field(description="Revoked with effect from this day, inclusive.")
    revocation_reason: str | None
    registered_at: datetime
    updated_at: datetime

    @strawberry.field(description="Every decision of the Secrecy Bureau on this vendor, oldest first.")
    async def history(self, info: strawberry.Info) -> list[SecrecyDecision]:
        lines = await loaders.vendor_decisions(info).load(str(self.vendor_id))
        return [decision_from_domain(line) for line in lines]


def vendor_from_domain(q: qualification.VendorQualification) -> VendorQualification:
    return VendorQualification(
        vendor_id=strawberry.ID(q.vendor_id), vendor_name=q.vendor_name, certificate_number=q.certificate_number,
        grade=q.grade, scopes=sorted(q.scopes, key=lambda s: s.value), valid_from=q.valid_from,
        valid_until=q.valid_until, revoked_on=q.revoked_on, revocation_reason=q.revocation_reason,
        registered_at=q.registered_at, updated_at=q.updated_at)


@strawberry.type(description="R-IMP-2: whether a vendor may take part in a classified project on a day, for a scope.")
class VendorQualificationCheck:
    qualified: bool
    reason: str | None = strawberry.field(description="Why not, when not qualified.")
