"""The engagement state machine as data (R-AUD-1) and findings (R-FIN-4), given state, when command, then new
state or a refusal."""
from datetime import datetime, timezone

import pytest

from services.audit.domain.authority import AUTHORITY, Command, authorize
from services.audit.domain.engagement import (
    TRANSITIONS,
    Engagement,
    EngagementStatus,
    FindingInput,
    close_engagement,
    publish_finding,
    start_fieldwork,
)
from shared.auth import Department, Identity
from shared.errors import DomainError, PermissionDenied
from shared.events import ViolationType

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)
BUREAU = Identity(Department.AUDIT_BUREAU, unit="audit", subject="audit:1")
S = EngagementStatus


def engagement(status: S) -> Engagement:
    return Engagement("e-1", "plan-1", "p-1", 2026, status, False, ("u",), NOW)


def finding(**changes) -> FindingInput:
    values = dict(violation_type=ViolationType.RETENTION, amount=500_00, summary="funds held back",
                  evidence=("WP-1",))
    values.update(changes)
    return FindingInput(**values)


ACTIONS = {
    Command.START_FIELDWORK: lambda e: start_fieldwork(e, actor=BUREAU, now=NOW),
    Command.PUBLISH_FINDING: lambda e: publish_finding(e, finding(), finding_id="f-1", actor=BUREAU, now=NOW),
    Command.CLOSE_ENGAGEMENT: lambda e: close_engagement(e, "no misuse found", actor=BUREAU, now=NOW),
}


@pytest.mark.parametrize("command", list(ACTIONS))
@pytest.mark.parametrize("status", list(S))
def test_R_AUD_1_every_engagement_transition_is_allowed_exactly_from_its_sources(command, status):
    transition = TRANSITIONS[command]
    if status in transition.sources:
        assert ACTIONS[command](engagement(status))[0].status is transition.target
    else:
        with pytest.raises(DomainError) as refused:
            ACTIONS[command](engagement(status))
        assert refused.value.violations[0].code == transition.rule


def test_article_5_every_command_is_the_audit_bureaus_alone():
    assert all(departments == {Department.AUDIT_BUREAU} for departments in AUTHORITY.values())
    for department in Department:
        if department is not Department.AUDIT_BUREAU:
            with pytest.raises(PermissionDenied, match="AUDIT_BUREAU"):
                authorize(Identity(department, unit="x"), Command.PUBLISH_FINDING)


@pytest.mark.parametrize("kind", [k for k in ViolationType if k is not ViolationType.OTHER])
def test_R_FIN_4_a_finding_of_misused_funds_names_an_amount(kind):
    with pytest.raises(DomainError) as refused:
        publish_finding(engagement(S.FIELDWORK), finding(violation_type=kind, amount=0), finding_id="f",
                        actor=BUREAU, now=NOW)
    assert refused.value.violations[0].field == ("input", "amount")


def test_R_FIN_4_a_finding_carries_its_evidence_and_the_trail_line_records_it():
    updated, published, line = publish_finding(engagement(S.FIELDWORK), finding(evidence=(" WP-1 ", "")),
                                               finding_id="f-1", actor=BUREAU, now=NOW)
    assert published.evidence == ("WP-1",) and updated.status is S.FINDINGS
    assert line.subject_id == "f-1" and line.details["amount"] == 500_00 and line.project_id == "p-1"
