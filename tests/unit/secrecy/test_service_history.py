"""R-OVS-1 on SQLite: every decision of the Secrecy Bureau is an entry of its decision trail, citing its rule; the
project's and the vendor's history read back from it; a line altered in the database is named by the verifier."""
from sqlalchemy import func, update

from services.secrecy.adapters import orm
from services.secrecy.adapters.repository import SecrecyRepository
from services.secrecy.domain.history import SubjectType
from shared.trail_store import DecisionTrail
from tests.unit.secrecy.support import (
    CONFIRM,
    FAIL,
    PASS,
    REGISTER,
    REOPEN,
    REVOKE,
    approved,
    mutate,
    project,
    submitted,
    vendor_input,
)


async def lines(runtime, subject_type, subject_id):
    async with runtime.sessions() as session:
        return (await SecrecyRepository(session).decisions_about(subject_type, [subject_id]))[subject_id]


async def verified(runtime):
    async with runtime.sessions() as session:
        return await DecisionTrail(orm.trail, session).verify()


async def test_R_OVS_1_every_decision_lands_on_the_trail_with_its_rule(runtime):
    await runtime.consumer(submitted("p-1", declared_classified=True))
    await runtime.consumer(approved("p-1", classified=True))
    await mutate(runtime, CONFIRM, p="p-1", l="SECRET")
    await mutate(runtime, FAIL, p="p-1", r=["no plan"])
    await mutate(runtime, REOPEN, p="p-1")
    await mutate(runtime, PASS, p="p-1", o="ok")
    await mutate(runtime, REGISTER, i=vendor_input("v-1"))
    await mutate(runtime, REVOKE, v="v-1", r="fraud", d="2026-06-01")
    project_lines = await lines(runtime, SubjectType.PROJECT, "p-1")
    assert [line.action for line in project_lines] == [
        "OPEN_SECRECY_REVIEW", "CONFIRM_CLASSIFICATION", "FAIL_SECRECY_REVIEW", "REOPEN_SECRECY_REVIEW",
        "PASS_SECRECY_REVIEW"]
    assert project_lines[2].reasons == ("no plan",) and project_lines[1].details["level"] == "SECRET"
    report = await verified(runtime)
    assert report.intact and report.checked == 7
    async with runtime.sessions() as session:
        entries = await DecisionTrail(orm.trail, session).entries()
    assert [e.decision()["rule"] for e in entries] == ["R-REV-3", "R-SEC-2", "R-REV-3", "R-REV-3", "R-REV-3",
                                                        "R-IMP-2", "R-IMP-2"]
    assert all(e.classified for e in entries[:5]) and not any(e.classified for e in entries[5:])
    shown = (await project(runtime, "p-1"))["classification"]["history"]
    assert [line["reasons"] for line in shown][2] == ["no plan"] and len(shown) == 5


async def test_R_OVS_1_a_line_altered_in_the_database_is_named_by_the_verifier(runtime):
    await runtime.consumer(approved("p-1", classified=True))
    await mutate(runtime, FAIL, p="p-1", r=["no plan"])
    async with runtime.engine.begin() as connection:
        await connection.execute(update(orm.trail.entries).where(orm.trail.entries.c.action == "FAIL_SECRECY_REVIEW")
                                 .values(content=func.replace(orm.trail.entries.c.content, "no plan", "all fine")))
    report = await verified(runtime)
    assert report.broken.seq == 2 and report.broken.kind == "CONTENT_ALTERED" and report.checked == 1


async def test_R_OVS_1_two_lines_written_in_one_transaction_chain_in_order(runtime):
    await runtime.consumer(approved("p-2", classified=False))
    await mutate(runtime, CONFIRM, p="p-2", l="TOP_SECRET")  # confirms, and opens the review, in one transaction
    both = await lines(runtime, SubjectType.PROJECT, "p-2")
    assert [line.action for line in both] == ["CONFIRM_CLASSIFICATION", "OPEN_SECRECY_REVIEW"]
    assert both[1].previous_hash == both[0].entry_hash and (await verified(runtime)).intact
