"""Every input has a type and a bound, refused as the caller's mistake naming the field, and nothing is written.

Defect found by probing: amounts of 10^30 or 2^63 and the string "²" were 'Unexpected error' (the database driver
overflowed); "12345", " 12 " and Arabic-Indic digits were taken as integer fen; a 100,000-character project name
was stored; a NUL byte was stored on SQLite and 'Unexpected error' on PostgreSQL; forged key fields in `_entities`
were 'Unexpected error'. Rules: shared/money.py (Fen: a JSON/GraphQL integer, 0..MAX_FEN), shared/text.py (lines
of at most 200 characters, texts of at most 4000, no control character), shared/graphql_inputs.py."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from services.approval.adapters.orm import projects, trail
from services.audit.app import DEFINITION as AUDIT
from services.finance.app import DEFINITION as FINANCE
from services.secrecy.app import DEFINITION as SECRECY
from shared.auth import Department, Identity
from shared.graphql import FEN_SCALAR, RequestContext
from shared.money import MAX_FEN, MoneyError, parse_fen
from shared.text import LINE_MAX, LIST_MAX, TEXT_MAX
from tests.unit.approval.builders import BUREAU, UNIT
from tests.unit.approval.conftest import approval  # noqa: F401  (the approval service on SQLite)
from tests.unit.approval.test_service import CREATE, create_input

BAD_AMOUNTS = [10**30, 2**63, MAX_FEN + 1, "²", "12345", " 12 ", "١٢٣", True, 12.5, -1]
ENTITIES = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Project { id } } }"


async def written(approval) -> tuple[int, int, int]:
    async with approval.runtime.sessions() as session:
        return tuple([(await session.execute(select(func.count()).select_from(table))).scalar_one()
                      for table in (projects, trail.entries, approval.runtime.outbox)])


@pytest.mark.parametrize("amount", BAD_AMOUNTS, ids=repr)
def test_parse_fen_takes_only_a_whole_number_within_the_ceiling(amount):
    with pytest.raises(MoneyError):
        parse_fen(amount)


def test_the_ceiling_is_taken_and_fits_a_bigint_with_room():
    assert parse_fen(MAX_FEN) == MAX_FEN and parse_fen(0) == 0
    assert MAX_FEN * 1000 < 2**63 and str(MAX_FEN) in FEN_SCALAR.description


@pytest.mark.parametrize("amount", BAD_AMOUNTS, ids=repr)
async def test_a_bad_amount_in_a_variable_is_BAD_USER_INPUT_naming_the_field_and_nothing_is_written(approval, amount):
    before = await written(approval)
    result = await approval.call(UNIT, CREATE, input=create_input() | {"investmentEstimate": amount})
    assert [e["code"] for e in result["errors"]] == ["BAD_USER_INPUT"] and result["data"] is None
    assert "investmentEstimate" in result["errors"][0]["message"]
    nested = await approval.call(UNIT, CREATE, input=create_input() | {"fundSources": [
        {"source": "FISCAL", "amount": amount}]})
    assert "fundSources[0].amount" in nested["errors"][0]["message"]
    assert await written(approval) == before


@pytest.mark.parametrize("literal", ["1000000000000000000000000000000", "9223372036854775808", '"12345"', '" 12 "',
                                     '"²"', '"١٢٣"', "12.5", "-1", "true"])
async def test_a_bad_amount_written_in_the_query_is_BAD_USER_INPUT(approval, literal):
    mutation = ('mutation { createProject(input: {name: "n", kind: APPLICATION_SYSTEM_NEW, '
                f'investmentEstimate: {literal}, fundSources: []}}) {{ userErrors {{ code }} }} }}')
    before = await written(approval)
    result = await approval.call(UNIT, mutation)
    assert {e["code"] for e in result["errors"]} <= {"BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"}, result
    assert "Unexpected" not in str(result) and await written(approval) == before


@pytest.mark.parametrize("name,why", [("x" * 100_000, "at most 200 characters"), ("x" * (LINE_MAX + 1), "at most"),
                                      ("Health\x00data", "U+0000"), ("Health\ndata", "U+000A"),
                                      ("Health\x85data", "U+0085"), ("Health\ud800data", "U+D800")])
async def test_a_project_name_is_one_line_of_at_most_200_characters_and_nothing_is_written(approval, name, why):
    before = await written(approval)
    result = await approval.call(UNIT, CREATE, input=create_input(name=name))
    assert result["createProject"]["project"] is None
    [error] = result["createProject"]["userErrors"]
    assert (error["code"], error["field"]) == ("INVALID", ["input", "name"]) and why in error["message"]
    assert await written(approval) == before


async def test_a_reason_is_a_text_keeping_line_breaks_but_no_NUL_and_each_item_of_a_list_is_named(approval):
    created = await approval.call(UNIT, CREATE, input=create_input())
    project_id = created["createProject"]["project"]["id"]
    before = await written(approval)
    mutation = ("mutation($id: ID!, $reasons: [String!]!) { rejectProject(id: $id, reasons: $reasons) "
                "{ project { id } userErrors { code field message } } }")
    for reasons, field in ((["fine", "bad\x00"], ["reasons", "1"]), (["y" * (TEXT_MAX + 1)], ["reasons", "0"]),
                          (["again"] * (LIST_MAX + 1), ["reasons"])):  # a list has a bound too
        result = (await approval.call(BUREAU, mutation, id=project_id, reasons=reasons))["rejectProject"]
        assert [(e["code"], e["field"]) for e in result["userErrors"]] == [("INVALID", field)]
    assert await written(approval) == before
    kept = await approval.call(UNIT, CREATE, input=create_input(name="  Health data platform  "))
    assert kept["createProject"]["userErrors"] == []


async def test_a_NUL_in_an_id_is_refused_before_the_database_sees_it(approval):
    mutation = "mutation($id: ID!) { submitProject(id: $id) { project { id } userErrors { code field } } }"
    result = await approval.call(UNIT, mutation, id="p\x00")
    assert result["submitProject"]["userErrors"] == [{"code": "INVALID", "field": ["id"]}]


# The other three services: the same rule at the same edge, before any resolver (so no database is needed here).
SERVICE_CALLS = [
    (FINANCE, Department.FINANCE_BUREAU,
     "mutation($r: String) { reviewSpecialFundPlan(jurisdiction: \"CITY\", year: 2026, approve: false, reason: $r) "
     "{ userErrors { code field } } }", "reviewSpecialFundPlan", ["reason"]),
    (AUDIT, Department.AUDIT_BUREAU,
     "mutation($r: String!) { closeAuditEngagement(engagementId: \"e-1\", conclusion: $r) "
     "{ userErrors { code field } } }", "closeAuditEngagement", ["conclusion"]),
    (SECRECY, Department.SECRECY_BUREAU,
     "mutation($r: String!) { declassifyProject(projectId: \"p-1\", reason: $r) { userErrors { code field } } }",
     "declassifyProject", ["reason"]),
]


@pytest.mark.parametrize("definition,department,mutation,name,field", SERVICE_CALLS, ids=lambda v: getattr(v, "name", None))
@pytest.mark.parametrize("text", ["a\x00b", "z" * 100_000])
async def test_every_service_refuses_a_NUL_or_an_endless_text_as_INVALID_naming_the_field(
        definition, department, mutation, name, field, text):
    context = RequestContext(identity=Identity(department, unit="bureau"), runtime=None)
    result = await definition.schema_factory().execute(mutation, variable_values={"r": text}, context_value=context)
    assert result.errors is None, result.errors
    assert result.data[name]["userErrors"] == [{"code": "INVALID", "field": field}]


@pytest.mark.parametrize("definition,mutation", [
    (FINANCE, "mutation { grantReward(input: {projectId: \"p\", amount: %s, reason: \"r\"}) { userErrors { code } } }"),
    (AUDIT, "mutation { publishAuditFinding(engagementId: \"e\", input: {violationType: OTHER, amount: %s, "
            "summary: \"s\", evidence: []}) { userErrors { code } } }"),
], ids=["finance", "audit"])  # the secrecy service takes no amount
async def test_every_service_refuses_a_huge_amount_as_BAD_USER_INPUT(definition, mutation):
    context = RequestContext(identity=Identity(Department.PUBLIC), runtime=None)
    for amount in (10**30, 2**63, '"12345"'):
        result = await definition.schema_factory().execute(mutation % amount, context_value=context)
        assert [(e.extensions or {}).get("code") for e in result.errors] == ["BAD_USER_INPUT"], result.errors


FORGED = [
    ({"__typename": "Project", "id": "p-1", "forged": {"a": 1}, "secrecyLevel": "TOP_SECRET"}, None),
    ({"__typename": "Project", "id": {"nested": 1}}, "must be a string"),
    ({"__typename": "Project"}, "needs its key field 'id'"),
    ({"__typename": "Project", "id": "p\x00"}, "U+0000"),
    ({"__typename": "Forged", "id": "p-1"}, "not an entity"),
]


@pytest.mark.parametrize("definition", [FINANCE, AUDIT, SECRECY], ids=lambda d: d.name)
@pytest.mark.parametrize("representation,refusal", FORGED)
async def test_forged_entities_representations_are_ignored_or_refused_never_unexpected(
        definition, representation, refusal):
    context = RequestContext(identity=Identity(Department.PUBLIC), runtime=None)
    result = await definition.schema_factory().execute(ENTITIES, variable_values={"r": [representation]},
                                                       context_value=context)
    if refusal is None:  # extra fields are dropped: the key alone resolves
        assert result.errors is None and result.data == {"_entities": [{"id": "p-1"}]}
    else:
        [error] = result.errors
        assert error.extensions["code"] == "BAD_USER_INPUT" and refusal in error.message
        assert result.data == {"_entities": [None]}


@pytest.mark.parametrize("representation,refusal", FORGED)
async def test_forged_entities_at_the_approval_service(approval, representation, refusal):
    created = await approval.call(UNIT, CREATE, input=create_input())
    project_id = created["createProject"]["project"]["id"]
    if representation.get("id") == "p-1":
        representation = representation | {"id": project_id}
    result = await approval.call(UNIT, ENTITIES, r=[representation])
    if refusal is None:
        assert result == {"_entities": [{"id": project_id}]}
    else:
        assert [e["code"] for e in result["errors"]] == ["BAD_USER_INPUT"] and refusal in result["errors"][0]["message"]
