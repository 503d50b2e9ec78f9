"""The Audit Bureau's register, fed by events (R-AUD-1 scope, R-AUD-3 accepted projects)."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from services.audit.adapters.orm import register
from services.audit.app import DEFINITION
from services.audit.domain.register import in_certainty_scope
from shared.bus.memory import InProcessBus
from shared.events import Envelope, ProjectAccepted, ProjectApproved
from shared.service import ServiceRuntime
from shared.settings import Settings


def test_R_AUD_1_twenty_million_yuan_and_above_is_audited_in_full():
    assert in_certainty_scope(20_000_000_00)  # 2000万元以上 includes 20M itself
    assert in_certainty_scope(20_000_000_01)
    assert not in_certainty_scope(19_999_999_99)


@pytest.fixture
async def audit(tmp_path, keys):
    bus = InProcessBus(retry_delay=0)
    runtime = ServiceRuntime(DEFINITION, Settings(data_dir=tmp_path, jwt_public_key_file=keys[1]).for_service("audit"),
                             bus=bus)
    await runtime.start()
    yield runtime
    await runtime.stop()
    await bus.close()


async def test_R_AUD_3_an_accepted_project_enters_the_register_with_its_approved_investment(audit):
    now = datetime.now(timezone.utc)
    approved = ProjectApproved(project_id="p-1", code="CITY-2026-0001", name=None, unit_id="u", unit_path=["u"],
                               jurisdiction="CITY", kind="IT_MAINTENANCE", investment_estimate=30_000_000_00,
                               fund_sources=[], classified=False, approved_at=now)
    accepted = ProjectAccepted(project_id="p-1", code="CITY-2026-0001", unit_id="u", unit_path=["u"],
                               jurisdiction="CITY", kind="IT_MAINTENANCE", investment=19_000_000_00,
                               approved_budget=18_000_000_00, contract_sum=17_000_000_00, self_funded=True,
                               classified=False, accepted_at=now)
    for payload in (approved, accepted, accepted):
        await audit.consumer(Envelope.wrap(payload, source="approval", subject="p-1"))
    async with audit.sessions() as session:
        rows = (await session.execute(select(register))).mappings().all()
    assert len(rows) == 1
    assert rows[0]["investment"] == 19_000_000_00 and rows[0]["accepted_at"] is not None
    assert not in_certainty_scope(rows[0]["investment"])  # the approved estimate decides, not the submitted one
