"""The rules each action must satisfy (guards) and what each action changes (effects). Pure functions.

A guard returns every violation it finds, so a clerk sees the whole list at once; each names its rule and field.
"""
from __future__ import annotations

from collections.abc import Iterable

from services.approval.domain.dossier import (
    AcceptanceDocument, ChangeStatus, ReviewAspect, SharingClass, TestReportKind,
)
from services.approval.domain import performance, publicity
from services.approval.domain.construction_plan import construction_problems
from services.approval.domain.lifecycle import Action
from shared.errors import DomainError, Violation
from shared.jurisdictions import JURISDICTIONS
from shared.qualifications import qualification_problem
from shared.text import non_blank

THIRD_PARTY_TESTS = {TestReportKind.CUSTOM_SOFTWARE, TestReportKind.SOURCE_CODE, TestReportKind.DATABASE_SYSTEM,
                     TestReportKind.NETWORK_SECURITY_AND_SECRECY}
MAJOR_PROJECT_TESTS = (TestReportKind.SOURCE_CODE, TestReportKind.DATABASE_SYSTEM,
                       TestReportKind.NETWORK_SECURITY_AND_SECRECY)
MIN_OM_MONTHS = 36  # R-OPS-1: 不少于3年


def raise_if(problems: Iterable[Violation]) -> None:
    problems = list(problems)
    if problems:
        raise DomainError(problems)


def v(code: str, message: str, *field: str) -> Violation:
    return Violation(code, tuple(field) or None, message)


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def draft_problems(name, jurisdiction, estimate, fund_sources, at: tuple[str, ...]) -> list[Violation]:
    """The project's basic facts (R-APP-1: fund sources and estimate)."""
    problems = []
    if _blank(name):
        problems.append(v("R-APP-1", "the project needs a name", *at, "name"))
    if jurisdiction not in JURISDICTIONS:
        problems.append(v("INVALID", f"unknown jurisdiction {jurisdiction}; one of {', '.join(JURISDICTIONS)}",
                          *at, "jurisdiction"))
    if estimate <= 0:
        problems.append(v("R-APP-1", "the investment estimate must be positive", *at, "investmentEstimate"))
    if not fund_sources:
        problems.append(v("R-APP-1", "name at least one fund source with its amount", *at, "fundSources"))
    seen = set()
    for index, (source, amount) in enumerate(fund_sources):
        if source in seen:
            problems.append(v("INVALID", f"{source} is listed twice; give each source once with its total",
                              *at, "fundSources", str(index), "source"))
        seen.add(source)
        if amount <= 0:
            problems.append(v("R-APP-1", "a fund source's amount must be positive",
                              *at, "fundSources", str(index), "amount"))
    total = sum(amount for _, amount in fund_sources)
    if fund_sources and estimate > 0 and total != estimate:
        problems.append(v("R-APP-1", f"the fund sources add up to {total} fen but the estimate is {estimate} fen; "
                                     "they must be equal", *at, "fundSources"))
    return problems


def submission_problems(project, _payload, _context) -> list[Violation]:
    """R-APP-1, R-APP-3, R-GEN-2, R-GEN-3: everything a submission must carry, all missing items at once."""
    d = project.dossier
    problems = draft_problems(project.name, project.jurisdiction, project.investment_estimate,
                              [(s.source.value, s.amount) for s in project.fund_sources], ())
    if d.feasibility_study is None:
        problems.append(v("R-APP-1", "the feasibility study report or construction plan is missing", "feasibilityStudy"))
    else:
        for name in ("reference", "construction_content"):
            if _blank(getattr(d.feasibility_study, name)):
                problems.append(v("R-APP-1", f"the feasibility study lacks its {name.replace('_', ' ')}",
                                  "feasibilityStudy", _camel(name)))
    if d.preliminary_design is None:
        problems.append(v("R-APP-1", "the preliminary design is missing", "preliminaryDesign"))
    else:
        for name in ("construction_content", "implementation_approach", "sharing_plan", "functional_requirements",
                     "equipment_selection"):
            if _blank(getattr(d.preliminary_design, name)):
                problems.append(v("R-APP-1", f"the preliminary design lacks its {name.replace('_', ' ')}",
                                  "preliminaryDesign", _camel(name)))
    if d.data_sharing is None:
        problems.append(v("R-APP-1", "the data-resource sharing analysis and catalog are missing", "dataSharing"))
    else:
        problems += _sharing_problems(d.data_sharing)
    if d.deliverables is None:
        problems.append(v("R-APP-1", "say what the project delivers (custom software, hardware or mature "
                                     "software): it decides the tests at acceptance", "deliverables"))
    exempted = {e.kind for e in project.exemptions}
    for index, request in enumerate(d.infrastructure_requests):
        if request.kind not in exempted:
            problems.append(v("R-GEN-2", f"projects build on the city government cloud: a {request.kind.value} of "
                                         "its own needs the Approval Bureau's recorded exemption",
                              "infrastructureRequests", str(index)))
    problems += _yearly_plan_problems(project)
    return problems


