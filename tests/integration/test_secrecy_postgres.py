"""The secrecy service on the real PostgreSQL: migration 0002 (up, down, up), and one pass of the secrecy-review
flow (R-REV-3) with the pre-use review (R-ACC-5) and the vendor check (R-IMP-2), events in the outbox."""
import pytest

from services.secrecy.adapters import orm
from services.secrecy.adapters.repository import SecrecyRepository
from services.secrecy.app import DEFINITION
from services.secrecy.domain.history import SubjectType
from shared.migrations import current_revision, head_revision, upgrade
from shared.trail_store import DecisionTrail
from tests.unit.secrecy.support import (
    APPROVE_USE,
    CHECK,
    CONFIRM,
    EVALUATE,
    FAIL,
    OTHER_UNIT,
    PASS,
    REGISTER,
    REOPEN,
    UNIT,
    accepted,
    approved,
    column_names,
    count,
    downgrade,
    evaluation_input,
    gql,
    mutate,
    outbox_events,
    project,
    redelivered,
    snapshot,
    submitted,
    table_names,
    vendor_input,
)

pytestmark = pytest.mark.integration


@pytest.fixture
async def secrecy(service_on_postgres):
    runtime = await service_on_postgres(DEFINITION, started=False)
    await runtime.migrate()  # idempotent: already at head
    return runtime


async def test_migration_0002_reaches_head_and_goes_down_and_up_again_on_postgres(secrecy):
    assert await current_revision(secrecy.engine) == head_revision(DEFINITION.migrations)
    assert set(orm.metadata.tables) <= await table_names(secrecy)
    assert set(orm.classifications.c.keys()) == await column_names(secrecy, "secrecy_classifications")
    await secrecy.consumer(approved("p-keep", classified=True))
    await downgrade(secrecy, "0001")
    assert "secrecy_reviews" not in await table_names(secrecy)
    await upgrade(DEFINITION.migrations, secrecy.engine)
    assert await current_revision(secrecy.engine) == head_revision(DEFINITION.migrations)
    assert (await project(secrecy, "p-keep"))["classification"]["classified"] is True


async def test_R_REV_3_one_pass_of_the_secrecy_review_flow_on_postgres(secrecy):
    declared = submitted("p-1", declared_classified=True)
    await secrecy.consumer(declared)
    assert (await mutate(secrecy, CONFIRM, p="p-1", l="CONFIDENTIAL"))["userErrors"] == []
    approval = approved("p-1", classified=True)
    await secrecy.consumer(approval)
    once = await snapshot(secrecy)
    await secrecy.consumer(redelivered(approval))
    assert await snapshot(secrecy) == once and await count(secrecy, orm.secrecy_reviews) == 1

    assert (await mutate(secrecy, FAIL, p="p-1", r=["no protection plan"]))["secrecyReview"]["status"] == "FAILED"
    before = await snapshot(secrecy)
    refused = await mutate(secrecy, PASS, p="p-1", o="ok")
    assert refused["userErrors"][0]["code"] == "R-REV-3" and await snapshot(secrecy) == before
    assert (await mutate(secrecy, REOPEN, p="p-1"))["secrecyReview"]["status"] == "OPEN"
    passed = await mutate(secrecy, PASS, p="p-1", o="protection plan approved")
    assert passed["secrecyReview"]["status"] == "PASSED"
    assert [e.type for e in await outbox_events(secrecy)] == [
        "secrecy.classification.confirmed.v1", "secrecy.review.failed.v1", "secrecy.review.passed.v1"]
    [event] = await outbox_events(secrecy, "secrecy.review.passed.v1")
    assert event.data["review_id"] == passed["secrecyReview"]["id"]

    await mutate(secrecy, REGISTER, i=vendor_input("v-1"))
    result = await gql(secrecy, CHECK, UNIT, v="v-1", d="2028-01-01", s="OVERALL_INTEGRATION")
    assert result.data["vendorQualificationCheck"]["qualified"] is False

    await secrecy.consumer(accepted("p-1", classified=True))
    assert (await mutate(secrecy, APPROVE_USE, p="p-1"))["userErrors"][0]["code"] == "R-ACC-5"
    await mutate(secrecy, EVALUATE, p="p-1", i=evaluation_input())
    assert (await mutate(secrecy, APPROVE_USE, p="p-1"))["preUseReview"]["status"] == "APPROVED"

    async with secrecy.sessions() as session:
        history = (await SecrecyRepository(session).decisions_about(SubjectType.PROJECT, ["p-1"]))["p-1"]
        report = await DecisionTrail(orm.trail, session).verify()
    assert len(history) == 8 and report.intact  # R-OVS-1, read back from PostgreSQL
    found = await project(secrecy, "p-1", UNIT)
    assert found["classification"]["level"] == "CONFIDENTIAL" and found["preUseReview"]["status"] == "APPROVED"
    assert await project(secrecy, "p-1", OTHER_UNIT) == {"classification": None, "secrecyReview": None,
                                                          "preUseReview": None}
