"""Test data for the approval domain: a complete dossier, and projects walked to any state by the right actors."""
from __future__ import annotations

from datetime import date, datetime, timezone

from services.approval.domain import construction_plan as plan
from services.approval.domain import dossier as d
from services.approval.domain import model
from services.approval.domain.plan_lifecycle import PlanAction
from services.approval.domain.lifecycle import Action, ProjectStatus
from shared.auth import Department, Identity
from shared.qualifications import QualificationScope

NOW = datetime(2026, 3, 1, 2, 0, tzinfo=timezone.utc)
UNIT = Identity(Department.CONSTRUCTION_UNIT, unit="health-commission", parent_units=("city-government",))
OTHER_UNIT = Identity(Department.CONSTRUCTION_UNIT, unit="education-bureau", parent_units=("city-government",))
PARENT_UNIT = Identity(Department.CONSTRUCTION_UNIT, unit="city-government")
BUREAU = Identity(Department.APPROVAL_BUREAU, unit="approval-bureau")
FINANCE = Identity(Department.FINANCE_BUREAU, unit="finance-service")
LEADING_GROUP = Identity(Department.LEADING_GROUP, unit="leading-group", subject="group-secretary")
CITY_GOVERNMENT = Identity(Department.CITY_GOVERNMENT, unit="city-government-office", subject="mayor-office")
ESTIMATE = 5_000_000_00  # 5M yuan in fen
MAJOR_ESTIMATE = 30_000_000_00


def shares(*pairs):
    return tuple(model.FundShare(source=source, amount=amount) for source, amount in pairs)


def draft(**changes) -> model.ProjectDraft:
    estimate = changes.pop("investment_estimate", ESTIMATE)
    values = dict(name="Health data platform", kind=model.ProjectKind.APPLICATION_SYSTEM_NEW, jurisdiction="CITY",
                  investment_estimate=estimate,
                  fund_sources=shares((model.FundSource.FISCAL, estimate - 1_000_000_00),
                                      (model.FundSource.SELF_RAISED, 1_000_000_00)))
    values.update(changes)
    return model.ProjectDraft(**values)


def complete_dossier(estimate: int = ESTIMATE, **changes) -> dict:
    parts = dict(
        feasibility_study=d.FeasibilityStudy(kind=d.PlanDocumentKind.FEASIBILITY_STUDY, reference="YY-FS-2026-01",
                                             construction_content="a shared health record platform",
                                             investment_estimate=estimate),
        preliminary_design=d.PreliminaryDesign(construction_content="c", implementation_approach="on the city cloud",
                                               sharing_plan="shares records with hospitals",
                                               functional_requirements="f", equipment_selection="none bought"),
        data_sharing=d.DataSharing(
            analysis_chapter="chapter 7",
            catalog=(d.DataResource(name="residents' health records", sharing_class=d.SharingClass.CONDITIONAL,
                                    sharing_conditions="for treating physicians"),
                     d.DataResource(name="clinic directory", sharing_class=d.SharingClass.UNCONDITIONAL)),
            joins_sharing_platform=True, feedback_channel="platform ticket queue"),
        deliverables=d.Deliverables(custom_software=True, hardware_or_mature_software=False),
    )
    parts.update(changes)
    return parts


def act(project, action, payload=None, actor=None, context=model.Context()):
    actor = actor or (BUREAU if Department.APPROVAL_BUREAU in _departments(action) else
                      FINANCE if Department.FINANCE_BUREAU in _departments(action) else UNIT)
    return model.decide(project, action, payload, actor=actor, now=NOW, context=context)[0]


def _departments(action):
    from services.approval.domain.lifecycle import TRANSITIONS

    return TRANSITIONS[action].departments


def plan_step(versions: list[plan.PlanVersion], action: PlanAction, payload=None, actor: Identity = BUREAU,
              now: datetime = NOW) -> list[plan.PlanVersion]:
    """One step of the construction plan by `actor`: the plan's versions after it."""
    version, _ = plan.decide(versions, action, payload, department=actor.department, unit=actor.unit,
                             subject=actor.subject, now=now)
    return [v for v in versions if v.id != version.id] + [version]


def planned(project: model.Project | plan.PlannedProject, amount: int | None = None) -> plan.NewItem:
    if isinstance(project, model.Project):
        project = plan.PlannedProject(id=project.id, jurisdiction=project.jurisdiction, status=project.status.value,
                                      investment=project.investment)
    return plan.NewItem(project=project, planned_amount=amount or project.investment)


def approved_plan(*items: plan.NewItem, versions: list[plan.PlanVersion] = (), jurisdiction: str = "CITY",
                  year: int = 2026) -> list[plan.PlanVersion]:
    """R-PLN-1's path, each step by its department: the Approval Bureau drafts the year's plan (or an amendment of
    the approved one) and puts the items in, and submits it; the Leading Group passes it on; the city government
    approves it."""
    versions = list(versions)
    if versions:
        versions = plan_step(versions, PlanAction.DRAFT_AMENDMENT,
                             plan.Amendment(reason="projects added", version_id=f"v-{len(versions) + 1}"))
    else:
        versions = plan_step(versions, PlanAction.DRAFT, plan.Draft(jurisdiction=jurisdiction, year=year,
                                                                    version_id="v-1"))
    for item in items:
        versions = plan_step(versions, PlanAction.ADD_ITEM, item)
    versions = plan_step(versions, PlanAction.SUBMIT_FOR_REVIEW)
    versions = plan_step(versions, PlanAction.PASS_REVIEW, "in line with the city's overall plan", LEADING_GROUP)
    return plan_step(versions, PlanAction.APPROVE, plan.Approval(approved_on=NOW.date(),
                                                                 document_number="益政函〔2026〕12号"),
                     CITY_GOVERNMENT)