def _sharing_problems(sharing) -> list[Violation]:
    problems = []
    if _blank(sharing.analysis_chapter):
        problems.append(v("R-APP-1", "the data-resource sharing analysis chapter is missing",
                          "dataSharing", "analysisChapter"))
    if not sharing.catalog:
        problems.append(v("R-APP-1", "the data-resource catalog is empty", "dataSharing", "catalog"))
    for index, resource in enumerate(sharing.catalog):
        at = ("dataSharing", "catalog", str(index))
        if _blank(resource.name):
            problems.append(v("R-GEN-3", "a catalog entry needs a name", *at, "name"))
        if resource.sharing_class is SharingClass.NOT_SHARED and _blank(resource.legal_basis):
            problems.append(v("R-GEN-3", f"{resource.name}: not sharing needs a stated legal basis",
                              *at, "legalBasis"))
        if resource.sharing_class is SharingClass.CONDITIONAL and _blank(resource.sharing_conditions):
            problems.append(v("R-GEN-3", f"{resource.name}: conditional sharing must state its conditions",
                              *at, "sharingConditions"))
        if resource.sharing_class is SharingClass.UNCONDITIONAL and resource.open_to_specific_enterprises_only:
            problems.append(v("R-GEN-3", f"{resource.name}: data for general sharing may not be opened to "
                                         "specific enterprises only", *at, "openToSpecificEnterprisesOnly"))
    if not sharing.joins_sharing_platform:
        problems.append(v("R-GEN-3", "the project must join the city's data-resource sharing platform",
                          "dataSharing", "joinsSharingPlatform"))
    if _blank(sharing.feedback_channel):
        problems.append(v("R-GEN-3", "name the feedback channel on how the shared data is used",
                          "dataSharing", "feedbackChannel"))
    return problems


def _yearly_plan_problems(project) -> list[Violation]:
    """R-APP-3: a cross-year project applies once, with its yearly expenditure plan."""
    d = project.dossier
    if not d.cross_year:
        return []
    plan = d.yearly_plan
    years = [y.year for y in plan]
    problems = []
    if len(set(years)) < 2:
        problems.append(v("R-APP-3", "a cross-year project states its expenditure for each of its years (two or "
                                     "more)", "yearlyPlan"))
    if len(set(years)) != len(years):
        problems.append(v("R-APP-3", "each year appears once in the yearly plan", "yearlyPlan"))
    if any(y.amount < 0 for y in plan):
        problems.append(v("R-APP-3", "a year's planned expenditure cannot be negative", "yearlyPlan"))
    total = sum(y.amount for y in plan)
    if plan and total != project.investment_estimate:
        problems.append(v("R-APP-3", f"the yearly plan adds up to {total} fen, not the estimate of "
                                     f"{project.investment_estimate} fen", "yearlyPlan"))
    return problems


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def needs_reasons(rule: str):
    def guard(_project, reasons, _context) -> list[Violation]:
        if not [r for r in reasons or () if r.strip()]:
            return [v(rule, "give the reasons", "reasons")]
        return []

    return guard


def needs_text(rule: str, field: str):
    def guard(_project, text, _context) -> list[Violation]:
        return [v(rule, f"{field} must not be empty", field)] if _blank(text) else []

    return guard


def conclude_review_problems(project, opinion, _context) -> list[Violation]:
    """R-REV-1: every aspect judged, an opinion with an approved estimate; R-REV-3 for a classified project."""
    problems = []
    judged = {f.aspect for f in project.review_findings}
    missing = [a.value for a in ReviewAspect if a not in judged]
    if missing:
        problems.append(v("R-REV-1", f"the technical review has not judged: {', '.join(missing)}", "findings"))
    if _blank(opinion.opinion):
        problems.append(v("R-REV-1", "the review opinion (审查意见) is empty", "opinion"))
    if opinion.approved_estimate <= 0:
        problems.append(v("R-REV-1", "the approved estimate must be positive", "approvedEstimate"))
    if project.classified and not project.secrecy_review_passed:
        problems.append(v("R-REV-3", "a classified project's technical review cannot conclude before the "
                                     "Secrecy Bureau's secrecy review has passed", "id"))
    return problems


