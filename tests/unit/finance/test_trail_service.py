"""R-OVS-1 in Finance: its decisions (budget-review cases, money, plans) are entries of its one decision trail, citing
their rules; R-SEC-2: an entry about a classified project, or a plan's entry naming one, is written classified."""
from datetime import datetime, timezone

from services.finance.adapters import orm, trail_store
from services.finance.domain.history import Actor
from services.finance.domain.trail import TrailEntry, plan_chain
from shared.trail_store import DecisionTrail
from tests.unit.finance.support import approved, opinion

NOW = datetime(2026, 7, 1, tzinfo=timezone.utc)
CLERK = Actor("FINANCE_BUREAU", "finance", "fin:1")


async def test_R_OVS_1_finance_decisions_share_one_chain_and_R_SEC_2_a_plan_naming_a_secret_project_is_classified(
        runtime):
    await runtime.consumer(approved("p-open"))
    await runtime.consumer(approved("p-secret", classified=True))
    await runtime.consumer(opinion("p-open"))
    async with runtime.uow() as uow:
        await trail_store.append(uow.session, plan_chain("CITY", 2026), [
            TrailEntry(NOW, "DRAFT", CLERK, {"lines": {"p-open": 100}}),
            TrailEntry(NOW, "SIGN", CLERK, {"lines": {"p-open": 100}})])
        await trail_store.append(uow.session, plan_chain("CITY", 2027), [
            TrailEntry(NOW, "DRAFT", CLERK, {"lines": {"p-open": 100, "p-secret": 5}})])
        await uow.commit()
    async with runtime.sessions() as session:
        trail = DecisionTrail(orm.trail, session)
        entries, report = await trail.entries(), await trail.verify()
    assert report.intact and report.checked == 6
    seen = [(e.decision()["action"], e.decision()["subject_type"], e.decision()["rule"], e.classified)
            for e in entries]
    assert seen == [("OPEN", "BUDGET_REVIEW", "R-REV-2", False), ("OPEN", "BUDGET_REVIEW", "R-REV-2", True),
                    ("RECEIVE_REVIEW_OPINION", "BUDGET_REVIEW", "R-REV-1", False),
                    ("DRAFT", "SPECIAL_FUND_PLAN", "R-PLN-2", False), ("SIGN", "SPECIAL_FUND_PLAN", "R-PLN-2", False),
                    ("DRAFT", "SPECIAL_FUND_PLAN", "R-PLN-2", True)]
