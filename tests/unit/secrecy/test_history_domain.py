"""R-OVS-1: the Secrecy Bureau's decision history is a hash chain per subject, so a line altered or removed
afterwards shows; pure functions here, the stored chain in test_service_history.py."""
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from services.secrecy.domain.history import GENESIS, SubjectType, chain_is_intact, decision, decision_hash
from tests.unit.secrecy.support import BUREAU

T0 = datetime(2026, 4, 1, 2, 0, tzinfo=timezone.utc)


def chained(*lines):
    previous, out = GENESIS, []
    for line in lines:
        stored = replace(line, previous_hash=previous, entry_hash=decision_hash(previous, line))
        out.append(stored)
        previous = stored.entry_hash
    return out


LINES = chained(
    decision(BUREAU, SubjectType.PROJECT, "p-1", "CONFIRM_CLASSIFICATION", T0, level="SECRET"),
    decision(BUREAU, SubjectType.PROJECT, "p-1", "FAIL_SECRECY_REVIEW", T0 + timedelta(days=1), ("no plan",)),
    decision(BUREAU, SubjectType.PROJECT, "p-1", "REOPEN_SECRECY_REVIEW", T0 + timedelta(days=9)),
)


def test_R_OVS_1_an_untouched_chain_is_intact():
    assert chain_is_intact(LINES) and chain_is_intact([])
    assert LINES[0].previous_hash == GENESIS and LINES[1].previous_hash == LINES[0].entry_hash


def test_R_OVS_1_an_altered_reason_shows():
    assert not chain_is_intact([LINES[0], replace(LINES[1], reasons=("all fine",)), LINES[2]])


def test_R_OVS_1_an_altered_detail_or_time_or_actor_shows():
    assert not chain_is_intact([replace(LINES[0], details={"level": "TOP_SECRET"}), *LINES[1:]])
    assert not chain_is_intact([LINES[0], replace(LINES[1], at=T0), LINES[2]])
    assert not chain_is_intact([LINES[0], LINES[1], replace(LINES[2], actor="someone-else")])


def test_R_OVS_1_a_removed_line_shows():
    assert not chain_is_intact([LINES[0], LINES[2]])
    assert not chain_is_intact(LINES[1:])


def test_R_OVS_1_the_hash_does_not_depend_on_the_time_zone_an_instant_is_written_in():
    shanghai = timezone(timedelta(hours=8))
    line = decision(BUREAU, SubjectType.VENDOR, "v-1", "REGISTER_VENDOR_QUALIFICATION", T0)
    assert decision_hash(GENESIS, line) == decision_hash(GENESIS, replace(line, at=T0.astimezone(shanghai)))