def finding_problems(_project, finding, _context) -> list[Violation]:
    return [v("R-REV-1", "the finding is empty", "finding")] if _blank(finding.finding) else []


def budget_review_problems(project, approved_budget, _context) -> list[Violation]:
    if approved_budget <= 0 or approved_budget > project.investment:
        return [v("R-REV-2", f"the approved budget {approved_budget} fen must be positive and within the approved "
                             f"estimate of {project.investment} fen", "approvedBudget")]
    return []


def contract_problems(project, contract, context) -> list[Violation]:
    """R-IMP-1: within the approved budget; R-IMP-2: qualified vendors for a classified project."""
    problems = []
    if not contract.vendors:
        problems.append(v("R-IMP-1", "a contract names at least one vendor", "input", "vendors"))
    if contract.contract_sum <= 0:
        problems.append(v("R-IMP-1", "the contract sum must be positive", "input", "contractSum"))
    if project.approved_budget is not None and contract.contract_sum > project.approved_budget:
        problems.append(v("R-IMP-1", f"the contract sum {contract.contract_sum} fen is above the approved budget "
                                     f"of {project.approved_budget} fen", "input", "contractSum"))
    problems += performance.contract_needs_targets(project)
    if project.classified:
        for index, vendor in enumerate(contract.vendors):
            qualification = context.vendor_qualifications.get(vendor.vendor_id)
            reason = "no classified-integration qualification is registered with the Secrecy Bureau" \
                if qualification is None else qualification_problem(
                    scopes=qualification.scopes, valid_from=qualification.valid_from,
                    valid_until=qualification.valid_until, revoked_on=qualification.revoked_on,
                    scope=vendor.scope, on=contract.signed_on)
            if reason:
                problems.append(v("R-IMP-2", f"{vendor.name}: {reason}", "input", "vendors", str(index)))
    return problems


def supervision_problems(_project, supervision, _context) -> list[Violation]:
    return [v("R-IMP-4", f"the supervision record lacks the {name.replace('_', ' ')}", "input", _camel(name))
            for name in ("company", "company_qualification_number", "lead_name", "lead_certificate_number")
            if _blank(getattr(supervision, name))]


def start_construction_problems(project, _payload, context) -> list[Violation]:
    problems = construction_problems(context.construction_plan, project_id=project.id,
                                     jurisdiction=project.jurisdiction, year=context.construction_year)
    if project.is_major(context.major_threshold) and project.supervision is None:
        problems.append(v("R-IMP-4", "a major project needs its supervision company (with IS-engineering supervision "
                                     "qualification) and a certified lead before construction starts", "supervision"))
    return problems


def change_decision_problems(project, change_id, _context) -> list[Violation]:
    change = next((c for c in project.changes if c.change_id == change_id), None)
    if change is None:
        return [v("NOT_FOUND", "no such change on this project", "changeId")]
    if change.status is not ChangeStatus.REQUESTED:
        return [v("R-IMP-3", f"the change is already {change.status.value}", "changeId")]
    return []


def reject_change_problems(project, payload, context) -> list[Violation]:
    change_id, reasons = payload
    return change_decision_problems(project, change_id, context) + needs_reasons("R-IMP-3")(project, reasons, context)


def test_report_problems(_project, report, _context) -> list[Violation]:
    problems = []
    if report.kind in THIRD_PARTY_TESTS and _blank(report.tester_qualification):
        rule = "R-ACC-1" if report.kind is TestReportKind.CUSTOM_SOFTWARE else "R-ACC-2"
        problems.append(v(rule, "third-party testing must be done by a qualified body: give its qualification",
                          "input", "testerQualification"))
    if report.is_manual and report.kind is not TestReportKind.HARDWARE_OR_MATURE_SOFTWARE:
        problems.append(v("R-ACC-1", "a product manual stands in for a test report only for bought hardware and "
                                     "mature software", "input", "isManual"))
    if _blank(report.report_number) or _blank(report.tester):
        problems.append(v("R-ACC-1", "a test report needs its tester and number", "input", "reportNumber"))
    return problems


def initial_acceptance_problems(project, reference, _context) -> list[Violation]:
    """R-ACC-1: the tests required before initial acceptance (初验)."""
    problems = needs_text("R-ACC-3", "report")(project, reference, _context)
    kinds = {r.kind for r in project.test_reports}
    deliverables = project.dossier.deliverables
    if deliverables and deliverables.custom_software and TestReportKind.CUSTOM_SOFTWARE not in kinds:
        problems.append(v("R-ACC-1", "custom-developed software needs a third-party test report from a qualified "
                                     "company before initial acceptance", "testReports"))
    if deliverables and deliverables.hardware_or_mature_software and \
            TestReportKind.HARDWARE_OR_MATURE_SOFTWARE not in kinds:
        problems.append(v("R-ACC-1", "bought hardware and mature software need a test report or manual",
                          "testReports"))
    return problems


