"""What the caller may do next to a project: the lifecycle table (`domain/lifecycle.py`) read for the caller's
department and the project's state, named by the mutations that do it, so a front-end offers only what the law
allows now. The rules may still refuse an action offered (a missing document, a pending change), with the reason."""
from __future__ import annotations

import strawberry

from services.approval.domain.lifecycle import TRANSITIONS, Action, ProjectStatus
from shared.auth import Identity

MUTATION_OF: dict[Action, str] = {
    Action.UPDATE_DOSSIER: "updateDossier",
    Action.RECORD_INFRASTRUCTURE_EXEMPTION: "recordInfrastructureExemption",
    Action.FLAG_MAJOR: "flagMajorProject",
    Action.SUBMIT: "submitProject",
    Action.APPROVE: "approveProject",
    Action.REJECT: "rejectProject",
    Action.REVISE: "reviseProject",
    Action.RECORD_REVIEW_FINDING: "recordReviewFinding",
    Action.CONCLUDE_TECHNICAL_REVIEW: "concludeTechnicalReview",
    Action.RECORD_CONTRACT: "recordContract",
    Action.RECORD_SUPERVISION: "recordSupervision",
    Action.START_CONSTRUCTION: "startConstruction",
    Action.REQUEST_CHANGE: "requestChange",
    Action.APPROVE_CHANGE: "approveChange",
    Action.REJECT_CHANGE: "rejectChange",
    Action.RECORD_UNAUTHORIZED_CHANGE: "recordUnauthorizedChange",
    Action.RECORD_TEST_REPORT: "recordTestReport",
    Action.PASS_INITIAL_ACCEPTANCE: "passInitialAcceptance",
    Action.APPLY_FOR_COMPLETION_ACCEPTANCE: "applyForCompletionAcceptance",
    Action.PASS_COMPLETION_ACCEPTANCE: "passCompletionAcceptance",
    Action.REFUSE_COMPLETION_ACCEPTANCE: "refuseCompletionAcceptance",
    Action.START_OPERATION: "startOperation",
    Action.CLOSE: "closeProject",
    Action.SET_PERFORMANCE_TARGETS: "setPerformanceTargets",
    Action.RECORD_PROGRESS: "recordProgress",
    Action.FILE_SELF_EVALUATION: "fileSelfEvaluation",
    Action.REVIEW_PERFORMANCE: "reviewPerformance",
    Action.REPORT_RECTIFICATION: "reportRectification",
    Action.CONFIRM_RECTIFICATION: "confirmRectification",
    Action.WITHHOLD_PUBLICATION: "withholdPublication",
    Action.RELEASE_PUBLICATION: "releasePublication",
}


@strawberry.type(description="An action of the project's lifecycle that the caller's department takes (Article 5).")
class LifecycleAction:
    mutation: str = strawberry.field(description="The mutation that takes it.")
    available: bool = strawberry.field(description="The project's state allows it now (its rules may still refuse "
                                                   "it, saying why).")
    rule: str = strawberry.field(description="The rule that guards it (R-xx).")


def lifecycle_actions(status: ProjectStatus, caller: Identity) -> list[LifecycleAction]:
    """Every lifecycle action of the caller's department, in the table's order, each marked available or not in
    `status`. (Recording Finance's budget review is not a mutation here: it arrives as Finance's event.)"""
    return [LifecycleAction(mutation=MUTATION_OF[action], available=status in transition.sources,
                            rule=transition.rule)
            for action, transition in TRANSITIONS.items()
            if action in MUTATION_OF and caller.department in transition.departments]
