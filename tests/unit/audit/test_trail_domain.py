"""R-OVS-1: the audit trail's chain. Every decision is one entry linked to the one before; whatever is altered,
removed or reordered afterwards, the walk stops at the first broken link and names it."""
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from services.audit.domain.trail import GENESIS, Decision, append, verify_chain

T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)


def chain(n: int, classified_every: int = 0):
    entries, previous = [], None
    for i in range(n):
        decision = Decision(at=T0 + timedelta(minutes=i), department="AUDIT_BUREAU", unit="audit", actor="clerk",
                            action="START_FIELDWORK", subject_type="ENGAGEMENT", subject_id=f"e-{i}",
                            project_id=f"p-{i}", classified=bool(classified_every and i % classified_every == 0),
                            details={"n": i})
        previous = append(previous, decision)
        entries.append(previous)
    return entries


def test_R_OVS_1_an_untouched_chain_is_intact_and_reports_its_head():
    entries = chain(50)
    report = verify_chain(entries)
    assert report.intact and report.checked == 50 and report.head_seq == 50
    assert report.head_hash == entries[-1].entry_hash and entries[0].previous_hash == GENESIS


def test_R_OVS_1_altered_content_is_reported_at_that_entry():
    entries = chain(20)
    entries[11] = replace(entries[11], content=entries[11].content.replace('"n":11', '"n":12'))
    report = verify_chain(entries)
    assert report.broken.seq == 12 and "content" in report.broken.problem and report.checked == 11


def test_R_OVS_1_content_rehashed_to_fit_is_still_caught_by_the_link():
    import hashlib

    entries = chain(20)
    forged = entries[4].content.replace("clerk", "someone else")
    entries[4] = replace(entries[4], content=forged, content_digest=hashlib.sha256(forged.encode()).hexdigest())
    assert verify_chain(entries).broken.seq == 5


def test_R_OVS_1_a_removed_entry_is_reported_where_it_is_missing():
    entries = chain(10)
    del entries[6]
    report = verify_chain(entries)
    assert report.broken.seq == 7 and "missing" in report.broken.problem


def test_R_OVS_1_an_entry_relinked_after_a_removal_does_not_link():
    entries = chain(10)
    del entries[6]
    entries[6:] = [replace(e, seq=e.seq - 1) for e in entries[6:]]
    report = verify_chain(entries)
    assert report.broken.seq == 7 and "link" in report.broken.problem


def test_R_OVS_1_a_flipped_classified_flag_breaks_the_entry_hash():
    entries = chain(5)
    entries[2] = replace(entries[2], classified=True)
    assert verify_chain(entries).broken.seq == 3


def test_R_SEC_2_withheld_contents_still_leave_every_link_checkable():
    entries = [e.withheld() if e.classified else e for e in chain(30, classified_every=3)]
    report = verify_chain(entries)
    assert report.intact and report.withheld == 10 and report.checked == 30
    entries[9] = replace(entries[9], content_digest="0" * 64)  # a withheld entry is still bound by its hash
    assert verify_chain(entries).broken.seq == 10


def test_R_OVS_1_the_tail_can_be_checked_from_a_trusted_entry():
    entries = chain(10)
    report = verify_chain(entries[5:], after_seq=5, after_hash=entries[4].entry_hash)
    assert report.intact and report.checked == 5
    assert not verify_chain(entries[5:], after_seq=5, after_hash=GENESIS).intact
