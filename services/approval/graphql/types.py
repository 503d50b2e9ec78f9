"""The approval subgraph's types. It owns the core fields of the federated `Project` entity.

Value types mirror the domain's pydantic models (strawberry's pydantic integration); amounts are `Fen`.
"""
from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.experimental.pydantic import input as pydantic_input
from strawberry.experimental.pydantic import type as pydantic_type

from services.approval.adapters.repository import ProjectRepository
from services.approval.graphql.actions import LifecycleAction, lifecycle_actions
from services.approval.domain import dossier as d
from services.approval.domain import model
from services.approval.domain.lifecycle import ProjectStatus
from services.approval.domain.rules import submission_problems
from shared.errors import DomainError
from shared.graphql import Fen, UserError, user_errors

ProjectStatusEnum = strawberry.enum(ProjectStatus, name="ProjectStatus", description="Where a project is in its lifecycle.")
ProjectKindEnum = strawberry.enum(model.ProjectKind, name="ProjectKind", description="R-GEN-1: what the project builds.")
FundSourceEnum = strawberry.enum(model.FundSource, name="FundSource", description="Article 3: where the money comes from.")
for enum in (d.PlanDocumentKind, d.SharingClass, d.InfrastructureKind, d.ReviewAspect, d.ChangeStatus,
             d.TestReportKind, d.AcceptanceDocument, d.Rectification):
    strawberry.enum(enum)


def mirror(domain_model, *, money: tuple[str, ...] = (), name: str | None = None, as_input: bool = False):
    """A strawberry type (or input) with every field of `domain_model`; the fields named in `money` are Fen."""
    decorator = pydantic_input if as_input else pydantic_type
    namespace = {"__annotations__": {field: Fen for field in money}}
    cls = type(name or domain_model.__name__ + ("Input" if as_input else ""), (), namespace)
    return decorator(model=domain_model, all_fields=True, name=cls.__name__)(cls)


FundShare = mirror(model.FundShare, money=("amount",))
FeasibilityStudy = mirror(d.FeasibilityStudy, money=("investment_estimate",))
PreliminaryDesign = mirror(d.PreliminaryDesign)
DataResource = mirror(d.DataResource)
DataSharing = mirror(d.DataSharing)
InfrastructureRequest = mirror(d.InfrastructureRequest)
YearlyExpenditure = mirror(d.YearlyExpenditure, money=("amount",))
Deliverables = mirror(d.Deliverables)
Dossier = mirror(d.Dossier)
Exemption = mirror(model.Exemption)
ReviewFinding = mirror(model.ReviewFinding)
ReviewOpinion = mirror(d.ReviewOpinion, money=("approved_estimate",))
ContractVendor = mirror(d.ContractVendor)
Contract = mirror(d.Contract, money=("contract_sum",))
Supervision = mirror(d.Supervision)
Change = mirror(d.Change)
TestReport = mirror(d.TestReport)
SubmittedDocument = mirror(d.SubmittedDocument)
Operation = mirror(d.Operation, money=("om_annual_funding",))
PerformanceTarget = mirror(d.PerformanceTarget)
ProgressReport = mirror(d.ProgressReport)
PerformanceCycle = mirror(d.PerformanceCycle)
HistoryEntry = mirror(model.HistoryEntry, name="HistoryEntry")


def project_loader(info: strawberry.Info) -> DataLoader:
    """Projects by id, batched per request, each visible to the caller or None (as if it did not exist)."""
    context = info.context

    async def load(ids: list[str]) -> list[model.Project | None]:
        async with context.runtime.reads() as session:
            found = await ProjectRepository(session).get_visible(ids, context.identity)
        return [found.get(i) for i in ids]

    return context.loader("projects", lambda: DataLoader(load))


