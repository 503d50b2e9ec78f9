"""R-OVS-1 in each service, on SQLite: the trail view is for the service's own bureau and the supervisory commission
(every other department FORBIDDEN, the public UNAUTHENTICATED); decisions land on the chain; a classified project's
entries are withheld without need to know (R-SEC-2); `egov trail verify --service S` names a tampered entry."""
import json
import re

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


async def test_R_OVS_1_the_commission_checks_an_exported_trail_page_by_page(migrated, tmp_path):
    """An overseer exports the trail in pages (`after`) and checks each one on its own machine: the first from the
    start, each next one continuing from the head the check before printed; a page cannot be passed off as
    continuing from an entry it does not follow."""
    runtime = await migrated("approval")
    for _ in range(3):
        await create_project(runtime.uow, draft(), UNIT)
    page = "{ approvalTrail(first: 2, after: %d) { seq previousHash contentDigest entryHash classified content } }"
    first = (await gql(runtime, "approval", page % 0, SUPERVISORY)).data
    second = (await gql(runtime, "approval", page % 2, SUPERVISORY)).data
    (tmp_path / "1.json").write_text(json.dumps({"data": first}))
    (tmp_path / "2.json").write_text(json.dumps(second["approvalTrail"]))

    checked = egov("trail", "verify", "--service", "approval", "--input", str(tmp_path / "1.json"))
    assert checked.returncode == 0 and "2 entries checked" in checked.stdout, checked.stdout + checked.stderr
    head = re.search(r"head (\d+) ([0-9a-f]{64})", checked.stdout)
    assert head.group(1) == "2" and head.group(2) == first["approvalTrail"][1]["entryHash"]

    alone = egov("trail", "verify", "--service", "approval", "--input", str(tmp_path / "2.json"))
    assert alone.returncode == 1 and "BROKEN at entry 1: ENTRY_MISSING" in alone.stdout
    continued = egov("trail", "verify", "--service", "approval", "--input", str(tmp_path / "2.json"),
                     "--after", f"2:{head.group(2)}")
    assert continued.returncode == 0 and "1 entries checked" in continued.stdout and "head 3 " in continued.stdout
    forged = egov("trail", "verify", "--service", "approval", "--input", str(tmp_path / "2.json"),
                  "--after", f"2:{'0' * 64}")
    assert forged.returncode == 1 and "BROKEN at entry 3: LINK_BROKEN" in forged.stdout
    assert egov("trail", "verify", "--service", "approval", "--input", str(tmp_path / "2.json"),
                "--after", "2:nothex").returncode == 2  # argparse: a usage error
