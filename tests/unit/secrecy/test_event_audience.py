"""R-SEC-2: every secrecy event about a project carries its audience (unit path from the register, classification
as the register holds it once the decision is made); the register holds no jurisdiction, so none is named. A
vendor's event and an event about a project the register does not hold carry none."""
from __future__ import annotations

from shared.events import Audience, ClassificationConfirmed, SecrecyReviewPassed, VendorQualified
from tests.unit.audience_support import emitted_about, outbox_envelopes
from tests.unit.secrecy.support import CONFIRM, DECLASSIFY, PASS, REGISTER, UNIT_PATH, approved, mutate, submitted, \
    vendor_input


async def test_R_SEC_2_a_classified_projects_review_event_says_classified(runtime):
    await runtime.consumer(submitted("p-1", declared_classified=True))
    await runtime.consumer(approved("p-1", classified=True))
    assert (await mutate(runtime, PASS, p="p-1", o="protection measures adequate"))["userErrors"] == []
    (event,) = await outbox_envelopes(runtime, SecrecyReviewPassed.event_type)
    assert event.audience == Audience(project_id="p-1", unit_path=list(UNIT_PATH), jurisdiction=None,
                                      classified=True)


async def test_R_SEC_2_a_decision_is_addressed_by_the_classification_it_makes(runtime):
    """Confirming a project declared ordinary makes its event classified; declassifying it makes the next ordinary:
    the audience is read after the decision, in its transaction."""
    await runtime.consumer(submitted("p-2", declared_classified=False))
    assert (await mutate(runtime, CONFIRM, p="p-2", l="SECRET"))["userErrors"] == []
    assert (await mutate(runtime, DECLASSIFY, p="p-2", r="the network no longer carries state secrets")
            )["userErrors"] == []
    confirmed, declassified = await outbox_envelopes(runtime, ClassificationConfirmed.event_type)
    assert (confirmed.payload().classified, confirmed.audience) == (True, Audience(
        project_id="p-2", unit_path=list(UNIT_PATH), classified=True))
    assert (declassified.payload().classified, declassified.audience) == (False, Audience(
        project_id="p-2", unit_path=list(UNIT_PATH), classified=False))


async def test_R_SEC_2_a_vendors_event_has_no_audience(runtime):
    assert (await mutate(runtime, REGISTER, i=vendor_input()))["userErrors"] == []
    (event,) = await outbox_envelopes(runtime, VendorQualified.event_type)
    assert event.audience is None


async def test_R_SEC_2_an_event_about_a_project_the_register_does_not_hold_has_no_audience(runtime):
    assert (await emitted_about(runtime, "no-such-project")).audience is None
