"""R-AUD-2 and R-OVS-1 from the outside: anyone recomputes a published draw with `egov audit-draw verify` from the
document alone (no database, no service), and checks the decision trail with `egov trail verify --service audit`."""
import json

from sqlalchemy import update

from services.audit.adapters import orm
from tests.unit.audit.support import (
    MILLION_YUAN,
    TRAIL,
    accept_projects,
    committed_and_drawn,
    document_of,
    egov,
    gql,
)

async def _published(runtime) -> dict:
    await accept_projects(runtime, {f"p-{i:04d}": (i % 5 + 1) * MILLION_YUAN for i in range(1, 41)},
                          unit="health-commission")
    await accept_projects(runtime, {f"p-{i:04d}": (i % 3 + 1) * MILLION_YUAN for i in range(41, 61)},
                          unit="education-bureau")
    return await committed_and_drawn(runtime, proportion="0.15", method="PPS", stratifyBy="UNIT")


async def test_R_AUD_2_the_cli_recomputes_a_published_draw_from_its_inputs_alone(runtime, tmp_path):
    plan = await _published(runtime)
    inputs = tmp_path / "draw.json"
    inputs.write_text(plan["document"])
    run = egov("audit-draw", "verify", "--inputs", str(inputs), "--show-selection")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip().endswith("VERIFIED")
    sampled = sorted(e["projectId"] for e in plan["entries"] if e["reason"] == "SAMPLED")
    printed = sorted(line.split("\t")[0].strip() for line in run.stdout.splitlines() if "\tCITY-" in line)
    assert printed == sampled and len(sampled) == 9  # ceil(0.15 × 40) + ceil(0.15 × 20)
    machine = json.loads(egov("audit-draw", "verify", "--inputs", str(inputs), "--json").stdout)
    assert machine["verified"] is True and machine["selection"] == sampled


async def test_R_AUD_2_the_cli_refuses_a_draw_that_does_not_follow_from_its_inputs(runtime, tmp_path):
    document = document_of(await _published(runtime))
    document["selection"]["project_ids"][0] = "p-0060" if "p-0060" not in document["selection"]["project_ids"] \
        else "p-0059"
    (tmp_path / "steered.json").write_text(json.dumps(document))
    run = egov("audit-draw", "verify", "--inputs", str(tmp_path / "steered.json"))
    assert run.returncode == 1 and "FAIL  published selection" in run.stdout
    (tmp_path / "garbage.json").write_text("{not json")
    assert egov("audit-draw", "verify", "--inputs", str(tmp_path / "garbage.json")).returncode == 2


async def test_R_OVS_1_the_cli_verifies_the_trail_in_the_database_and_in_an_export(runtime, tmp_path):
    await _published(runtime)
    database = {"DATABASE_URL": runtime.database_url}
    intact = egov("trail", "verify", "--service", "audit", env=database)
    assert intact.returncode == 0 and "INTACT" in intact.stdout and "2 entries" in intact.stdout, intact.stderr
    export = tmp_path / "trail.json"
    export.write_text(json.dumps((await gql(runtime, TRAIL, a=0)).data))
    assert egov("trail", "verify", "--service", "audit", "--input", str(export)).returncode == 0
    async with runtime.sessions() as session, session.begin():
        await session.execute(update(orm.trail.entries).where(orm.trail.entries.c.seq == 2)
                              .values(previous_hash="f" * 64))
    broken = egov("trail", "verify", "--service", "audit", env=database)
    assert broken.returncode == 1 and "BROKEN at entry 2: LINK_BROKEN" in broken.stdout
