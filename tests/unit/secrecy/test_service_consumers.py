"""The secrecy service consuming the approval service's events, on SQLite: the register, the cases they open
(R-REV-3, R-ACC-5), and the inbox that makes a redelivered event change nothing."""
from datetime import timedelta

from sqlalchemy import select

from services.secrecy.adapters import orm
from tests.unit.secrecy.support import (
    BUREAU,
    CONFIRM,
    T0,
    accepted,
    approved,
    count,
    mutate,
    outbox_events,
    project,
    redelivered,
    snapshot,
    submitted,
)


async def test_R_REV_3_an_approved_classified_project_gets_an_open_secrecy_review(runtime):
    await runtime.consumer(submitted("p-1", declared_classified=True))
    await runtime.consumer(approved("p-1", classified=True))
    found = await project(runtime, "p-1")
    assert found["secrecyReview"]["status"] == "OPEN"
    assert found["classification"]["status"] == "DECLARED" and found["classification"]["classified"] is True
    assert [line["action"] for line in found["classification"]["history"]] == ["OPEN_SECRECY_REVIEW"]


async def test_R_REV_3_an_approved_project_that_is_not_classified_gets_no_secrecy_review(runtime):
    await runtime.consumer(submitted("p-1", declared_classified=False))
    await runtime.consumer(approved("p-1", classified=False))
    assert (await project(runtime, "p-1"))["secrecyReview"] is None
    assert await count(runtime, orm.secrecy_reviews) == 0


async def test_R_REV_3_the_approved_event_alone_registers_the_project(runtime):
    """The submitted event may be late or lost: the approved event carries what the register needs."""
    await runtime.consumer(approved("p-1", classified=True))
    found = await project(runtime, "p-1")
    assert found["classification"]["declaredClassified"] is True and found["secrecyReview"]["status"] == "OPEN"


async def test_R_REV_3_the_bureaus_declassification_wins_over_the_approved_events_flag(runtime):
    await runtime.consumer(submitted("p-1", declared_classified=True))
    await mutate(runtime, """mutation { declassifyProject(projectId: "p-1", reason: "no secret") {
                             userErrors { code } } }""")
    await runtime.consumer(approved("p-1", classified=True))
    found = await project(runtime, "p-1")
    assert found["secrecyReview"] is None and found["classification"]["status"] == "DECLASSIFIED"


async def test_R_REV_3_confirming_an_approved_project_classified_opens_its_review(runtime):
    await runtime.consumer(submitted("p-1", declared_classified=False))
    await runtime.consumer(approved("p-1", classified=False))
    assert (await project(runtime, "p-1"))["secrecyReview"] is None
    payload = await mutate(runtime, CONFIRM, p="p-1", l="SECRET", r="it processes police intelligence")
    assert payload["userErrors"] == [] and payload["classification"]["status"] == "CONFIRMED"
    found = await project(runtime, "p-1")
    assert found["secrecyReview"]["status"] == "OPEN"
    assert [line["action"] for line in found["classification"]["history"]] == [
        "CONFIRM_CLASSIFICATION", "OPEN_SECRECY_REVIEW"]


async def test_R_REV_3_confirming_before_approval_opens_the_review_when_the_approval_arrives(runtime):
    await runtime.consumer(submitted("p-1", declared_classified=False))
    await mutate(runtime, CONFIRM, p="p-1", l="CONFIDENTIAL")
    assert (await project(runtime, "p-1"))["secrecyReview"] is None  # not approved yet
    await runtime.consumer(approved("p-1", classified=False))  # the unit's flag says no; the bureau said yes
    assert (await project(runtime, "p-1"))["secrecyReview"]["status"] == "OPEN"


async def test_R_ACC_5_an_accepted_classified_project_awaits_its_evaluation(runtime):
    await runtime.consumer(approved("p-1", classified=True))
    await runtime.consumer(accepted("p-1", classified=True))
    found = await project(runtime, "p-1")
    assert found["preUseReview"]["status"] == "AWAITING_EVALUATION" and found["preUseReview"]["evaluations"] == []


async def test_R_ACC_5_an_accepted_project_that_is_not_classified_needs_no_review_before_use(runtime):
    await runtime.consumer(approved("p-1", classified=False))
    await runtime.consumer(accepted("p-1", classified=False))
    assert (await project(runtime, "p-1"))["preUseReview"] is None


async def test_R_ACC_5_confirming_an_accepted_project_classified_opens_both_reviews(runtime):
    await runtime.consumer(approved("p-1", classified=False))
    await runtime.consumer(accepted("p-1", classified=False))
    await mutate(runtime, CONFIRM, p="p-1", l="SECRET")
    found = await project(runtime, "p-1")
    assert found["secrecyReview"]["status"] == "OPEN"
    assert found["preUseReview"]["status"] == "AWAITING_EVALUATION"


async def test_every_consumed_event_delivered_twice_has_one_effect(runtime):
    events = [submitted("p-1", declared_classified=True), approved("p-1", classified=True),
              accepted("p-1", classified=True)]
    for envelope in events:
        await runtime.consumer(envelope)
    once = await snapshot(runtime)
    for envelope in events:
        await runtime.consumer(redelivered(envelope))
    assert await snapshot(runtime) == once
    assert await count(runtime, orm.secrecy_reviews) == 1 and await count(runtime, orm.pre_use_reviews) == 1
    assert await count(runtime, runtime.inbox) == 3


async def test_a_late_submission_does_not_overwrite_the_newer_declaration(runtime):
    await runtime.consumer(approved("p-1", classified=True, at=T0 + timedelta(days=5)))
    await runtime.consumer(submitted("p-1", declared_classified=False, at=T0))  # older, delivered late
    async with runtime.sessions() as session:
        row = (await session.execute(select(orm.classifications))).mappings().one()
    assert row["declared_classified"] is True and row["status"] == "DECLARED"


async def test_consuming_events_emits_nothing(runtime):
    """Opening a case is the bureau's own bookkeeping; the contracts announce decisions only."""
    await runtime.consumer(approved("p-1", classified=True))
    await runtime.consumer(accepted("p-1", classified=True))
    assert await outbox_events(runtime) == []


async def test_a_classification_confirmation_is_in_the_outbox_with_its_payload(runtime):
    await runtime.consumer(submitted("p-1", declared_classified=True))
    await mutate(runtime, CONFIRM, p="p-1", l="TOP_SECRET", identity=BUREAU)
    [event] = await outbox_events(runtime, "secrecy.classification.confirmed.v1")
    assert event.subject == "p-1" and event.source == "secrecy"
    assert event.data["project_id"] == "p-1" and event.data["classified"] is True
    assert event.data["level"] == "TOP_SECRET" and event.data["decided_at"]
