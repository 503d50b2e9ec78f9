"""R-OVS-1 in each service, on SQLite: the trail view is for the service's own bureau and the supervisory commission
(every other department FORBIDDEN, the public UNAUTHENTICATED); decisions land on the chain; a classified project's
entries are withheld without need to know (R-SEC-2); `egov trail verify --service S` names a tampered entry."""
import pytest
from sqlalchemy import column, func, update

from egov.registry import SERVICES
from services.approval.adapters import orm as approval_orm
from services.approval.handlers import create_project
from shared.auth import Department, Identity
from shared.graphql import RequestContext
from shared.service import ServiceRuntime
from shared.settings import Settings
from shared.visibility import SECRECY_CLEARANCE_ROLE
from tests.unit.approval.builders import UNIT, draft
from tests.unit.audit.support import egov

BUREAU = {"approval": Department.APPROVAL_BUREAU, "finance": Department.FINANCE_BUREAU,
          "audit": Department.AUDIT_BUREAU, "secrecy": Department.SECRECY_BUREAU}
SUPERVISORY = Identity(Department.SUPERVISORY_COMMISSION, unit="supervisory", subject="sup:1")
CLEARED = Identity(Department.SUPERVISORY_COMMISSION, unit="supervisory", subject="sup:2",
                   roles=(SECRECY_CLEARANCE_ROLE,))
SCHEMAS = {name: definition.schema_factory() for name, definition in SERVICES.items()}


def trail_query(name: str) -> str:
    return f"{{ {name}Trail(first: 100) {{ seq action rule withheld classified projectId }} }}"


def verification_query(name: str) -> str:
    return f"{{ {name}TrailVerification {{ entries intact firstBrokenSeq problem headSeq }} }}"


async def gql(runtime, name: str, query: str, identity: Identity):
    return await SCHEMAS[name].execute(query, context_value=RequestContext(identity=identity, runtime=runtime))


@pytest.fixture
async def migrated(tmp_path, keys):
    runtimes = []

    async def open_service(name: str) -> ServiceRuntime:
        runtime = ServiceRuntime(SERVICES[name], Settings(data_dir=tmp_path, jwt_public_key_file=keys[1])
                                 .for_service(name))
        await runtime.migrate()
        runtimes.append(runtime)
        return runtime

    yield open_service
    for runtime in runtimes:
        await runtime.stop()


@pytest.mark.parametrize("name", list(SERVICES))
async def test_R_OVS_1_each_services_trail_is_for_its_bureau_and_the_supervisory_commission(migrated, name):
    runtime = await migrated(name)
    for department in Department:
        caller = Identity(department, unit="some-unit", subject="someone")
        for query in (trail_query(name), verification_query(name)):
            result = await gql(runtime, name, query, caller)
            if department in (BUREAU[name], Department.SUPERVISORY_COMMISSION):
                assert result.errors is None, (department, result.errors)
            else:
                expected = "UNAUTHENTICATED" if department is Department.PUBLIC else "FORBIDDEN"
                assert [e.extensions["code"] for e in result.errors] == [expected], department
                assert result.data is None


async def test_R_OVS_1_approval_decisions_land_on_the_chain_and_R_SEC_2_classified_ones_are_withheld(migrated):
    runtime = await migrated("approval")
    open_project = await create_project(runtime.uow, draft(), UNIT)
    secret = await create_project(runtime.uow, draft(declared_classified=True), UNIT)
    entries = (await gql(runtime, "approval", trail_query("approval"), Identity(Department.APPROVAL_BUREAU))
               ).data["approvalTrail"]
    assert [(e["seq"], e["action"], e["rule"], e["projectId"], e["classified"]) for e in entries] == [
        (1, "CREATE", "R-APP-1", open_project.id, False), (2, "CREATE", "R-APP-1", secret.id, True)]
    shown = (await gql(runtime, "approval", trail_query("approval"), SUPERVISORY)).data["approvalTrail"]
    assert [(e["withheld"], e["action"], e["projectId"]) for e in shown] == [
        (False, "CREATE", open_project.id), (True, None, None)]
    cleared = (await gql(runtime, "approval", trail_query("approval"), CLEARED)).data["approvalTrail"]
    assert not any(e["withheld"] for e in cleared)
    verified = (await gql(runtime, "approval", verification_query("approval"), SUPERVISORY)).data
    assert verified["approvalTrailVerification"] == {"entries": 2, "intact": True, "firstBrokenSeq": None,
                                                     "problem": None, "headSeq": 2}


async def test_R_OVS_1_the_cli_names_an_entry_altered_behind_the_services_back(migrated):
    runtime = await migrated("approval")
    for _ in range(3):
        await create_project(runtime.uow, draft(), UNIT)
    database = {"DATABASE_URL": runtime.database_url}
    intact = egov("trail", "verify", "--service", "approval", env=database)
    assert intact.returncode == 0 and "3 entries checked" in intact.stdout and "INTACT" in intact.stdout, \
        intact.stdout + intact.stderr
    async with runtime.engine.begin() as connection:
        await connection.execute(update(approval_orm.trail.entries).where(approval_orm.trail.entries.c.seq == 2)
                                 .values(content=func.replace(column("content"), "health-commission", "elsewhere")))
    broken = egov("trail", "verify", "--service", "approval", env=database)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "1 entries checked" in broken.stdout and "BROKEN at entry 2: CONTENT_ALTERED" in broken.stdout
    assert egov("trail", "verify", "--service", "nowhere", env=database).returncode != 0
