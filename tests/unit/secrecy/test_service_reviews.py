"""The secrecy review (R-REV-3) and the review before use (R-ACC-5, R-SEC-1) through the subgraph, on SQLite:
payloads, user errors with the rule id, nothing written on a refusal, and the events in the outbox."""
from datetime import date, timedelta

from services.secrecy.adapters import orm
from shared.clock import china_date, utc_now
from tests.unit.secrecy.support import (
    APPROVE_USE,
    DECLASSIFY,
    EVALUATE,
    FAIL,
    PASS,
    REFUSE_USE,
    REOPEN,
    accepted,
    approved,
    count,
    evaluation_input,
    mutate,
    outbox_events,
    project,
    snapshot,
    submitted,
)


async def classified_and_approved(runtime, project_id="p-1"):
    await runtime.consumer(submitted(project_id, declared_classified=True))
    await runtime.consumer(approved(project_id, classified=True))


async def classified_and_accepted(runtime, project_id="p-1"):
    await classified_and_approved(runtime, project_id)
    await runtime.consumer(accepted(project_id, classified=True))


async def test_R_REV_3_passing_the_review_announces_it_in_the_outbox(runtime):
    await classified_and_approved(runtime)
    payload = await mutate(runtime, PASS, p="p-1", o="protection measures adequate")
    assert payload["userErrors"] == []
    assert payload["secrecyReview"]["status"] == "PASSED"
    assert payload["secrecyReview"]["opinion"] == "protection measures adequate"
    [event] = await outbox_events(runtime, "secrecy.review.passed.v1")
    assert event.subject == "p-1"
    assert event.data["project_id"] == "p-1" and event.data["review_id"] == payload["secrecyReview"]["id"]
    assert event.data["passed_at"]


async def test_R_REV_3_a_passed_review_cannot_be_passed_again_and_nothing_is_written(runtime):
    await classified_and_approved(runtime)
    await mutate(runtime, PASS, p="p-1", o="ok")
    before = await snapshot(runtime)
    payload = await mutate(runtime, PASS, p="p-1", o="ok again")
    assert payload["secrecyReview"] is None
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("R-REV-3", ["projectId"])]
    assert await snapshot(runtime) == before


async def test_R_REV_3_a_failure_needs_reasons_and_nothing_is_written(runtime):
    await classified_and_approved(runtime)
    before = await snapshot(runtime)
    payload = await mutate(runtime, FAIL, p="p-1", r=[])
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("R-REV-3", ["reasons"])]
    assert await snapshot(runtime) == before


async def test_R_REV_3_fail_then_reopen_then_pass(runtime):
    await classified_and_approved(runtime)
    failed = await mutate(runtime, FAIL, p="p-1", r=["no shielding for the server room"])
    assert failed["secrecyReview"]["status"] == "FAILED"
    assert failed["secrecyReview"]["reasons"] == ["no shielding for the server room"]
    [event] = await outbox_events(runtime, "secrecy.review.failed.v1")
    assert event.data == {"project_id": "p-1", "review_id": failed["secrecyReview"]["id"],
                          "reasons": ["no shielding for the server room"]}
    refused = await mutate(runtime, PASS, p="p-1", o="ok")
    assert refused["userErrors"][0]["code"] == "R-REV-3"  # not before it is reopened
    reopened = await mutate(runtime, REOPEN, p="p-1")
    assert reopened["secrecyReview"]["status"] == "OPEN" and reopened["secrecyReview"]["reasons"] == []
    passed = await mutate(runtime, PASS, p="p-1", o="shielding installed")
    assert passed["secrecyReview"]["status"] == "PASSED"
    history = (await project(runtime, "p-1"))["classification"]["history"]
    assert [line["action"] for line in history] == [
        "OPEN_SECRECY_REVIEW", "FAIL_SECRECY_REVIEW", "REOPEN_SECRECY_REVIEW", "PASS_SECRECY_REVIEW"]
    assert history[1]["reasons"] == ["no shielding for the server room"]
    assert {line["actor"] for line in history[1:]} == {"secrecy:clerk-1"}


async def test_R_REV_3_a_project_without_a_review_case_is_refused(runtime):
    await runtime.consumer(submitted("p-1", declared_classified=True))  # not approved: no case yet
    payload = await mutate(runtime, PASS, p="p-1", o="ok")
    assert payload["userErrors"][0]["code"] == "R-REV-3"


