"""The vendor-qualification register (R-IMP-2) through the subgraph, on SQLite."""
import pytest

from services.secrecy.adapters import orm
from tests.unit.secrecy.support import (
    ANONYMOUS,
    CHECK,
    OTHER_UNIT,
    REGISTER,
    REVOKE,
    count,
    gql,
    mutate,
    outbox_events,
    snapshot,
    vendor_input,
)

VENDOR = "91430900MA4L000001"
LIST = "query($a: ID) { vendorQualifications(first: 10, after: $a) { vendorId certificateNumber revokedOn } }"


async def check(runtime, day, scope="OVERALL_INTEGRATION", vendor=VENDOR, identity=OTHER_UNIT) -> dict:
    result = await gql(runtime, CHECK, identity, v=vendor, d=day, s=scope)
    assert result.errors is None, result.errors
    return result.data["vendorQualificationCheck"]


async def test_R_IMP_2_registering_a_qualification_announces_it(runtime):
    payload = await mutate(runtime, REGISTER, i=vendor_input(VENDOR))
    assert payload["userErrors"] == []
    assert payload["vendorQualification"]["scopes"] == ["OVERALL_INTEGRATION", "SOFTWARE_DEVELOPMENT"]
    assert [line["action"] for line in payload["vendorQualification"]["history"]] == [
        "REGISTER_VENDOR_QUALIFICATION"]
    [event] = await outbox_events(runtime, "secrecy.vendor.qualified.v1")
    assert event.subject == VENDOR
    assert event.data == {"vendor_id": VENDOR, "vendor_name": "Hunan Secure Systems Co.",
                          "certificate_number": "JC-2025-0042", "grade": "A",
                          "scopes": ["OVERALL_INTEGRATION", "SOFTWARE_DEVELOPMENT"], "valid_from": "2025-01-01",
                          "valid_until": "2027-12-31"}


async def test_R_IMP_2_an_invalid_certificate_is_refused_with_every_problem_and_nothing_is_written(runtime):
    before = await snapshot(runtime)
    payload = await mutate(runtime, REGISTER, i=vendor_input(VENDOR, scopes=[], validUntil="2024-12-31"))
    assert payload["vendorQualification"] is None
    assert {(e["code"], tuple(e["field"])) for e in payload["userErrors"]} == {
        ("R-IMP-2", ("input", "scopes")), ("R-IMP-2", ("input", "validUntil"))}
    assert await snapshot(runtime) == before


async def test_R_IMP_2_the_check_answers_with_the_reason_when_not_qualified(runtime):
    await mutate(runtime, REGISTER, i=vendor_input(VENDOR))
    assert await check(runtime, "2026-06-01") == {"qualified": True, "reason": None}
    assert await check(runtime, "2025-01-01") == {"qualified": True, "reason": None}
    assert await check(runtime, "2027-12-31") == {"qualified": True, "reason": None}
    expired = await check(runtime, "2028-01-01")
    assert expired["qualified"] is False and "expired on 2028-01-01" in expired["reason"]
    early = await check(runtime, "2024-12-31")
    assert early["qualified"] is False and "not yet valid" in early["reason"]
    scope = await check(runtime, "2026-06-01", scope="SHIELDED_ROOM")
    assert scope["qualified"] is False and "does not cover SHIELDED_ROOM" in scope["reason"]
    unknown = await check(runtime, "2026-06-01", vendor="nobody")
    assert unknown["qualified"] is False and "no classified-integration qualification" in unknown["reason"]


async def test_R_IMP_2_a_revocation_is_announced_and_counts_from_its_effective_day(runtime):
    await mutate(runtime, REGISTER, i=vendor_input(VENDOR))
    payload = await mutate(runtime, REVOKE, v=VENDOR, r="secure facility inspection failed", d="2026-07-01")
    assert payload["userErrors"] == [] and payload["vendorQualification"]["revokedOn"] == "2026-07-01"
    [event] = await outbox_events(runtime, "secrecy.vendor.disqualified.v1")
    assert event.data == {"vendor_id": VENDOR, "reason": "secure facility inspection failed",
                          "effective_on": "2026-07-01"}
    assert (await check(runtime, "2026-06-30"))["qualified"] is True
    revoked = await check(runtime, "2026-07-01")
    assert revoked["qualified"] is False and "revoked" in revoked["reason"]
    before = await snapshot(runtime)
    again = await mutate(runtime, REVOKE, v=VENDOR, r="again", d="2026-08-01")
    assert again["userErrors"][0]["code"] == "R-IMP-2" and await snapshot(runtime) == before


async def test_R_IMP_2_a_renewal_replaces_the_certificate_and_is_announced_again(runtime):
    await mutate(runtime, REGISTER, i=vendor_input(VENDOR))
    await mutate(runtime, REVOKE, v=VENDOR, r="lapsed", d="2026-07-01")
    renewed = await mutate(runtime, REGISTER, i=vendor_input(VENDOR, certificateNumber="JC-2026-0100",
                                                             validFrom="2026-08-01", validUntil="2029-07-31"))
    assert renewed["vendorQualification"]["revokedOn"] is None
    assert [line["action"] for line in renewed["vendorQualification"]["history"]] == [
        "REGISTER_VENDOR_QUALIFICATION", "REVOKE_VENDOR_QUALIFICATION", "RENEW_VENDOR_QUALIFICATION"]
    assert await count(runtime, orm.vendor_qualifications) == 1
    assert len(await outbox_events(runtime, "secrecy.vendor.qualified.v1")) == 2
    assert (await check(runtime, "2029-07-31"))["qualified"] is True


async def test_revoking_an_unknown_vendor_is_not_found(runtime):
    payload = await mutate(runtime, REVOKE, v="nobody", r="fraud", d="2026-07-01")
    assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("NOT_FOUND", ["vendorId"])]


async def test_R_IMP_2_any_signed_in_caller_reads_the_register_in_pages_but_not_the_public(runtime):
    for vendor in ("v-b", "v-a", "v-c"):
        await mutate(runtime, REGISTER, i=vendor_input(vendor))
    result = await gql(runtime, LIST, OTHER_UNIT, a=None)
    assert [v["vendorId"] for v in result.data["vendorQualifications"]] == ["v-a", "v-b", "v-c"]
    result = await gql(runtime, LIST, OTHER_UNIT, a="v-a")
    assert [v["vendorId"] for v in result.data["vendorQualifications"]] == ["v-b", "v-c"]
    for query, variables in ((LIST, {"a": None}), (CHECK, {"v": "v-a", "d": "2026-01-01",
                                                           "s": "OVERALL_INTEGRATION"})):
        result = await gql(runtime, query, ANONYMOUS, **variables)
        assert result.errors[0].extensions["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("bad", ["1.5", "2026-02-30", "tomorrow"])
async def test_a_malformed_date_is_a_graphql_input_error(runtime, bad):
    result = await gql(runtime, CHECK, OTHER_UNIT, v=VENDOR, d=bad, s="OVERALL_INTEGRATION")
    assert result.errors and result.data is None
