"""Classification (定密) and the secrecy review's state machine (R-REV-3, R-SEC-2), as pure functions."""
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from services.secrecy.domain import classification, review
from services.secrecy.domain.authority import Command
from services.secrecy.domain.classification import ClassificationStatus, ProjectFacts, SecrecyLevel
from services.secrecy.domain.review import TRANSITIONS, SecrecyReviewStatus, needs_review
from shared.errors import DomainError
from tests.unit.secrecy.support import BUREAU

T0 = datetime(2026, 4, 1, 2, 0, tzinfo=timezone.utc)
FACTS = ProjectFacts(project_id="p-1", code="CITY-2026-0007", unit_id="psb", unit_path=("psb", "city"))


def declared(classified: bool, at=T0) -> classification.RegisterEntry:
    return classification.record_declaration(None, FACTS, declared_classified=classified, at=at)


def open_case() -> review.SecrecyReview:
    entry = classification.mark_approved(declared(True), T0)
    case, line = review.open_review(entry, review_id="r-1", now=T0, because_of="approval.project.approved.v1")
    assert line.action == "OPEN_SECRECY_REVIEW"
    return case


def codes(error: DomainError) -> set:
    return {(v.code, v.field) for v in error.violations}


def test_R_SEC_2_the_units_declaration_counts_until_the_bureau_decides():
    assert declared(True).classified and declared(True).status is ClassificationStatus.DECLARED
    assert not declared(False).classified


def test_R_SEC_2_the_bureaus_decision_outlives_a_later_declaration():
    confirmed, _ = classification.confirm(declared(False), SecrecyLevel.CONFIDENTIAL, actor=BUREAU, now=T0)
    later = classification.record_declaration(confirmed, FACTS, declared_classified=False, at=T0 + timedelta(days=1))
    assert later.classified and later.status is ClassificationStatus.CONFIRMED
    assert later.level is SecrecyLevel.CONFIDENTIAL and later.declared_classified is False


def test_an_older_declaration_delivered_late_does_not_overwrite_a_newer_one():
    newer = declared(True, at=T0 + timedelta(days=2))
    assert classification.record_declaration(newer, FACTS, declared_classified=False, at=T0) == newer


def test_R_SEC_2_confirm_records_who_when_why_and_the_previous_state():
    entry, line = classification.confirm(declared(True), SecrecyLevel.SECRET, actor=BUREAU, now=T0,
                                         reason="handles police data")
    assert (entry.status, entry.level, entry.decided_at) == (ClassificationStatus.CONFIRMED, SecrecyLevel.SECRET, T0)
    assert (line.action, line.actor, line.reasons) == ("CONFIRM_CLASSIFICATION", BUREAU.subject,
                                                       ("handles police data",))
    assert line.details["previous_status"] == "DECLARED"


def test_R_SEC_2_a_level_can_be_corrected_but_not_confirmed_twice_unchanged():
    entry, _ = classification.confirm(declared(True), SecrecyLevel.SECRET, actor=BUREAU, now=T0)
    corrected, _ = classification.confirm(entry, SecrecyLevel.TOP_SECRET, actor=BUREAU, now=T0)
    assert corrected.level is SecrecyLevel.TOP_SECRET
    with pytest.raises(DomainError) as refused:
        classification.confirm(corrected, SecrecyLevel.TOP_SECRET, actor=BUREAU, now=T0)
    assert codes(refused.value) == {("R-SEC-2", ("level",))}


def test_R_SEC_2_declassification_needs_a_reason_and_a_classified_project():
    with pytest.raises(DomainError) as no_reason:
        classification.declassify(declared(True), " ", actor=BUREAU, now=T0)
    assert codes(no_reason.value) == {("R-SEC-2", ("reason",))}
    with pytest.raises(DomainError) as not_classified:
        classification.declassify(declared(False), "never was", actor=BUREAU, now=T0)
    assert codes(not_classified.value) == {("R-SEC-2", ("projectId",))}
    lifted, line = classification.declassify(declared(True), "no state secret involved", actor=BUREAU, now=T0)
    assert not lifted.classified and lifted.level is None and line.reasons == ("no state secret involved",)


@pytest.mark.parametrize("classified, approved, expected", [
    (True, True, True), (False, True, False), (True, False, False)])
