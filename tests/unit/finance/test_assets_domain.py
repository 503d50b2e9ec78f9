"""Asset registration's pure rules (R-FIN-7): the grace period's boundary, the status, the value check."""
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from services.finance.domain import asset_oversight as oversight
from services.finance.domain import assets
from services.finance.domain.history import Actor
from services.finance.domain.oversight import SettlementReview
from services.finance.domain.project_facts import AcceptanceFacts
from shared.errors import DomainError
from shared.money import MAJOR_THRESHOLD_FEN

ACCEPTED = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.utc)
GRACE = timedelta(days=90)
UNIT = Actor("CONSTRUCTION_UNIT", "health-commission", "clerk")
FINANCE = Actor("FINANCE_BUREAU", "finance", "officer")
DETAILS = assets.AssetDetails(assets.AssetCategory.HARDWARE, "server", 2, 100_00, "Li", "room 3", "ZC-1")


def accepted(**changes) -> assets.AssetRegistration:
    return replace(assets.AssetRegistration("p-1", accepted_at=ACCEPTED), **changes)


def with_line(registration: assets.AssetRegistration) -> assets.AssetRegistration:
    line, _ = assets.register_asset(registration, DETAILS, asset_id="a-1", unit_id="health-commission",
                                    card_holder=None, actor=UNIT, now=ACCEPTED)
    return replace(registration, lines=(line,))


def test_R_FIN_7_the_grace_period_passes_just_after_its_last_instant():
    end = ACCEPTED + GRACE
    assert not oversight.grace_passed(ACCEPTED, GRACE, end)
    assert oversight.grace_passed(ACCEPTED, GRACE, end + timedelta(microseconds=1))
    assert not oversight.overdue(accepted(), GRACE, end)
    assert oversight.overdue(accepted(), GRACE, end + timedelta(microseconds=1))
    assert oversight.whole_days(end, end + timedelta(days=2, hours=23)) == 2


def test_R_FIN_7_a_complete_or_unaccepted_registration_is_never_overdue():
    late = ACCEPTED + GRACE + timedelta(days=400)
    assert not oversight.overdue(accepted(completed_at=ACCEPTED), GRACE, late)
    assert accepted(accepted_at=None).status is assets.RegistrationStatus.NOT_ACCEPTED


def test_R_FIN_7_the_status_follows_the_active_lines():
    registration = accepted()
    assert registration.status is assets.RegistrationStatus.NOT_STARTED
    registration = with_line(registration)
    assert registration.status is assets.RegistrationStatus.IN_PROGRESS
    withdrawn, _ = assets.withdraw_asset(registration, "a-1", "a mistake", actor=UNIT, now=ACCEPTED)
    assert replace(registration, lines=(withdrawn,)).status is assets.RegistrationStatus.NOT_STARTED


def test_R_FIN_7_a_reminder_inside_the_grace_period_is_refused():
    with pytest.raises(DomainError) as refused:
        oversight.remind(accepted(), grace=GRACE, note=None, reminder_id="r", actor=FINANCE, now=ACCEPTED + GRACE)
    assert refused.value.violations[0].code == "R-FIN-7"
    reminder, updated, entry = oversight.remind(accepted(), grace=GRACE, note=" soon ", reminder_id="r",
                                                actor=FINANCE, now=ACCEPTED + GRACE + timedelta(days=1))
    assert (reminder.note, updated.reminder_count, entry.detail["days_since_acceptance"]) == ("soon", 1, 91)


ACCEPTANCE = AcceptanceFacts(ACCEPTED, investment=900_000_00, approved_budget=900_000_00, contract_sum=850_000_00,
                             self_funded=False)


@pytest.mark.parametrize("acceptance, settlement, expected", [
    (ACCEPTANCE, SettlementReview("p-1", 800_000_00, None, ACCEPTED, FINANCE),
     (oversight.ValueBasis.SETTLEMENT_REVIEW, 800_000_00, 20_000_00, False)),
    (ACCEPTANCE, None, (oversight.ValueBasis.CONTRACT_SUM, 850_000_00, -30_000_00, False)),
    (replace(ACCEPTANCE, contract_sum=0), None, (oversight.ValueBasis.ACCEPTED_INVESTMENT, 900_000_00, -80_000_00,
                                                 False)),
    (None, None, (oversight.ValueBasis.NONE, None, None, None)),
])
def test_R_FIN_7_the_registered_value_against_the_settled_amount(acceptance, settlement, expected):
    check = oversight.value_check(820_000_00, acceptance, settlement)
    assert (check.basis, check.settled_value, check.difference, check.matches) == expected


def test_R_FIN_7_registered_equal_to_settled_matches():
    check = oversight.value_check(850_000_00, ACCEPTANCE, None)
    assert (check.difference, check.matches) == (0, True)
    major = oversight.value_check(1, replace(ACCEPTANCE, investment=MAJOR_THRESHOLD_FEN), None)
    assert "audited in full" in major.explanation


def test_R_FIN_7_a_correction_keeps_the_line_before_and_after():
    registration = with_line(accepted())
    line, entry = assets.correct_asset(registration, "a-1", {"quantity": 3}, "count again", card_holder=None,
                                       actor=UNIT, now=ACCEPTED)
    assert (line.revision, entry.detail["before"]["quantity"], entry.detail["after"]["quantity"]) == (2, 2, 3)
    with pytest.raises(ValueError):
        assets.correct_asset(registration, "a-1", {"owner": "x"}, "r", card_holder=None, actor=UNIT, now=ACCEPTED)


def test_R_FIN_7_a_card_number_held_by_another_line_is_refused():
    with pytest.raises(DomainError) as refused:
        assets.register_asset(accepted(), DETAILS, asset_id="a-2", unit_id="u", card_holder="a-1", actor=UNIT,
                              now=ACCEPTED)
    assert [(v.code, v.field) for v in refused.value.violations] == [("R-FIN-7", ("input", "cardNumber"))]