def blocking_changes(project) -> list[Violation]:
    """R-IMP-3: a change made without approval, or one still awaiting a decision, blocks acceptance."""
    return [v("R-IMP-3", f"change {c.change_id} is {c.status.value}: "
                         + ("made without approval; the project cannot be accepted"
                            if c.status is ChangeStatus.UNAUTHORIZED else "awaiting the Approval Bureau's decision"),
              "changes", c.change_id)
            for c in project.changes if c.status in (ChangeStatus.UNAUTHORIZED, ChangeStatus.REQUESTED)]


def application_problems(project, documents, context) -> list[Violation]:
    """R-ACC-4: the documents of a completion-acceptance application; R-ACC-2 for a major project; R-IMP-3."""
    present = {d.kind for d in documents if not _blank(d.reference)}
    required = [k for k in AcceptanceDocument if k is not AcceptanceDocument.OTHER]
    if not (project.is_major(context.major_threshold) or project.supervision is not None):
        required.remove(AcceptanceDocument.SUPERVISION_REPORT)  # no supervision, no supervision report
    problems = [v("R-ACC-4", f"the application lacks the {k.value.lower().replace('_', ' ')}", "documents", k.value)
                for k in required if k not in present]
    if project.is_major(context.major_threshold):
        kinds = {r.kind for r in project.test_reports}
        problems += [v("R-ACC-2", f"a major project's completion acceptance needs third-party "
                                  f"{k.value.lower().replace('_', ' ')} testing", "testReports", k.value)
                     for k in MAJOR_PROJECT_TESTS if k not in kinds]
    return problems + blocking_changes(project)


def pass_acceptance_problems(project, _payload, _context) -> list[Violation]:
    return blocking_changes(project)


def operation_problems(project, operation, _context) -> list[Violation]:
    """R-ACC-5: accepted, and for a classified project the Secrecy Bureau's review before use; R-OPS-1."""
    problems = []
    if project.classified and not project.pre_use_approved:
        problems.append(v("R-ACC-5", "a classified project needs the Secrecy Bureau's review before use",
                          "id"))
    if operation.om_months < MIN_OM_MONTHS:
        problems.append(v("R-OPS-1", f"the agreed O&M period is at least 3 years ({MIN_OM_MONTHS} months); "
                                     f"{operation.om_months} months were given", "input", "omMonths"))
    if _blank(operation.operating_organisation):
        problems.append(v("R-OPS-1", "name the operating organisation", "input", "operatingOrganisation"))
    if operation.om_annual_funding <= 0:
        problems.append(v("R-OPS-1", "state the O&M funding", "input", "omAnnualFunding"))
    return problems


def no_guard(_project, _payload, _context) -> list[Violation]:
    return []


GUARDS = {
    Action.SUBMIT: submission_problems,
    Action.REJECT: needs_reasons("R-APP-2"),
    Action.RECORD_INFRASTRUCTURE_EXEMPTION: lambda p, e, c: needs_text("R-GEN-2", "reason")(p, e.reason, c),
    Action.FLAG_MAJOR: needs_text("R-IMP-4", "reason"),
    Action.RECORD_REVIEW_FINDING: finding_problems,
    Action.CONCLUDE_TECHNICAL_REVIEW: conclude_review_problems,
    Action.RECORD_BUDGET_REVIEW: budget_review_problems,
    Action.RECORD_CONTRACT: contract_problems,
    Action.RECORD_SUPERVISION: supervision_problems,
    Action.START_CONSTRUCTION: start_construction_problems,
    Action.REQUEST_CHANGE: lambda p, change, c: needs_text("R-IMP-3", "plan")(p, change.plan, c),
    Action.APPROVE_CHANGE: change_decision_problems,
    Action.REJECT_CHANGE: reject_change_problems,
    Action.RECORD_UNAUTHORIZED_CHANGE: lambda p, change, c: needs_text("R-IMP-3", "plan")(p, change.plan, c),
    Action.RECORD_TEST_REPORT: test_report_problems,
    Action.PASS_INITIAL_ACCEPTANCE: initial_acceptance_problems,
    Action.APPLY_FOR_COMPLETION_ACCEPTANCE: application_problems,
    Action.PASS_COMPLETION_ACCEPTANCE: pass_acceptance_problems,
    Action.REFUSE_COMPLETION_ACCEPTANCE: needs_reasons("R-ACC-4"),
    Action.START_OPERATION: operation_problems,
    Action.CLOSE: needs_text("R-OPS-1", "reason"),
    **performance.GUARDS,
    **publicity.GUARDS,
}


