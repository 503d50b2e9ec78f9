"""The input bounds hold the same on PostgreSQL as on SQLite (tests/unit/test_input_bounds.py).

Defect: a NUL byte in a project name was stored on SQLite but 'Unexpected error' on PostgreSQL (text cannot hold
it), and amounts of 10^30 or 2^63 overflowed the driver's BIGINT. Both are now refused before the database sees
them, with the same typed errors in both modes, and nothing is written."""
import pytest
from sqlalchemy import func, select

from services.approval.adapters.orm import projects, trail
from services.approval.app import DEFINITION
from tests.unit.approval.builders import UNIT
from tests.unit.approval.conftest import ApprovalService
from tests.unit.approval.test_service import CREATE, create_input

pytestmark = pytest.mark.integration

ENTITIES = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Project { id } } }"


@pytest.fixture
async def approval(service_on_postgres):
    return ApprovalService(await service_on_postgres(DEFINITION))


async def written(approval) -> tuple[int, ...]:
    async with approval.runtime.sessions() as session:
        return tuple([(await session.execute(select(func.count()).select_from(table))).scalar_one()
                      for table in (projects, trail.entries, approval.runtime.outbox)])


async def test_a_NUL_byte_is_INVALID_naming_the_field_on_postgres_too(approval):
    before = await written(approval)
    result = await approval.call(UNIT, CREATE, input=create_input(name="Health\x00data"))
    assert result["createProject"]["userErrors"] == [
        {"code": "INVALID", "field": ["input", "name"], "message": "'name' holds a control character (U+0000); "
                                                                    "type plain text"}]
    submitted = await approval.call(UNIT, "mutation($id: ID!) { submitProject(id: $id) { userErrors { code field } } }",
                                    id="p\x00")
    assert submitted["submitProject"]["userErrors"] == [{"code": "INVALID", "field": ["id"]}]
    entities = await approval.call(UNIT, ENTITIES, r=[{"__typename": "Project", "id": "p\x00", "forged": 1}])
    assert [e["code"] for e in entities["errors"]] == ["BAD_USER_INPUT"]
    looked_up = await approval.call(UNIT, "query($id: ID!) { project(id: $id) { id } }", id="p\x00")
    assert [e["code"] for e in looked_up["errors"]] == ["BAD_USER_INPUT"]  # was "Unexpected error." here
    assert await written(approval) == before


@pytest.mark.parametrize("amount", [10**30, 2**63, "12345", "²"], ids=repr)
async def test_a_huge_or_string_amount_is_BAD_USER_INPUT_on_postgres_too(approval, amount):
    before = await written(approval)
    result = await approval.call(UNIT, CREATE, input=create_input() | {"investmentEstimate": amount})
    assert [e["code"] for e in result["errors"]] == ["BAD_USER_INPUT"] and result["data"] is None
    assert await written(approval) == before
    created = await approval.call(UNIT, CREATE, input=create_input())
    assert created["createProject"]["userErrors"] == []  # a valid draft still goes through