def with_plan(context: model.Context, versions: list[plan.PlanVersion]) -> model.Context:
    """The context of a decision taken while `versions` is the plan, in the plan's year."""
    return context.model_copy(update={"construction_plan": plan.in_force(versions),
                                      "construction_year": versions[-1].year})


QUALIFIED = model.VendorQualification(vendor_id="v-1", scopes=frozenset({QualificationScope.OVERALL_INTEGRATION.value}),
                                      valid_from=date(2025, 1, 1), valid_until=date(2028, 1, 1))
# The project every builder drafts ("p-1") is an item of the approved plan of its jurisdiction and year.
PLAN = approved_plan(planned(plan.PlannedProject(id="p-1", jurisdiction="CITY", status="APPROVED",
                                                 investment=ESTIMATE)))
CONTEXT = with_plan(model.Context(vendor_qualifications={"v-1": QUALIFIED}), PLAN)


def contract(total: int, vendor="v-1", signed_on=date(2026, 6, 1)) -> d.Contract:
    return d.Contract(contract_id="HT-2026-001", contract_sum=total, signed_on=signed_on,
                      vendors=(d.ContractVendor(vendor_id=vendor, name="Xiangjiang Integration Ltd",
                                                scope=QualificationScope.OVERALL_INTEGRATION.value),))


TARGETS = (d.PerformanceTarget(indicator="records shared per day", target="10,000"),
           d.PerformanceTarget(indicator="hospitals connected", target="all 12 city hospitals"))
SUPERVISION = d.Supervision(company="Dongting Supervision Co", company_qualification_number="JL-A-001",
                            lead_name="Li Wei", lead_certificate_number="ZS-2020-88")


def report(kind: d.TestReportKind, **changes) -> d.TestReport:
    values = dict(kind=kind, tester="Hunan Software Testing Center", tester_qualification="CMA 2019-123",
                  report_number=f"R-{kind.value}", issued_on=date(2026, 9, 1))
    values.update(changes)
    return d.TestReport(**values)


def all_documents(*, without=()) -> tuple[d.SubmittedDocument, ...]:
    return tuple(d.SubmittedDocument(kind=k, reference=f"doc-{k.value}") for k in d.AcceptanceDocument
                 if k not in without)


ORDER = [ProjectStatus.DRAFT, ProjectStatus.SUBMITTED, ProjectStatus.APPROVED, ProjectStatus.TECHNICAL_REVIEW_PASSED,
         ProjectStatus.BUDGET_REVIEW_PASSED, ProjectStatus.CONTRACT_SIGNED, ProjectStatus.UNDER_CONSTRUCTION,
         ProjectStatus.INITIAL_ACCEPTANCE_PASSED, ProjectStatus.COMPLETION_ACCEPTANCE_REQUESTED,
         ProjectStatus.ACCEPTED, ProjectStatus.IN_OPERATION, ProjectStatus.CLOSED]


def project_at(status: ProjectStatus, *, classified: bool = False, estimate: int = ESTIMATE) -> model.Project:
    """A project walked through the lifecycle to `status`, each step by the department the law names."""
    project, _ = model.create(draft(investment_estimate=estimate, declared_classified=classified), project_id="p-1",
                              code="CITY-2026-0001", actor=UNIT, now=NOW)
    project = act(project, Action.UPDATE_DOSSIER, complete_dossier(estimate))
    steps = [
        (Action.SUBMIT, None),
        (Action.APPROVE, None),
        ("review", None),
        (Action.RECORD_BUDGET_REVIEW, estimate),
        (Action.RECORD_CONTRACT, contract(estimate)),
        ("construction", None),
        ("initial", None),
        (Action.APPLY_FOR_COMPLETION_ACCEPTANCE, all_documents()),
        (Action.PASS_COMPLETION_ACCEPTANCE, None),
        (Action.START_OPERATION, d.Operation(om_months=36, operating_organisation="IT office",
                                             om_annual_funding=300_000_00, started_on=date(2027, 1, 5))),
        (Action.CLOSE, "end of life"),
    ]
    for step, payload in steps:
        if project.status == status:
            return project
        if step == "review":
            for aspect in d.ReviewAspect:
                project = act(project, Action.RECORD_REVIEW_FINDING, model.ReviewFinding(aspect=aspect, finding="ok"))
            if classified:
                project = project.model_copy(update={"secrecy_review_passed": True})
            project = act(project, Action.CONCLUDE_TECHNICAL_REVIEW,
                          d.ReviewOpinion(opinion="sound", approved_estimate=estimate))
            project = act(project, Action.SET_PERFORMANCE_TARGETS, TARGETS)  # R-PER-1: with the budget
        elif step == "construction":
            if project.is_major():
                project = act(project, Action.RECORD_SUPERVISION, SUPERVISION)
            project = act(project, Action.START_CONSTRUCTION,
                          context=with_plan(model.Context(), approved_plan(planned(project))))
        elif step == "initial":
            project = act(project, Action.RECORD_TEST_REPORT, report(d.TestReportKind.CUSTOM_SOFTWARE))
            if project.is_major():
                for kind in (d.TestReportKind.SOURCE_CODE, d.TestReportKind.DATABASE_SYSTEM,
                             d.TestReportKind.NETWORK_SECURITY_AND_SECRECY):
                    project = act(project, Action.RECORD_TEST_REPORT, report(kind))
            project = act(project, Action.PASS_INITIAL_ACCEPTANCE, "initial acceptance report 2026-10")
        else:
            if step is Action.START_OPERATION and classified:
                project = project.model_copy(update={"pre_use_approved": True})
            project = act(project, step, payload, context=CONTEXT)
    assert project.status == status, (project.status, status)
    return project
