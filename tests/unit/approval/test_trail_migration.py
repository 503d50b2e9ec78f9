"""R-OVS-1: migration 0006 chains the approval service's unchained project_history and construction_plan_history
onto the decision trail, in the order they were decided, so both histories read as before and the chain verifies."""
from sqlalchemy import text

from services.approval.adapters import orm
from services.approval.adapters.plans import PlanRepository
from services.approval.adapters.repository import ProjectRepository
from services.approval.app import DEFINITION
from services.approval.handlers import create_project
from shared.migrations import downgrade, upgrade
from shared.service import ServiceRuntime
from shared.settings import Settings
from shared.trail_store import DecisionTrail
from tests.unit.approval.builders import UNIT, draft


async def test_R_OVS_1_migration_0006_chains_the_old_histories_in_order(tmp_path, keys):
    runtime = ServiceRuntime(DEFINITION, Settings(data_dir=tmp_path, jwt_public_key_file=keys[1])
                             .for_service("approval"))
    try:
        await runtime.migrate()
        project = await create_project(runtime.uow, draft(declared_classified=True), UNIT)
        await downgrade(DEFINITION.migrations, runtime.engine, "0005")
        async with runtime.engine.begin() as connection:
            for at, action, reasons in (("2026-01-02 03:00:00", "CREATE", "[]"),
                                        ("2026-01-03 03:00:00", "SUBMIT", "[]"),
                                        ("2026-01-04 03:00:00", "REJECT", '["no sharing plan"]')):
                await connection.execute(text(
                    "INSERT INTO project_history (project_id, at, action, from_status, to_status, department, "
                    "unit, subject, reasons, detail) VALUES (:p, :at, :action, 'DRAFT', 'DRAFT', 'APPROVAL_BUREAU', "
                    "'approval', 'clerk', :reasons, '')"), {"p": project.id, "at": at, "action": action,
                                                            "reasons": reasons})
            await connection.execute(text(
                "INSERT INTO construction_plans (id, jurisdiction, year, number, status, revision, record) "
                "VALUES ('plan-1', 'CITY', 2026, 1, 'DRAFT', 1, '{}')"))
            await connection.execute(text(
                "INSERT INTO construction_plan_history (plan_version_id, at, action, version, from_status, "
                "to_status, department, unit, subject, reasons, detail, project_id) VALUES ('plan-1', "
                "'2026-01-03 12:00:00', 'ADD_ITEM', 1, 'DRAFT', 'DRAFT', 'APPROVAL_BUREAU', 'approval', 'clerk', "
                "'[]', 'item added', :p)"), {"p": project.id})
        await upgrade(DEFINITION.migrations, runtime.engine)
        async with runtime.sessions() as session:
            history = await ProjectRepository(session).history_of(project.id)
            plan_history = (await PlanRepository(session).history_of(["plan-1"]))["plan-1"]
            trail = DecisionTrail(orm.trail, session)
            report, entries = await trail.verify(), await trail.entries()
        assert [(e.action, e.reasons) for e in history] == [("CREATE", ()), ("SUBMIT", ()),
                                                             ("REJECT", ("no sharing plan",))]
        assert [(e.action, e.detail, e.project_id) for e in plan_history] == [("ADD_ITEM", "item added", project.id)]
        assert report.intact and report.checked == 4 and all(e.classified for e in entries)  # about a classified one
        assert [e.decision()["details"]["migrated_from"]["table"] for e in entries] == [
            "project_history", "project_history", "construction_plan_history", "project_history"]  # by time
        assert entries[2].decision()["rule"] == "R-PLN-1"
        await create_project(runtime.uow, draft(), UNIT)  # new decisions chain on after the migrated ones
        async with runtime.sessions() as session:
            report = await DecisionTrail(orm.trail, session).verify()
        assert report.intact and report.head_seq == 5
    finally:
        await runtime.stop()