def test_R_REV_3_an_approved_classified_project_needs_a_secrecy_review(classified, approved, expected):
    entry = declared(classified)
    if approved:
        entry = classification.mark_approved(entry, T0)
    assert needs_review(entry, None) is expected


def test_R_REV_3_the_bureaus_decision_decides_whether_a_review_is_needed():
    undeclared = classification.mark_approved(declared(False), T0)
    confirmed, _ = classification.confirm(undeclared, SecrecyLevel.SECRET, actor=BUREAU, now=T0)
    assert needs_review(confirmed, None) is True
    lifted, _ = classification.declassify(classification.mark_approved(declared(True), T0), "no secret",
                                          actor=BUREAU, now=T0)
    assert needs_review(lifted, None) is False


def test_R_REV_3_a_project_gets_one_secrecy_review():
    entry = classification.mark_approved(declared(True), T0)
    assert needs_review(entry, open_case()) is False


def test_R_REV_3_the_transition_table_is_the_law():
    assert {t.rule for t in TRANSITIONS.values()} == {"R-REV-3"}
    assert TRANSITIONS[Command.PASS_SECRECY_REVIEW].sources == {SecrecyReviewStatus.OPEN}
    assert TRANSITIONS[Command.REOPEN_SECRECY_REVIEW].sources == {SecrecyReviewStatus.FAILED}


def test_R_REV_3_an_open_review_passes_with_an_opinion():
    passed, line = review.pass_review(open_case(), "protection plan adequate", actor=BUREAU, now=T0)
    assert (passed.status, passed.opinion, passed.decided_at) == (SecrecyReviewStatus.PASSED,
                                                                  "protection plan adequate", T0)
    assert line.action == "PASS_SECRECY_REVIEW" and line.details["review_id"] == "r-1"


def test_R_REV_3_a_pass_needs_an_opinion():
    with pytest.raises(DomainError) as refused:
        review.pass_review(open_case(), "  ", actor=BUREAU, now=T0)
    assert codes(refused.value) == {("R-REV-3", ("opinion",))}


def test_R_REV_3_a_passed_review_cannot_be_passed_or_failed_again():
    passed, _ = review.pass_review(open_case(), "ok", actor=BUREAU, now=T0)
    with pytest.raises(DomainError) as again:
        review.pass_review(passed, "ok again", actor=BUREAU, now=T0)
    assert codes(again.value) == {("R-REV-3", ("projectId",))}
    assert "already passed" in again.value.violations[0].message
    with pytest.raises(DomainError):
        review.fail_review(passed, ["late doubt"], actor=BUREAU, now=T0)


def test_R_REV_3_a_failure_needs_reasons():
    with pytest.raises(DomainError) as refused:
        review.fail_review(open_case(), ["", "  "], actor=BUREAU, now=T0)
    assert codes(refused.value) == {("R-REV-3", ("reasons",))}


def test_R_REV_3_a_failed_review_is_reopened_and_can_then_pass():
    failed, _ = review.fail_review(open_case(), ["no TEMPEST protection"], actor=BUREAU, now=T0)
    assert failed.status is SecrecyReviewStatus.FAILED and failed.reasons == ("no TEMPEST protection",)
    with pytest.raises(DomainError):
        review.pass_review(failed, "ok", actor=BUREAU, now=T0)  # not before it is reopened
    reopened, line = review.reopen_review(failed, actor=BUREAU, now=T0)
    assert reopened.status is SecrecyReviewStatus.OPEN and reopened.reasons == () and line.action == \
        "REOPEN_SECRECY_REVIEW"
    passed, _ = review.pass_review(reopened, "fixed", actor=BUREAU, now=T0)
    assert passed.status is SecrecyReviewStatus.PASSED and passed.version == 3


def test_R_REV_3_only_a_failed_review_can_be_reopened():
    with pytest.raises(DomainError) as refused:
        review.reopen_review(open_case(), actor=BUREAU, now=T0)
    assert codes(refused.value) == {("R-REV-3", ("projectId",))}
    passed, _ = review.pass_review(open_case(), "ok", actor=BUREAU, now=T0)
    with pytest.raises(DomainError):
        review.reopen_review(replace(passed), actor=BUREAU, now=T0)
