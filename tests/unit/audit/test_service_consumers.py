"""The register learns from other bureaus' events only: Finance's settlement amount (R-FIN-6) and the Secrecy
Bureau's classification, in whichever order they come, once each (inbox)."""
from datetime import timedelta

from services.audit.adapters import orm
from tests.unit.audit.support import (
    ACCEPTED,
    MILLION_YUAN,
    SUPERVISORY,
    accept_projects,
    accepted,
    approved,
    classification,
    count,
    project,
    redelivered,
    settlement,
)


async def test_R_FIN_6_the_settlement_amount_reaches_the_register_before_or_after_the_project(runtime):
    await runtime.consumer(settlement("p-0002", 2 * MILLION_YUAN - 5))  # before the register knows the project
    await accept_projects(runtime, {"p-0001": 3 * MILLION_YUAN, "p-0002": 2 * MILLION_YUAN})
    late = settlement("p-0001", 3 * MILLION_YUAN - 7)
    await runtime.consumer(late)
    await runtime.consumer(redelivered(late))
    await runtime.consumer(settlement("p-0001", 1, at=ACCEPTED - timedelta(days=1)))  # an older review: ignored
    assert (await project(runtime, "p-0001"))["auditRegister"]["settlementAmount"] == 3 * MILLION_YUAN - 7
    assert (await project(runtime, "p-0002"))["auditRegister"]["settlementAmount"] == 2 * MILLION_YUAN - 5
    assert await count(runtime, orm.settlements) == 2


async def test_R_SEC_2_the_secrecy_bureaus_classification_wins_over_the_approval_events_copy(runtime):
    await runtime.consumer(classification("p-0001", True))
    await runtime.consumer(approved("p-0001", MILLION_YUAN, classified=False))
    await runtime.consumer(accepted("p-0001", MILLION_YUAN, classified=False))
    assert (await project(runtime, "p-0001", SUPERVISORY))["auditRegister"] is None  # classified: need to know
    await runtime.consumer(classification("p-0001", False, at=ACCEPTED + timedelta(days=1)))
    assert (await project(runtime, "p-0001", SUPERVISORY))["auditRegister"]["investment"] == MILLION_YUAN
    await runtime.consumer(classification("p-0001", True, at=ACCEPTED - timedelta(days=1)))  # older: ignored
    assert (await project(runtime, "p-0001", SUPERVISORY))["auditRegister"] is not None
