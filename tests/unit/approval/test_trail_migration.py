"""R-OVS-1: migration 0004 chains the approval service's unchained project_history onto the decision trail, in the
order it was written, so the history reads as before and the chain verifies; then it goes down and up again."""
from sqlalchemy import text

from services.approval.adapters import orm
from services.approval.adapters.repository import ProjectRepository
from services.approval.app import DEFINITION
from services.approval.handlers import create_project
from shared.migrations import downgrade, upgrade
from shared.service import ServiceRuntime
from shared.settings import Settings
from shared.trail_store import DecisionTrail
from tests.unit.approval.builders import UNIT, draft


async def test_R_OVS_1_migration_0004_chains_the_old_history_in_order(tmp_path, keys):
    runtime = ServiceRuntime(DEFINITION, Settings(data_dir=tmp_path, jwt_public_key_file=keys[1])
                             .for_service("approval"))
    try:
        await runtime.migrate()
        project = await create_project(runtime.uow, draft(declared_classified=True), UNIT)
        await downgrade(DEFINITION.migrations, runtime.engine, "0003")
        async with runtime.engine.begin() as connection:
            for at, action, reasons in (("2026-01-02 03:00:00", "CREATE", "[]"),
                                        ("2026-01-03 03:00:00", "SUBMIT", "[]"),
                                        ("2026-01-04 03:00:00", "REJECT", '["no sharing plan"]')):
                await connection.execute(text(
                    "INSERT INTO project_history (project_id, at, action, from_status, to_status, department, "
                    "unit, subject, reasons, detail) VALUES (:p, :at, :action, 'DRAFT', 'DRAFT', 'APPROVAL_BUREAU', "
                    "'approval', 'clerk', :reasons, '')"), {"p": project.id, "at": at, "action": action,
                                                            "reasons": reasons})
        await upgrade(DEFINITION.migrations, runtime.engine)
        async with runtime.sessions() as session:
            history = await ProjectRepository(session).history_of(project.id)
            trail = DecisionTrail(orm.trail, session)
            report, entries = await trail.verify(), await trail.entries()
        assert [(e.action, e.reasons) for e in history] == [("CREATE", ()), ("SUBMIT", ()),
                                                             ("REJECT", ("no sharing plan",))]
        assert report.intact and report.checked == 3 and all(e.classified for e in entries)
        assert [e.decision()["details"]["migrated_from"]["table"] for e in entries] == ["project_history"] * 3
        await create_project(runtime.uow, draft(), UNIT)  # new decisions chain on after the migrated ones
        async with runtime.sessions() as session:
            report = await DecisionTrail(orm.trail, session).verify()
        assert report.intact and report.head_seq == 4
    finally:
        await runtime.stop()