async def test_an_unknown_project_is_not_found(runtime):
    payload = await mutate(runtime, PASS, p="nope", o="ok")
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("NOT_FOUND", ["projectId"])]


async def test_R_SEC_2_declassifying_records_why_and_announces_it(runtime):
    await runtime.consumer(submitted("p-1", declared_classified=True))
    payload = await mutate(runtime, DECLASSIFY, p="p-1", r="handles no state secret")
    assert payload["classification"] == {"classified": False, "level": None, "status": "DECLASSIFIED"}
    [event] = await outbox_events(runtime, "secrecy.classification.confirmed.v1")
    assert event.data["classified"] is False and event.data["level"] is None
    [line] = (await project(runtime, "p-1"))["classification"]["history"]
    assert line["action"] == "DECLASSIFY_PROJECT" and line["reasons"] == ["handles no state secret"]
    before = await snapshot(runtime)
    again = await mutate(runtime, DECLASSIFY, p="p-1", r="still none")
    assert again["userErrors"][0]["code"] == "R-SEC-2" and await snapshot(runtime) == before


async def test_R_ACC_5_use_is_approved_only_after_a_passed_evaluation(runtime):
    await classified_and_accepted(runtime)
    before = await snapshot(runtime)
    early = await mutate(runtime, APPROVE_USE, p="p-1")
    assert [(e["code"], e["field"]) for e in early["userErrors"]] == [("R-ACC-5", ["projectId"])]
    assert await snapshot(runtime) == before
    failed = await mutate(runtime, EVALUATE, p="p-1", i=evaluation_input("FAILED"))
    assert failed["preUseReview"]["status"] == "EVALUATION_FAILED"
    assert (await mutate(runtime, APPROVE_USE, p="p-1"))["userErrors"][0]["code"] == "R-ACC-5"
    passed = await mutate(runtime, EVALUATE, p="p-1", i=evaluation_input("PASSED", reportNumber="FB-2026-019"))
    assert passed["preUseReview"]["status"] == "EVALUATION_PASSED"
    assert [e["conclusion"] for e in passed["preUseReview"]["evaluations"]] == ["FAILED", "PASSED"]
    approved_use = await mutate(runtime, APPROVE_USE, p="p-1")
    assert approved_use["userErrors"] == [] and approved_use["preUseReview"]["status"] == "APPROVED"
    [event] = await outbox_events(runtime, "secrecy.pre_use.approved.v1")
    assert event.subject == "p-1" and event.data["project_id"] == "p-1"
    assert event.data["evaluation_id"] == passed["preUseReview"]["latestEvaluationId"]
    assert event.data["evaluation_id"] == passed["preUseReview"]["evaluations"][1]["id"]


async def test_R_SEC_1_an_evaluation_dated_in_the_future_is_refused_and_nothing_is_written(runtime):
    await classified_and_accepted(runtime)
    before = await snapshot(runtime)
    tomorrow = china_date(utc_now()) + timedelta(days=1)
    payload = await mutate(runtime, EVALUATE, p="p-1", i=evaluation_input("PASSED", evaluated_on=tomorrow))
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("R-SEC-1", ["input", "evaluatedOn"])]
    assert await snapshot(runtime) == before and await count(runtime, orm.evaluations) == 0


async def test_R_ACC_5_refusing_use_needs_reasons_and_a_new_evaluation_takes_it_up_again(runtime):
    await classified_and_accepted(runtime)
    assert (await mutate(runtime, REFUSE_USE, p="p-1", r=[]))["userErrors"][0]["code"] == "R-ACC-5"
    refused = await mutate(runtime, REFUSE_USE, p="p-1", r=["no evaluation report after 3 months"])
    assert refused["preUseReview"] == {"status": "REFUSED", "reasons": ["no evaluation report after 3 months"]}
    again = await mutate(runtime, EVALUATE, p="p-1", i=evaluation_input("PASSED", evaluated_on=date(2026, 1, 2)))
    assert again["preUseReview"]["status"] == "EVALUATION_PASSED"
    assert await outbox_events(runtime, "secrecy.pre_use.approved.v1") == []


async def test_R_ACC_5_a_project_without_a_review_before_use_is_refused(runtime):
    await classified_and_approved(runtime)  # not accepted yet
    payload = await mutate(runtime, EVALUATE, p="p-1", i=evaluation_input())
    assert payload["userErrors"][0]["code"] == "R-ACC-5"
