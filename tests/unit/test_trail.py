"""R-OVS-1: the decision trail every service shares (shared.trail, shared.trail_store). Whatever is altered, removed,
reordered or cut off afterwards, the walk stops at the first broken entry and names what is wrong; a classified
project's entry can be shown without its content and its links still check (R-SEC-2). On SQLite here (the
concurrent appends on PostgreSQL: tests/integration/test_trail_postgres.py)."""
import asyncio
import hashlib
import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import MetaData, column, func, update

from shared.auth import Department, Identity
from shared.db import create_engine, create_session_factory
from shared.trail import (
    CONTENT_ALTERED,
    ENTRY_MISSING,
    GENESIS,
    LINK_BROKEN,
    Decision,
    canonical,
    chain,
    link_hash,
    sha256,
    verify,
)
from shared.trail_graphql import as_read_by
from shared.trail_store import DecisionTrail, trail_tables
from shared.visibility import SECRECY_CLEARANCE_ROLE

T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)


def decision(i: int, classified: bool = False) -> Decision:
    return Decision(at=T0 + timedelta(minutes=i), department="FINANCE_BUREAU", unit="finance", actor="clerk",
                    action="MAKE_PAYMENT", subject_type="PROJECT", subject_id=f"p-{i}", project_id=f"p-{i}",
                    rule="R-FIN-1", reason="tranche 1", details={"n": i, "amount": 100 * i}, classified=classified)


def entries(n: int, classified_every: int = 0) -> list:
    found, previous = [], GENESIS
    for i in range(1, n + 1):
        found.append(chain(i, previous, decision(i, bool(classified_every and i % classified_every == 0))))
        previous = found[-1].entry_hash
    return found


def test_R_OVS_1_the_encoding_is_sorted_key_json_and_sha256_anyone_can_recompute():
    entry = entries(1)[0]
    content = json.loads(entry.content)
    assert list(content) == sorted(content) and entry.content == canonical(content)
    assert content == {"at": "2026-03-01T00:01:00+00:00", "department": "FINANCE_BUREAU", "unit": "finance",
                       "actor": "clerk", "action": "MAKE_PAYMENT", "subject_type": "PROJECT", "subject_id": "p-1",
                       "project_id": "p-1", "rule": "R-FIN-1", "reason": "tranche 1",
                       "details": {"amount": 100, "n": 1}}
    assert entry.content_digest == hashlib.sha256(entry.content.encode()).hexdigest()
    link = json.dumps({"classified": False, "content": entry.content_digest, "previous": GENESIS, "seq": 1},
                      separators=(",", ":"))
    assert entry.entry_hash == hashlib.sha256(link.encode()).hexdigest() == link_hash(1, GENESIS, sha256(
        entry.content), False)


def test_R_OVS_1_an_untouched_chain_is_intact_and_reports_its_head():
    chained = entries(30)
    report = verify(chained, head=(30, chained[-1].entry_hash))
    assert report.intact and report.checked == 30 and report.head_seq == 30
    assert report.head_hash == chained[-1].entry_hash and chained[0].previous_hash == GENESIS
    assert verify([], head=(0, GENESIS)).intact


def test_R_OVS_1_altered_content_is_named_at_that_entry():
    chained = entries(20)
    chained[11] = replace(chained[11], content=chained[11].content.replace('"n":12', '"n":13'))
    report = verify(chained)
    assert (report.broken.seq, report.broken.kind, report.checked) == (12, CONTENT_ALTERED, 11)


def test_R_OVS_1_content_rehashed_to_fit_is_still_caught_by_its_own_hash_and_then_the_link():
    chained = entries(20)
    forged = chained[4].content.replace("clerk", "someone else")
    chained[4] = replace(chained[4], content=forged, content_digest=sha256(forged), indexed=None)
    assert (verify(chained).broken.seq, verify(chained).broken.kind) == (5, CONTENT_ALTERED)
    relinked = replace(chained[4], entry_hash=link_hash(5, chained[4].previous_hash, sha256(forged), False))
    chained[4] = relinked
    assert (verify(chained).broken.seq, verify(chained).broken.kind) == (6, LINK_BROKEN)


