"""R-PUB-1's open data: the OC4IDS mapping's codes come from the OC4IDS codelists, amounts are exact, the O&M
period counts calendar months. (Whole exports are validated in tests/unit/approval/test_publicity.py and end to end.)"""
from __future__ import annotations

from decimal import Decimal

from shared.open_data import oc4ids
from tests.support.oc4ids import codelist, load

PROJECT = {"id": "p-1", "code": "CITY-2026-0001", "name": "n", "unitId": "u", "kind": "IT_MAINTENANCE",
           "jurisdiction": "CITY", "year": 2026, "status": "IN_OPERATION", "investment": 1_999_999_999,
           "crossYear": False, "fundSources": [{"source": "FISCAL", "amount": 1_999_999_999}], "yearlyPlan": [],
           "milestones": [{"kind": "APPROVED", "at": "2026-03-01T02:00:00+00:00"}], "contract": None, "changes": [],
           "acceptance": None,
           "operation": {"omMonths": 37, "operatingOrganisation": "o", "omAnnualFunding": 1, "startedOn": "2027-01-31"}}


def test_R_PUB_1_every_code_the_mapping_writes_is_in_its_oc4ids_codelist():
    assert set(oc4ids.STATUS.values()) <= codelist("projectStatus")
    assert set(oc4ids.TYPE_BY_SUFFIX.values()) <= codelist("projectType")
    assert set(oc4ids.SECTOR) <= codelist("projectSector")
    assert {kind for _, kind, _ in oc4ids.MILESTONES.values()} <= codelist("milestoneType")
    assert {code for _, _, code in oc4ids.MILESTONES.values() if code} <= codelist("milestoneCode")
    assert oc4ids.CURRENCY in codelist("currency")


def test_R_PUB_1_amounts_are_exact_yuan_from_integer_fen_in_the_written_json():
    assert oc4ids.yuan(1_999_999_999) == Decimal("19999999.99") and oc4ids.yuan(5) == Decimal("0.05")
    text = oc4ids.dumps({"amount": oc4ids.yuan(10**15 - 1)})
    assert text == '{"amount": 9999999999999.99}' and load(text)["amount"] == Decimal("9999999999999.99")


def test_R_PUB_1_the_maintenance_period_counts_the_agreed_months_and_a_kind_without_project_type_has_none():
    project = oc4ids.project(PROJECT)
    assert project["maintenancePeriod"]["startDate"].startswith("2027-01-31")
    assert project["maintenancePeriod"]["endDate"].startswith("2030-02-27")  # 37 months: to 28 Feb 2030, exclusive
    assert "type" not in project and project["id"] == "oc4ids-yiyang-p-1"
