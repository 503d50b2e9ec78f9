"""Two events about one project handled at the same moment, on the real PostgreSQL (ARCHITECTURE: "no event is
lost and no effect happens twice"; CONVENTIONS 11: ERROR means someone must look).

Defect: the secrecy service, handling approval.project.submitted.v1 and approval.project.approved.v1 of one project
at once, hit a UniqueViolation on secrecy_classifications_pkey and recovered only through redelivery (an ERROR with
a traceback); the same read-then-insert of a fact row sat in the finance, audit and approval consumers. Each event
below is handled on its first delivery, concurrently with its twin, and the row ends as if they came in turn.
"""
import asyncio
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from services.approval.adapters.repository import ProjectRepository
from services.approval.app import DEFINITION as APPROVAL
from services.approval.handlers import create_project
from services.audit.adapters import orm as audit_orm
from services.audit.app import DEFINITION as AUDIT
from services.audit.handlers import on_project_approved
from services.finance.adapters import money_tables
from services.finance.adapters import orm as finance_orm
from services.finance.app import DEFINITION as FINANCE
from services.secrecy.adapters import orm as secrecy_orm
from services.secrecy.app import DEFINITION as SECRECY
from services.secrecy.adapters.repository import SecrecyRepository
from shared.events import (
    ClassificationConfirmed, ContractRecorded, Envelope, PreUseApproved, SecrecyReviewPassed, SettlementReviewed,
    VendorQualified,
)
from tests.unit.approval.builders import UNIT as APPLICANT
from tests.unit.approval.builders import draft
from tests.unit.secrecy.support import T0, accepted, approved, submitted

pytestmark = pytest.mark.integration
PROJECTS = 30


@pytest.fixture
def runtime_for(service_on_postgres):
    return lambda definition: service_on_postgres(definition, started=False)


async def at_once(*deliveries):
    """Handle the deliveries concurrently, each in its own transaction; any exception fails the test."""
    await asyncio.gather(*deliveries)


async def test_R_REV_3_secrecy_register_takes_submitted_and_approved_at_once(runtime_for, caplog):
    secrecy = await runtime_for(SECRECY)
    for n in range(PROJECTS):
        project_id = f"p-{n}"
        await at_once(secrecy.consumer(submitted(project_id, declared_classified=True)),
                      secrecy.consumer(approved(project_id, classified=True)))
    async with secrecy.sessions() as session:
        repository = SecrecyRepository(session)
        entries = await repository.entries([f"p-{n}" for n in range(PROJECTS)])
        reviews = (await session.execute(select(secrecy_orm.secrecy_reviews.c.project_id))).scalars().all()
        for n in range(PROJECTS):
            entry = entries[f"p-{n}"]
            assert entry.status.value == "DECLARED" and entry.declared_classified
            assert entry.declared_at == T0 + timedelta(days=5)  # the later event's declaration
            assert entry.approved_at == T0 + timedelta(days=5)
        assert sorted(reviews) == sorted(f"p-{n}" for n in range(PROJECTS))  # one review each (R-REV-3)
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def _from(source: str, payload, at=None) -> Envelope:
    envelope = Envelope.wrap(payload, source=source, subject=getattr(payload, "project_id", None))
    return envelope.model_copy(update={"time": at}) if at else envelope


async def _row(runtime, table, **key):
    async with runtime.sessions() as session:
        return (await session.execute(select(table).filter_by(**key))).mappings().one()


async def test_R_REV_3_finance_takes_a_classification_and_a_secrecy_review_of_one_project_at_once(runtime_for):
    finance = await runtime_for(FINANCE)
    for n in range(PROJECTS):
        project_id = f"p-{n}"
        await at_once(
            finance.consumer(_from("secrecy", ClassificationConfirmed(project_id=project_id, classified=True,
                                                                      level="SECRET", decided_at=T0))),
            finance.consumer(_from("secrecy", SecrecyReviewPassed(project_id=project_id, review_id=f"r-{n}",
                                                                  passed_at=T0 + timedelta(days=1)))),
            finance.consumer(_from("approval", ContractRecorded(project_id=project_id, code="CITY-2026-0007",
                                                                contract_id=f"c-{n}", vendor_ids=["v"],
                                                                contract_sum=100, signed_on=date(2026, 5, 1)))),
            finance.consumer(accepted(project_id, classified=True)))
        status = await _row(finance, finance_orm.secrecy_status, project_id=project_id)
        assert (status["classified"], status["level"], status["review_passed"], status["review_id"]) == (
            True, "SECRET", True, f"r-{n}")  # neither fact lost to the other
        facts = await _row(finance, money_tables.project_facts, project_id=project_id)
        assert facts["contract_id"] == f"c-{n}" and facts["accepted_investment"] == 3_000_000_00