def test_R_OVS_1_a_searchable_column_that_no_longer_says_what_the_content_says_is_altered_content():
    chained = entries(5)
    chained[2] = replace(chained[2], indexed={**chained[2].indexed, "project_id": "p-elsewhere"})
    assert (verify(chained).broken.seq, verify(chained).broken.kind) == (3, CONTENT_ALTERED)


def test_R_OVS_1_a_removed_entry_is_named_where_it_is_missing():
    chained = entries(10)
    del chained[6]
    assert (verify(chained).broken.seq, verify(chained).broken.kind) == (7, ENTRY_MISSING)


def test_R_OVS_1_an_entry_renumbered_after_a_removal_does_not_link():
    chained = entries(10)
    del chained[6]
    chained[6:] = [replace(e, seq=e.seq - 1) for e in chained[6:]]
    assert (verify(chained).broken.seq, verify(chained).broken.kind) == (7, LINK_BROKEN)


def test_R_OVS_1_entries_cut_off_at_the_end_are_missing_against_the_head():
    chained = entries(10)
    report = verify(chained[:8], head=(10, chained[-1].entry_hash))
    assert (report.broken.seq, report.broken.kind, report.checked) == (9, ENTRY_MISSING, 8)


def test_R_OVS_1_a_flipped_classified_flag_breaks_the_entry():
    chained = entries(5)
    chained[2] = replace(chained[2], classified=True)
    assert verify(chained).broken.seq == 3


def test_R_SEC_2_withheld_contents_still_leave_every_link_checkable():
    chained = [e.withheld() if e.classified else e for e in entries(30, classified_every=3)]
    report = verify(chained)
    assert report.intact and report.withheld == 10 and report.checked == 30
    chained[8] = replace(chained[8], content_digest="0" * 64)  # a withheld entry is still bound by its hash
    assert verify(chained).broken.seq == 9


def test_R_OVS_1_enums_instants_dates_and_sets_have_one_encoding():
    from enum import Enum

    class Kind(str, Enum):
        A = "A"

    shanghai = timezone(timedelta(hours=8))
    one = replace(decision(1), at=decision(1).at.astimezone(shanghai), details={"kind": Kind.A, "tags": {"b", "a"},
                                                                    "on": T0.date()})
    other = replace(decision(1), details={"on": "2026-03-01", "tags": ["a", "b"], "kind": "A"})
    assert one.content() == other.content()


@pytest.fixture
async def store(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'trail.db'}")
    metadata = MetaData()
    tables = trail_tables(metadata)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
        await connection.execute(tables.head.insert().values(id=1, seq=0, entry_hash=GENESIS))
    yield tables, create_session_factory(engine)
    await engine.dispose()


async def append(sessions, tables, *decisions):
    async with sessions() as session, session.begin():
        return await DecisionTrail(tables, session).append(*decisions)


async def test_R_OVS_1_the_store_appends_in_order_reads_by_subject_and_verifies(store):
    tables, sessions = store
    await append(sessions, tables, decision(1))
    await append(sessions, tables, decision(2), replace(decision(3), subject_id="p-1", project_id="p-1"))
    async with sessions() as session:
        trail = DecisionTrail(tables, session)
        assert [e.seq for e in await trail.entries()] == [1, 2, 3]
        assert [e.seq for e in (await trail.about("PROJECT", ["p-1", "p-9"]))["p-1"]] == [1, 3]
        assert (await trail.about("PROJECT", ["p-9"]))["p-9"] == []
        report = await trail.verify()
        assert report.intact and report.checked == 3 and (report.head_seq, report.head_hash) == await trail.head()


async def test_R_OVS_1_a_decision_rolled_back_leaves_no_entry_and_no_gap(store):
    tables, sessions = store
    await append(sessions, tables, decision(1))
    async with sessions() as session:
        await session.begin()
        await DecisionTrail(tables, session).append(decision(2))
        await session.rollback()
    await append(sessions, tables, decision(3))
    async with sessions() as session:
        trail = DecisionTrail(tables, session)
        assert [e.seq for e in await trail.entries()] == [1, 2] and (await trail.verify()).intact


