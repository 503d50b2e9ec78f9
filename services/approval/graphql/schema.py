"""The approval subgraph: queries and mutations. Resolvers are thin: build a command, call its handler."""
from __future__ import annotations

import base64
from typing import Any

import strawberry

from services.approval import handlers
from services.approval.adapters import orm
from services.approval.adapters.repository import ProjectFilter, ProjectRepository, classified_among
from services.approval.domain import dossier as d
from services.approval.domain import model
from services.approval.domain.lifecycle import APPLICANTS, TRANSITIONS, Action
from services.approval.domain import publicity
from services.approval.graphql import inputs as i
from services.approval.graphql.plan_schema import PlanMutation, PlanQuery
from services.approval.graphql.published import PublishedProject, PublishedQuery
from services.approval.graphql.types import HistoryEntry, Project, from_domain, project_loader
from services.approval.graphql.webhooks import WebhookMutation, WebhookQuery
from services.approval.graphql.work import WorkQuery, WorkQueue
from shared.clock import china_date, utc_now
from shared.errors import DomainError, Violation
from shared.auth import Department
from shared.graphql import Fen, Unauthenticated, UserError, decision, run_command, subgraph_schema
from shared.trail_graphql import trail_fields


@strawberry.type
class ProjectPayload:
    project: Project | None
    user_errors: list[UserError]


@strawberry.type
class ProjectEdge:
    cursor: str
    node: Project


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class ProjectConnection:
    edges: list[ProjectEdge]
    page_info: PageInfo
    total_count: int


def _cursor(code: str) -> str:
    return base64.urlsafe_b64encode(code.encode()).decode()


def _after(cursor: str | None) -> str | None:
    return base64.urlsafe_b64decode(cursor.encode()).decode() if cursor else None


async def _act(info: strawberry.Info, project_id: strawberry.ID, action: Action, payload: Any = None,
               convert=None) -> ProjectPayload:
    """Convert the input (input errors are user errors too), run the action, map the outcome."""
    runtime = info.context.runtime
    if info.context.identity.is_public:
        raise Unauthenticated(f"{action.value.lower().replace('_', ' ')} needs a signed-in caller")

    async def command():
        value = convert() if convert else payload
        return await handlers.act(runtime.uow, str(project_id), action, info.context.identity, value,
                                  major_threshold=runtime.settings.major_project_threshold)

    result, errors = await run_command(command())
    return ProjectPayload(project=from_domain(result) if result else None, user_errors=errors)


def _pydantic(value):
    """Turn an input into its domain value; a value the domain model refuses becomes an INVALID user error."""
    try:
        return value.to_pydantic()
    except ValueError as error:
        raise DomainError(Violation("INVALID", ("input",), str(error))) from error


@strawberry.type
class Query(PlanQuery, PublishedQuery, WorkQuery, WebhookQuery):
    @strawberry.field(description="A project visible to you, or null.")
    async def project(self, info: strawberry.Info, id: strawberry.ID) -> Project | None:
        found = await project_loader(info).load(str(id))
        return from_domain(found) if found else None

    @strawberry.field(description="Projects visible to you that match the filter, in project-code order.")
    async def projects(self, info: strawberry.Info, filter: i.ProjectFilterInput | None = None, first: int = 50,
                       after: str | None = None) -> ProjectConnection:
        f = filter or i.ProjectFilterInput()
        criteria = ProjectFilter(statuses=tuple(f.statuses or ()), unit=f.unit, jurisdiction=f.jurisdiction,
                                 year=f.year, kinds=tuple(k.value for k in f.kinds or ()),
                                 min_investment=f.min_investment, max_investment=f.max_investment,
                                 classified=f.classified)
        first = max(1, min(first, 200))
        async with info.context.runtime.reads() as session:
            page, total = await ProjectRepository(session).find(info.context.identity, criteria, limit=first + 1,
                                                                after_code=_after(after))
        edges = [ProjectEdge(cursor=_cursor(p.code), node=from_domain(p)) for p in page[:first]]
        return ProjectConnection(edges=edges, total_count=total,
                                 page_info=PageInfo(has_next_page=len(page) > first,
                                                    end_cursor=edges[-1].cursor if edges else None))

    approval_trail, approval_trail_verification = trail_fields("approval", Department.APPROVAL_BUREAU, orm.trail,
                                                                classified_among)