async def test_R_AUD_3_audit_registers_a_project_approved_and_accepted_at_once(runtime_for):
    audit = await runtime_for(AUDIT)
    for n in range(PROJECTS):
        project_id = f"p-{n}"
        await at_once(audit.consumer(approved(project_id, classified=False)),
                      audit.consumer(accepted(project_id, classified=False)),
                      audit.consumer(_from("secrecy", ClassificationConfirmed(
                          project_id=project_id, classified=True, level="SECRET", decided_at=T0))),
                      audit.consumer(_from("secrecy", ClassificationConfirmed(
                          project_id=project_id, classified=False, level=None, decided_at=T0 + timedelta(days=9)))))
        row = await _row(audit, audit_orm.register, project_id=project_id)
        assert row["investment"] == 3_000_000_00 and row["accepted_at"] is not None  # the acceptance is kept
        classification = await _row(audit, audit_orm.classifications, project_id=project_id)
        assert classification["classified"] is False  # the later decision wins, whichever commits first


async def test_R_FIN_6_audit_register_keeps_facts_reported_while_the_project_is_being_registered(runtime_for):
    """Finance's settlement and the Secrecy Bureau's classification commit while the approval event's transaction has
    written the register row but not committed it: neither sees the other's work, and neither fact may be lost."""
    audit = await runtime_for(AUDIT)
    for n in range(PROJECTS):
        project_id = f"p-{n}"
        approval = approved(project_id, classified=False)
        async with audit.uow() as registering:
            await on_project_approved(registering, approval.payload(), approval)
            await audit.consumer(_from("finance", SettlementReviewed(
                project_id=project_id, settlement_amount=1_234_567_00, reviewed_at=T0 + timedelta(days=30))))
            await audit.consumer(_from("secrecy", ClassificationConfirmed(
                project_id=project_id, classified=True, level="SECRET", decided_at=T0 + timedelta(days=1))))
            await registering.commit()
        entry = await _row(audit, audit_orm.register_entries, project_id=project_id)
        assert (entry["settlement_amount"], entry["classified"]) == (1_234_567_00, True)


async def test_R_IMP_2_approval_records_two_bureaus_facts_and_a_vendor_twice_at_once(runtime_for):
    approval = await runtime_for(APPROVAL)
    drafted = [await create_project(approval.uow, draft(), APPLICANT) for _ in range(PROJECTS)]
    for project in drafted:
        await at_once(
            approval.consumer(_from("secrecy", SecrecyReviewPassed(project_id=project.id, review_id="r",
                                                                   passed_at=T0))),
            approval.consumer(_from("secrecy", PreUseApproved(project_id=project.id, evaluation_id="e",
                                                              approved_at=T0))),
            *(approval.consumer(_from("secrecy", VendorQualified(
                vendor_id="v-1", vendor_name="v", certificate_number="c", grade="A", scopes=["SOFTWARE"],
                valid_from=date(2026, 1, 1), valid_until=date(2027, 1, year_day)))) for year_day in (1, 2)))
        async with approval.sessions() as session:
            stored = await ProjectRepository(session).get(project.id)
        assert stored.secrecy_review_passed is True and stored.pre_use_approved is True


async def test_R_REV_2_finance_opens_one_budget_review_when_approval_and_the_review_opinion_come_at_once(runtime_for):
    """Both events open the project's budget-review case if it is not there: at once, one opens it and the other
    finds it (waiting on the case's unique project), on first delivery; the case ends IN_REVIEW with one ledger."""
    from tests.unit.finance import support as finance_events

    finance = await runtime_for(FINANCE)
    for n in range(PROJECTS):
        project_id = f"p-{n}"
        await at_once(finance.consumer(finance_events.approved(project_id)),
                      finance.consumer(finance_events.opinion(project_id)))
        case = await _row(finance, finance_orm.budget_reviews, project_id=project_id)
        assert case["status"] == "IN_REVIEW"
        await _row(finance, money_tables.ledgers, project_id=project_id)  # exactly one


async def test_R_PER_2_finance_keeps_the_newer_of_two_reviews_of_one_year_handled_at_once(runtime_for):
    """Two performance reviews of one project's year at once (and in either order): the newer one is kept, the
    older never replaces it, and neither fails on the year's row."""
    from tests.unit.finance import money_support

    finance = await runtime_for(FINANCE)
    for n in range(PROJECTS):
        project_id = f"p-{n}"
        older = money_support.performance(project_id, "ORDERED", days=300)
        newer = money_support.performance(project_id, "DONE", days=330)
        await at_once(*(finance.consumer(e) for e in ((older, newer) if n % 2 else (newer, older))))
        review = await _row(finance, money_tables.performance_reviews, project_id=project_id)
        assert review["rectification"] == "DONE"