@strawberry.federation.type(keys=["id"], description="An IT project (新型智慧城市和电子政务项目), keyed by its stable id.")
class Project:
    id: strawberry.ID
    record: strawberry.Private[model.Project]

    @strawberry.field(description="The project code (项目编号) clerks quote: jurisdiction-year-number.")
    def code(self) -> str:
        return self.record.code

    @strawberry.field
    def name(self) -> str:
        return self.record.name

    @strawberry.field
    def kind(self) -> ProjectKindEnum:
        return self.record.kind

    @strawberry.field
    def jurisdiction(self) -> str:
        return self.record.jurisdiction

    @strawberry.field(description="The construction unit (项目建设单位) that owns the project.")
    def unit_id(self) -> str:
        return self.record.unit_id

    @strawberry.field
    def status(self) -> ProjectStatusEnum:
        return self.record.status

    @strawberry.field(description="The investment estimate the unit submitted, in fen.")
    def investment_estimate(self) -> Fen:
        return self.record.investment_estimate

    @strawberry.field(description="The approved estimate once the technical review set it, else the submitted one.")
    def investment(self) -> Fen:
        return self.record.investment

    @strawberry.field
    def fund_sources(self) -> list[FundShare]:
        return [FundShare.from_pydantic(s) for s in self.record.fund_sources]

    @strawberry.field(description="The unit declared the project classified (涉密) at submission.")
    def declared_classified(self) -> bool:
        return self.record.declared_classified

    @strawberry.field(description="Classified, as the Secrecy Bureau decided (the declaration until it does).")
    def classified(self) -> bool:
        return self.record.classified

    @strawberry.field(description="Decided by the city government (else self-funded, R-FIN-3).")
    def city_decided(self) -> bool:
        return self.record.city_decided

    @strawberry.field(description="R-IMP-4: a major project (重大项目).")
    def major(self, info: strawberry.Info) -> bool:
        return self.record.is_major(info.context.runtime.settings.major_project_threshold)

    @strawberry.field
    def major_flag_reason(self) -> str | None:
        return self.record.major_flag_reason

    @strawberry.field
    def dossier(self) -> Dossier:
        return Dossier.from_pydantic(self.record.dossier)

    @strawberry.field(description="R-APP-1: what a submission would be refused for now (empty: ready to submit).")
    def submission_problems(self) -> list[UserError]:
        problems = submission_problems(self.record, None, None)
        return user_errors(DomainError(problems)) if problems else []

    @strawberry.field(description="What your department may do to the project by the lifecycle's table (Article 5), "
                                  "each marked available when the project's state allows it now.")
    def lifecycle_actions(self, info: strawberry.Info) -> list[LifecycleAction]:
        return lifecycle_actions(self.record.status, info.context.identity)

    @strawberry.field(description="R-GEN-2: infrastructure exemptions recorded by the Approval Bureau.")
    def exemptions(self) -> list[Exemption]:
        return [Exemption.from_pydantic(e) for e in self.record.exemptions]

    @strawberry.field(description="R-REV-1: the technical review's findings, one per aspect.")
    def review_findings(self) -> list[ReviewFinding]:
        return [ReviewFinding.from_pydantic(f) for f in self.record.review_findings]

    @strawberry.field(description="R-REV-1: the review opinion (审查意见) with the approved estimate.")
    def review_opinion(self) -> ReviewOpinion | None:
        return ReviewOpinion.from_pydantic(self.record.opinion) if self.record.opinion else None

    @strawberry.field(description="R-REV-3: the Secrecy Bureau's secrecy review has passed.")
    def secrecy_review_passed(self) -> bool:
        return self.record.secrecy_review_passed

    @strawberry.field(description="R-REV-2: the budget approved by Finance's budget review report, in fen.")
    def approved_budget(self) -> Fen | None:
        return self.record.approved_budget

    @strawberry.field
    def contract(self) -> Contract | None:
        return Contract.from_pydantic(self.record.contract) if self.record.contract else None

    @strawberry.field
    def supervision(self) -> Supervision | None:
        return Supervision.from_pydantic(self.record.supervision) if self.record.supervision else None

    @strawberry.field(description="R-IMP-3: change requests and changes made without approval.")
    def changes(self) -> list[Change]:
        return [Change.from_pydantic(c) for c in self.record.changes]

    @strawberry.field
    def test_reports(self) -> list[TestReport]:
        return [TestReport.from_pydantic(r) for r in self.record.test_reports]

    @strawberry.field
    def initial_acceptance_report(self) -> str | None:
        return self.record.initial_acceptance_report

    @strawberry.field
    def acceptance_documents(self) -> list[SubmittedDocument]:
        return [SubmittedDocument.from_pydantic(x) for x in self.record.acceptance_documents]

    @strawberry.field(description="Why the last completion-acceptance application was refused.")
    def refusal_reasons(self) -> list[str]:
        return list(self.record.refusal_reasons)

    @strawberry.field
    def accepted_at(self) -> datetime | None:
        return self.record.accepted_at

    @strawberry.field(description="R-ACC-5: the Secrecy Bureau's review before use has passed.")
    def pre_use_approved(self) -> bool:
        return self.record.pre_use_approved

    @strawberry.field
    def operation(self) -> Operation | None:
        return Operation.from_pydantic(self.record.operation) if self.record.operation else None

    @strawberry.field(description="R-PER-1: the performance targets (绩效目标) set with the budget.")
    def performance_targets(self) -> list[PerformanceTarget]:
        return [PerformanceTarget.from_pydantic(t) for t in self.record.performance_targets]

    @strawberry.field(description="R-PER-1: progress reported against the targets during construction.")
    def progress(self) -> list[ProgressReport]:
        return [ProgressReport.from_pydantic(r) for r in self.record.progress]

    @strawberry.field(description="R-PER-2: each year's self-evaluation, expert review and rectification.")
    def performance_cycles(self) -> list[PerformanceCycle]:
        return [PerformanceCycle.from_pydantic(c) for c in self.record.performance_cycles]

    @strawberry.field
    def created_at(self) -> datetime:
        return self.record.created_at

    @strawberry.field
    def updated_at(self) -> datetime:
        return self.record.updated_at

    @strawberry.field(description="Every action on the project: who, when, what, why.")
    async def history(self, info: strawberry.Info) -> list[HistoryEntry]:
        async with info.context.runtime.reads() as session:
            entries = await ProjectRepository(session).history_of(self.record.id)
        return [HistoryEntry.from_pydantic(e) for e in entries]

    @classmethod
    async def resolve_reference(cls, info: strawberry.Info, id: strawberry.ID) -> "Project | None":
        project = await project_loader(info).load(str(id))
        return from_domain(project) if project else None


def from_domain(project: model.Project) -> Project:
    return Project(id=strawberry.ID(project.id), record=project)
