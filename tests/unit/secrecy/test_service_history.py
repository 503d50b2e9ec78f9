"""R-OVS-1 on SQLite: every decision is stored as a line of its subject's hash chain; tampering with a stored line
shows, and the chain cannot fork."""
import pytest
from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError

from services.secrecy.adapters import orm
from services.secrecy.adapters.repository import SecrecyRepository
from services.secrecy.domain.history import GENESIS, SubjectType, chain_is_intact
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


async def test_R_OVS_1_every_decision_extends_its_subjects_chain(runtime):
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
    assert chain_is_intact(project_lines) and chain_is_intact(await lines(runtime, SubjectType.VENDOR, "v-1"))
    shown = (await project(runtime, "p-1"))["classification"]["history"]
    assert len(shown) == 5


async def test_R_OVS_1_a_line_altered_in_the_database_shows(runtime):
    await runtime.consumer(approved("p-1", classified=True))
    await mutate(runtime, FAIL, p="p-1", r=["no plan"])
    async with runtime.engine.begin() as connection:
        await connection.execute(update(orm.decisions).where(orm.decisions.c.action == "FAIL_SECRECY_REVIEW")
                                 .values(reasons=["everything was fine"]))
    assert not chain_is_intact(await lines(runtime, SubjectType.PROJECT, "p-1"))


async def test_R_OVS_1_the_chain_cannot_fork(runtime):
    """Two transactions appending to one subject at once would both chain onto the same line: the second fails."""
    await runtime.consumer(approved("p-1", classified=True))
    [first] = await lines(runtime, SubjectType.PROJECT, "p-1")
    assert first.previous_hash == GENESIS
    with pytest.raises(IntegrityError):
        async with runtime.engine.begin() as connection:
            await connection.execute(insert(orm.decisions).values(
                subject_type="PROJECT", subject_id="p-1", action="FORGED", at=first.at, department="X", unit=None,
                actor="x", reasons=[], details={}, previous_hash=GENESIS, entry_hash="0" * 64))


async def test_R_OVS_1_two_lines_written_in_one_transaction_chain_in_order(runtime):
    await runtime.consumer(approved("p-2", classified=False))
    await mutate(runtime, CONFIRM, p="p-2", l="TOP_SECRET")  # confirms, and opens the review, in one transaction
    both = await lines(runtime, SubjectType.PROJECT, "p-2")
    assert [line.action for line in both] == ["CONFIRM_CLASSIFICATION", "OPEN_SECRECY_REVIEW"]
    assert both[1].previous_hash == both[0].entry_hash and chain_is_intact(both)
