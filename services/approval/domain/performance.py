"""Performance management (Art 18): targets set with the budget (R-PER-1), tracked during construction, a yearly
self-evaluation reviewed by the Approval Bureau's experts, and rectification of missed targets (R-PER-2)."""
from __future__ import annotations

from services.approval.domain.dossier import PerformanceCycle, Rectification
from services.approval.domain.lifecycle import Action
from shared.errors import Violation


def v(code: str, message: str, *field: str) -> Violation:
    return Violation(code, tuple(field) or None, message)


def _blank(text) -> bool:
    return text is None or not str(text).strip()


def _cycle(project, year: int) -> PerformanceCycle | None:
    return next((c for c in project.performance_cycles if c.year == year), None)


def _replace_cycle(project, cycle: PerformanceCycle) -> tuple:
    return tuple(cycle if c.year == cycle.year else c for c in project.performance_cycles)


def targets_problems(_project, targets, _context) -> list[Violation]:
    if not targets:
        return [v("R-PER-1", "set at least one performance target", "targets")]
    return [v("R-PER-1", "each target names its indicator and its target value", "targets", str(i))
            for i, t in enumerate(targets) if _blank(t.indicator) or _blank(t.target)]


def contract_needs_targets(project) -> list[Violation]:
    """R-PER-1: the targets are set together with the budget, so before procurement."""
    if not project.performance_targets:
        return [v("R-PER-1", "set the performance targets (绩效目标) with the budget before procurement",
                  "performanceTargets")]
    return []


def progress_problems(project, report, _context) -> list[Violation]:
    if report.indicator not in {t.indicator for t in project.performance_targets}:
        return [v("R-PER-1", f"{report.indicator} is not one of the project's performance targets", "input",
                  "indicator")]
    return [v("R-PER-1", "say what was achieved", "input", "actual")] if _blank(report.actual) else []


def self_evaluation_problems(project, cycle, _context) -> list[Violation]:
    problems = []
    if _cycle(project, cycle.year) is not None:
        problems.append(v("R-PER-2", f"the self-evaluation for {cycle.year} is already filed", "input", "year"))
    if _blank(cycle.self_evaluation):
        problems.append(v("R-PER-2", "give the self-evaluation report", "input", "selfEvaluation"))
    return problems


def review_problems(project, review, _context) -> list[Violation]:
    cycle = _cycle(project, review.year)
    if cycle is None:
        return [v("R-PER-2", f"no self-evaluation for {review.year} to review", "input", "year")]
    if cycle.targets_met is not None:
        return [v("R-PER-2", f"the {review.year} self-evaluation is already reviewed", "input", "year")]
    return [v("R-PER-2", "the experts' opinion is empty", "input", "opinion")] if _blank(review.opinion) else []


def rectification_report_problems(project, payload, _context) -> list[Violation]:
    year, report = payload
    cycle = _cycle(project, year)
    if cycle is None or cycle.rectification is not Rectification.ORDERED:
        return [v("R-PER-2", f"no rectification is ordered for {year}", "year")]
    return [v("R-PER-2", "describe the rectification", "report")] if _blank(report) else []


def confirm_problems(project, year, _context) -> list[Violation]:
    cycle = _cycle(project, year)
    if cycle is None or cycle.rectification is not Rectification.REPORTED:
        return [v("R-PER-2", f"no reported rectification for {year} to confirm", "year")]
    return []


def _review(project, review, _now):
    cycle = _cycle(project, review.year).model_copy(update={
        "targets_met": review.targets_met, "expert_opinion": review.opinion.strip(),
        "rectification": Rectification.NOT_NEEDED if review.targets_met else Rectification.ORDERED})
    outcome = "targets met" if review.targets_met else "targets missed: rectification ordered"
    return {"performance_cycles": _replace_cycle(project, cycle)}, (review.opinion.strip(),), \
        f"{review.year}: {outcome}"


def _report(project, payload, _now):
    year, report = payload
    cycle = _cycle(project, year).model_copy(update={"rectification": Rectification.REPORTED,
                                                     "rectification_report": report.strip()})
    return {"performance_cycles": _replace_cycle(project, cycle)}, (report.strip(),), f"{year}: rectification reported"


def _confirm(project, year, _now):
    cycle = _cycle(project, year).model_copy(update={"rectification": Rectification.DONE})
    return {"performance_cycles": _replace_cycle(project, cycle)}, (), f"{year}: rectification done"


GUARDS = {
    Action.SET_PERFORMANCE_TARGETS: targets_problems,
    Action.RECORD_PROGRESS: progress_problems,
    Action.FILE_SELF_EVALUATION: self_evaluation_problems,
    Action.REVIEW_PERFORMANCE: review_problems,
    Action.REPORT_RECTIFICATION: rectification_report_problems,
    Action.CONFIRM_RECTIFICATION: confirm_problems,
}

EFFECTS = {
    Action.SET_PERFORMANCE_TARGETS: lambda p, targets, now: ({"performance_targets": tuple(targets)}, (),
                                                             f"{len(targets)} performance targets"),
    Action.RECORD_PROGRESS: lambda p, r, now: ({"progress": p.progress + (r,)}, (), f"progress on {r.indicator}"),
    Action.FILE_SELF_EVALUATION: lambda p, c, now: ({"performance_cycles": p.performance_cycles + (c,)}, (),
                                                    f"{c.year} self-evaluation filed"),
    Action.REVIEW_PERFORMANCE: _review,
    Action.REPORT_RECTIFICATION: _report,
    Action.CONFIRM_RECTIFICATION: _confirm,
}


def cycle_of(project, year: int) -> PerformanceCycle:
    return _cycle(project, year)