def _with_change(project, change_id: str, status: ChangeStatus, reasons=()) -> tuple:
    return tuple(c.model_copy(update={"status": status, "reasons": tuple(reasons)}) if c.change_id == change_id else c
                 for c in project.changes)


# Each effect returns (changed fields, reasons for the history, a one-line detail for the history).
EFFECTS = {
    Action.UPDATE_DOSSIER: lambda p, parts, now: ({"dossier": p.dossier.model_copy(update=parts)}, (),
                                                  f"dossier: {', '.join(sorted(parts))}"),
    Action.RECORD_INFRASTRUCTURE_EXEMPTION: lambda p, e, now: (
        {"exemptions": tuple(x for x in p.exemptions if x.kind != e.kind) + (e,)}, (e.reason,),
        f"exemption for {e.kind.value}"),
    Action.FLAG_MAJOR: lambda p, reason, now: ({"major_flag_reason": reason.strip()}, (reason.strip(),),
                                               "flagged as a major project"),
    Action.SUBMIT: lambda p, _, now: ({}, (), "submitted for approval"),
    Action.APPROVE: lambda p, _, now: ({}, (), "approved"),
    Action.REJECT: lambda p, reasons, now: ({}, non_blank(reasons), "rejected"),
    Action.REVISE: lambda p, _, now: ({"refusal_reasons": ()}, (), "back to draft for revision"),
    Action.RECORD_REVIEW_FINDING: lambda p, f, now: (
        {"review_findings": tuple(x for x in p.review_findings if x.aspect != f.aspect) + (f,)}, (),
        f"finding on {f.aspect.value}"),
    Action.CONCLUDE_TECHNICAL_REVIEW: lambda p, o, now: ({"opinion": o}, (o.opinion,),
                                                         f"approved estimate {o.approved_estimate} fen"),
    Action.RECORD_BUDGET_REVIEW: lambda p, budget, now: ({"approved_budget": budget}, (),
                                                         f"approved budget {budget} fen"),
    Action.RECORD_CONTRACT: lambda p, c, now: ({"contract": c}, (), f"contract {c.contract_id}, {c.contract_sum} fen"),
    Action.RECORD_SUPERVISION: lambda p, s, now: ({"supervision": s}, (), f"supervision by {s.company}"),
    Action.START_CONSTRUCTION: lambda p, _, now: ({}, (), "construction started"),
    Action.REQUEST_CHANGE: lambda p, c, now: ({"changes": p.changes + (c,)}, (c.plan,), f"change {c.change_id}"),
    Action.APPROVE_CHANGE: lambda p, cid, now: ({"changes": _with_change(p, cid, ChangeStatus.APPROVED)}, (),
                                                f"change {cid} approved"),
    Action.REJECT_CHANGE: lambda p, pl, now: (
        {"changes": _with_change(p, pl[0], ChangeStatus.REJECTED, non_blank(pl[1]))}, non_blank(pl[1]),
        f"change {pl[0]} rejected"),
    Action.RECORD_UNAUTHORIZED_CHANGE: lambda p, c, now: ({"changes": p.changes + (c,)}, (c.plan,),
                                                          f"unauthorized change {c.change_id}"),
    Action.RECORD_TEST_REPORT: lambda p, r, now: ({"test_reports": p.test_reports + (r,)}, (),
                                                  f"{r.kind.value} report {r.report_number}"),
    Action.PASS_INITIAL_ACCEPTANCE: lambda p, ref, now: ({"initial_acceptance_report": ref}, (),
                                                         "initial acceptance passed"),
    Action.APPLY_FOR_COMPLETION_ACCEPTANCE: lambda p, docs, now: ({"acceptance_documents": tuple(docs),
                                                                   "refusal_reasons": ()}, (),
                                                                  f"{len(docs)} documents"),
    Action.PASS_COMPLETION_ACCEPTANCE: lambda p, _, now: ({"accepted_at": now}, (), "completion acceptance passed"),
    Action.REFUSE_COMPLETION_ACCEPTANCE: lambda p, reasons, now: ({"refusal_reasons": non_blank(reasons)},
                                                                  non_blank(reasons), "completion acceptance refused"),
    Action.START_OPERATION: lambda p, o, now: ({"operation": o}, (), f"O&M {o.om_months} months by "
                                                                     f"{o.operating_organisation}"),
    Action.CLOSE: lambda p, reason, now: ({}, (reason.strip(),), "closed"),
    **performance.EFFECTS,
    **publicity.EFFECTS,
}