@strawberry.type
class Mutation(PlanMutation, WebhookMutation):
    @decision(APPLICANTS,
              description="A construction unit drafts a project (status DRAFT).")
    async def create_project(self, info: strawberry.Info, input: i.CreateProjectInput) -> ProjectPayload:
        draft = model.ProjectDraft(
            name=input.name, kind=input.kind, jurisdiction=input.jurisdiction,
            investment_estimate=input.investment_estimate,
            fund_sources=tuple(model.FundShare(source=f.source, amount=f.amount) for f in input.fund_sources),
            declared_classified=input.declared_classified, city_decided=input.city_decided)
        if info.context.identity.is_public:
            raise Unauthenticated("drafting a project needs a signed-in construction unit")
        result, errors = await run_command(handlers.create_project(info.context.runtime.uow, draft,
                                                                   info.context.identity))
        return ProjectPayload(project=from_domain(result) if result else None, user_errors=errors)

    @decision(TRANSITIONS[Action.UPDATE_DOSSIER].departments,
              description="R-APP-1: the unit sets parts of its dossier while the project is a draft.")
    async def update_dossier(self, info: strawberry.Info, id: strawberry.ID, input: i.DossierInput) -> ProjectPayload:
        def parts():
            given = {}
            for name in ("feasibility_study", "preliminary_design", "data_sharing", "deliverables"):
                if getattr(input, name) is not None:
                    given[name] = _pydantic(getattr(input, name))
            if input.infrastructure_requests is not None:
                given["infrastructure_requests"] = tuple(_pydantic(r) for r in input.infrastructure_requests)
            if input.yearly_plan is not None:
                given["yearly_plan"] = tuple(_pydantic(y) for y in input.yearly_plan)
            if input.cross_year is not None:
                given["cross_year"] = input.cross_year
            return given

        return await _act(info, id, Action.UPDATE_DOSSIER, convert=parts)

    @decision(TRANSITIONS[Action.RECORD_INFRASTRUCTURE_EXEMPTION].departments,
              description="R-GEN-2: the Approval Bureau exempts an infrastructure request, with a reason.")
    async def record_infrastructure_exemption(self, info: strawberry.Info, id: strawberry.ID,
                                              kind: d.InfrastructureKind, reason: str) -> ProjectPayload:
        return await _act(info, id, Action.RECORD_INFRASTRUCTURE_EXEMPTION, model.Exemption(kind=kind, reason=reason))

    @decision(TRANSITIONS[Action.FLAG_MAJOR].departments,
              description="R-IMP-4: the Approval Bureau flags a project as major.")
    async def flag_major_project(self, info: strawberry.Info, id: strawberry.ID, reason: str) -> ProjectPayload:
        return await _act(info, id, Action.FLAG_MAJOR, reason)

    @decision(TRANSITIONS[Action.SUBMIT].departments,
              description="R-APP-1: submit for approval (立项审查); refused with the list of what is missing.")
    async def submit_project(self, info: strawberry.Info, id: strawberry.ID) -> ProjectPayload:
        return await _act(info, id, Action.SUBMIT)

    @decision(TRANSITIONS[Action.APPROVE].departments,
              description="R-APP-2: the Approval Bureau approves the project (立项审批).")
    async def approve_project(self, info: strawberry.Info, id: strawberry.ID) -> ProjectPayload:
        return await _act(info, id, Action.APPROVE)

    @decision(TRANSITIONS[Action.REJECT].departments,
              description="R-APP-2: the Approval Bureau rejects the project, giving its reasons.")
    async def reject_project(self, info: strawberry.Info, id: strawberry.ID, reasons: list[str]) -> ProjectPayload:
        return await _act(info, id, Action.REJECT, tuple(reasons))

    @decision(TRANSITIONS[Action.REVISE].departments,
              description="R-APP-2: the unit takes a rejected project back to draft to revise it.")
    async def revise_project(self, info: strawberry.Info, id: strawberry.ID) -> ProjectPayload:
        return await _act(info, id, Action.REVISE)

    @decision(TRANSITIONS[Action.RECORD_REVIEW_FINDING].departments,
              description="R-REV-1: the Approval Bureau records its finding on one review aspect.")
    async def record_review_finding(self, info: strawberry.Info, id: strawberry.ID, aspect: d.ReviewAspect,
                                    finding: str) -> ProjectPayload:
        return await _act(info, id, Action.RECORD_REVIEW_FINDING, model.ReviewFinding(aspect=aspect, finding=finding))

    @decision(TRANSITIONS[Action.CONCLUDE_TECHNICAL_REVIEW].departments,
              description="R-REV-1, R-REV-3: the technical review ends in an opinion and approved estimate.")
    async def conclude_technical_review(self, info: strawberry.Info, id: strawberry.ID, opinion: str,
                                        approved_estimate: Fen) -> ProjectPayload:
        return await _act(info, id, Action.CONCLUDE_TECHNICAL_REVIEW,
                          d.ReviewOpinion(opinion=opinion, approved_estimate=approved_estimate))

    @decision(TRANSITIONS[Action.RECORD_CONTRACT].departments,
              description="R-IMP-1, R-IMP-2: the unit records the procurement contract.")
    async def record_contract(self, info: strawberry.Info, id: strawberry.ID, input: i.ContractInput) -> ProjectPayload:
        return await _act(info, id, Action.RECORD_CONTRACT, convert=lambda: _pydantic(input))

    @decision(TRANSITIONS[Action.RECORD_SUPERVISION].departments,
              description="R-IMP-4: the unit names the supervision company and its certified lead.")
    async def record_supervision(self, info: strawberry.Info, id: strawberry.ID,
                                 input: i.SupervisionInput) -> ProjectPayload:
        return await _act(info, id, Action.RECORD_SUPERVISION, convert=lambda: _pydantic(input))

    @decision(TRANSITIONS[Action.START_CONSTRUCTION].departments,
              description="R-IMP-4: construction starts (a major project needs its supervision first).")
    async def start_construction(self, info: strawberry.Info, id: strawberry.ID) -> ProjectPayload:
        return await _act(info, id, Action.START_CONSTRUCTION)

    @decision(TRANSITIONS[Action.REQUEST_CHANGE].departments,
              description="R-IMP-3: the unit submits a change plan for the Approval Bureau's decision.")
    async def request_change(self, info: strawberry.Info, id: strawberry.ID, plan: str) -> ProjectPayload:
        return await _act(info, id, Action.REQUEST_CHANGE, handlers.new_change(plan, d.ChangeStatus.REQUESTED))

    @decision(TRANSITIONS[Action.APPROVE_CHANGE].departments,
              description="R-IMP-3: the Approval Bureau approves a change plan.")
    async def approve_change(self, info: strawberry.Info, id: strawberry.ID, change_id: str) -> ProjectPayload:
        return await _act(info, id, Action.APPROVE_CHANGE, change_id)

    @decision(TRANSITIONS[Action.REJECT_CHANGE].departments,
              description="R-IMP-3: the Approval Bureau rejects a change plan, with reasons.")
    async def reject_change(self, info: strawberry.Info, id: strawberry.ID, change_id: str,
                            reasons: list[str]) -> ProjectPayload:
        return await _act(info, id, Action.REJECT_CHANGE, (change_id, tuple(reasons)))

    @decision(TRANSITIONS[Action.RECORD_UNAUTHORIZED_CHANGE].departments,
              description="R-IMP-3: the Approval Bureau records a change made without approval.")
    async def record_unauthorized_change(self, info: strawberry.Info, id: strawberry.ID,
                                         description: str) -> ProjectPayload:
        return await _act(info, id, Action.RECORD_UNAUTHORIZED_CHANGE,
                          handlers.new_change(description, d.ChangeStatus.UNAUTHORIZED))

    @decision(TRANSITIONS[Action.RECORD_TEST_REPORT].departments,
              description="R-ACC-1, R-ACC-2: the unit records a test report.")
    async def record_test_report(self, info: strawberry.Info, id: strawberry.ID,
                                 input: i.TestReportInput) -> ProjectPayload:
        return await _act(info, id, Action.RECORD_TEST_REPORT, convert=lambda: _pydantic(input))

    @decision(TRANSITIONS[Action.PASS_INITIAL_ACCEPTANCE].departments,
              description="R-ACC-3, R-ACC-1: the unit's initial acceptance (初步验收) passed.")
    async def pass_initial_acceptance(self, info: strawberry.Info, id: strawberry.ID,
                                      report_reference: str) -> ProjectPayload:
        return await _act(info, id, Action.PASS_INITIAL_ACCEPTANCE, report_reference)

    @decision(TRANSITIONS[Action.APPLY_FOR_COMPLETION_ACCEPTANCE].departments,
              description="R-ACC-4: the unit applies for completion acceptance with its documents.")
    async def apply_for_completion_acceptance(self, info: strawberry.Info, id: strawberry.ID,
                                              documents: list[i.SubmittedDocumentInput]) -> ProjectPayload:
        return await _act(info, id, Action.APPLY_FOR_COMPLETION_ACCEPTANCE,
                          convert=lambda: tuple(_pydantic(x) for x in documents))

    @decision(TRANSITIONS[Action.PASS_COMPLETION_ACCEPTANCE].departments,
              description="R-ACC-4, R-AUD-3: the Approval Bureau passes completion acceptance.")
    async def pass_completion_acceptance(self, info: strawberry.Info, id: strawberry.ID) -> ProjectPayload:
        return await _act(info, id, Action.PASS_COMPLETION_ACCEPTANCE)

    @decision(TRANSITIONS[Action.REFUSE_COMPLETION_ACCEPTANCE].departments,
              description="R-ACC-4: the Approval Bureau refuses completion acceptance, with reasons.")
    async def refuse_completion_acceptance(self, info: strawberry.Info, id: strawberry.ID,
                                           reasons: list[str]) -> ProjectPayload:
        return await _act(info, id, Action.REFUSE_COMPLETION_ACCEPTANCE, tuple(reasons))

    @decision(TRANSITIONS[Action.START_OPERATION].departments,
              description="R-ACC-5, R-OPS-1: formal operation begins, with its O&M arrangements.")
    async def start_operation(self, info: strawberry.Info, id: strawberry.ID, input: i.OperationInput) -> ProjectPayload:
        def operation():
            try:
                return d.Operation(om_months=input.om_months, operating_organisation=input.operating_organisation,
                                   om_annual_funding=input.om_annual_funding, started_on=china_date(utc_now()))
            except ValueError as error:
                raise DomainError(Violation("R-OPS-1", ("input", "omMonths"), str(error))) from error

        return await _act(info, id, Action.START_OPERATION, convert=operation)

    @decision(TRANSITIONS[Action.SET_PERFORMANCE_TARGETS].departments,
              description="R-PER-1: the unit sets its performance targets with the budget.")
    async def set_performance_targets(self, info: strawberry.Info, id: strawberry.ID,
                                      targets: list[i.PerformanceTargetInput]) -> ProjectPayload:
        return await _act(info, id, Action.SET_PERFORMANCE_TARGETS,
                          convert=lambda: tuple(_pydantic(t) for t in targets))

    @decision(TRANSITIONS[Action.RECORD_PROGRESS].departments,
              description="R-PER-1: the unit reports progress against a target during construction.")
    async def record_progress(self, info: strawberry.Info, id: strawberry.ID, indicator: str,
                              actual: str) -> ProjectPayload:
        return await _act(info, id, Action.RECORD_PROGRESS, d.ProgressReport(
            indicator=indicator, actual=actual, reported_on=china_date(utc_now())))

    @decision(TRANSITIONS[Action.FILE_SELF_EVALUATION].departments,
              description="R-PER-2: the unit files a year's performance self-evaluation (自评).")
    async def file_self_evaluation(self, info: strawberry.Info, id: strawberry.ID, year: int, report: str,
                                   claims_targets_met: bool) -> ProjectPayload:
        return await _act(info, id, Action.FILE_SELF_EVALUATION, d.PerformanceCycle(
            year=year, self_evaluation=report, claims_targets_met=claims_targets_met))

    @decision(TRANSITIONS[Action.REVIEW_PERFORMANCE].departments,
              description="R-PER-2: the Approval Bureau's experts review a year's self-evaluation.")
    async def review_performance(self, info: strawberry.Info, id: strawberry.ID, year: int, targets_met: bool,
                                 opinion: str) -> ProjectPayload:
        return await _act(info, id, Action.REVIEW_PERFORMANCE,
                          d.PerformanceReview(year=year, targets_met=targets_met, opinion=opinion))

    @decision(TRANSITIONS[Action.REPORT_RECTIFICATION].departments,
              description="R-PER-2: the unit reports the rectification of missed targets (整改).")
    async def report_rectification(self, info: strawberry.Info, id: strawberry.ID, year: int,
                                   report: str) -> ProjectPayload:
        return await _act(info, id, Action.REPORT_RECTIFICATION, (year, report))

    @decision(TRANSITIONS[Action.CONFIRM_RECTIFICATION].departments,
              description="R-PER-2: the Approval Bureau confirms the rectification is done.")
    async def confirm_rectification(self, info: strawberry.Info, id: strawberry.ID, year: int) -> ProjectPayload:
        return await _act(info, id, Action.CONFIRM_RECTIFICATION, year)

    @decision(TRANSITIONS[Action.WITHHOLD_PUBLICATION].departments,
              description="R-PUB-1: the Approval Bureau withholds a project from publication, citing the law that "
                          "forbids its disclosure and why (reversible with releasePublication).")
    async def withhold_publication(self, info: strawberry.Info, id: strawberry.ID, law: str,
                                   reason: str) -> ProjectPayload:
        return await _act(info, id, Action.WITHHOLD_PUBLICATION,
                          publicity.WithholdPublication(law=law, reason=reason))

    @decision(TRANSITIONS[Action.RELEASE_PUBLICATION].departments,
              description="R-PUB-1: the Approval Bureau releases a withheld project: it is published again.")
    async def release_publication(self, info: strawberry.Info, id: strawberry.ID, reason: str) -> ProjectPayload:
        return await _act(info, id, Action.RELEASE_PUBLICATION, publicity.ReleasePublication(reason=reason))

    @decision(TRANSITIONS[Action.CLOSE].departments,
              description="The Approval Bureau closes a project in operation.")
    async def close_project(self, info: strawberry.Info, id: strawberry.ID, reason: str) -> ProjectPayload:
        return await _act(info, id, Action.CLOSE, reason)


def create_schema():
    return subgraph_schema(query=Query, mutation=Mutation, types=[HistoryEntry, PublishedProject, WorkQueue])