async def test_R_OVS_1_a_transaction_reads_its_own_decisions_before_it_commits(store):
    """Decisions are chained as the transaction commits, or before it reads the trail: its own reads see them."""
    tables, sessions = store
    await append(sessions, tables, decision(1))
    async with sessions() as session, session.begin():
        trail = DecisionTrail(tables, session)
        await trail.append(decision(2), replace(decision(3), subject_id="p-1", project_id="p-1"))
        assert [e.seq for e in (await trail.about("PROJECT", ["p-1"]))["p-1"]] == [1, 3]
        await trail.append(decision(4))
        assert (await trail.head())[0] == 4
    async with sessions() as session:
        assert [e.seq for e in await DecisionTrail(tables, session).entries()] == [1, 2, 3, 4]


async def test_R_OVS_1_concurrent_appends_on_sqlite_queue_on_the_write_lock_and_chain_in_order(store):
    tables, sessions = store
    await asyncio.gather(*(append(sessions, tables, decision(i)) for i in range(1, 21)))
    async with sessions() as session:
        report = await DecisionTrail(tables, session).verify()
    assert report.intact and report.checked == 20


@pytest.mark.parametrize("change, seq, kind", [
    ({"content": func.replace(column("content"), "tranche 1", "tranche 9")}, 2,
     CONTENT_ALTERED),
    ({"action": "IMPOSE_SANCTION"}, 2, CONTENT_ALTERED),
    ({"previous_hash": "f" * 64}, 2, LINK_BROKEN),
])
async def test_R_OVS_1_a_row_altered_behind_the_stores_back_is_named(store, change, seq, kind):
    tables, sessions = store
    await append(sessions, tables, decision(1), decision(2), decision(3))
    async with sessions() as session, session.begin():
        await session.execute(update(tables.entries).where(tables.entries.c.seq == 2).values(**change))
    async with sessions() as session:
        report = await DecisionTrail(tables, session).verify()
    assert (report.broken.seq, report.broken.kind, report.checked) == (seq, kind, 1)


async def test_R_OVS_1_a_row_deleted_behind_the_stores_back_is_missing_even_the_last(store):
    tables, sessions = store
    await append(sessions, tables, decision(1), decision(2), decision(3))
    async with sessions() as session, session.begin():
        await session.execute(tables.entries.delete().where(tables.entries.c.seq == 3))
    async with sessions() as session:
        report = await DecisionTrail(tables, session).verify()
    assert (report.broken.seq, report.broken.kind, report.checked) == (3, ENTRY_MISSING, 2)
    async with sessions() as session, session.begin():
        await session.execute(tables.entries.delete().where(tables.entries.c.seq == 1))
    async with sessions() as session:
        report = await DecisionTrail(tables, session).verify()
    assert (report.broken.seq, report.broken.kind) == (1, ENTRY_MISSING)


async def test_R_SEC_2_an_entry_naming_a_project_classified_since_is_withheld_from_readers_without_clearance():
    """A special-fund plan's entry names its projects in its lines, not as the project it is about: once one of them
    is classified, the supervisory commission without clearance no longer reads the entry; with clearance it does."""
    plan = chain(1, GENESIS, Decision(
        at=T0, department="FINANCE_BUREAU", unit="finance", actor="clerk", action="DRAFT_PLAN",
        subject_type="SPECIAL_FUND_PLAN", subject_id="CITY:2026", details={"lines": {"p-secret": 500, "p-open": 7}}))
    ordinary = chain(2, plan.entry_hash, decision(2))

    async def classified_among(_session, project_ids):
        return {"p-secret"} & set(project_ids)

    commission = Identity(department=Department.SUPERVISORY_COMMISSION, unit="commission")
    shown = await as_read_by(None, [plan, ordinary], commission, classified_among)
    assert [e.content is None for e in shown] == [True, False]
    cleared = Identity(department=Department.SUPERVISORY_COMMISSION, unit="commission", roles=(SECRECY_CLEARANCE_ROLE,))
    assert [e.content is None for e in await as_read_by(None, [plan, ordinary], cleared, classified_among)] == [
        False, False]
