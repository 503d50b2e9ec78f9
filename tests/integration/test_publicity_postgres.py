"""R-PUB-1 on PostgreSQL: the public queries' filters (text search with LIKE's own characters, case-insensitive)
and `egov publish oc4ids` reading the approval database given by DATABASE_URL, as operators run it."""
from __future__ import annotations

import os
import subprocess
import sys

from services.approval.app import DEFINITION
from tests.support.oc4ids import load, validation_errors
from tests.unit.approval.builders import BUREAU
from tests.unit.approval.conftest import ApprovalService
from tests.unit.approval.test_publicity import WITHHOLD, approved, public_list
from tests.unit.approval.test_service import run

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def publish(database_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "egov.cli", "publish", "oc4ids", *args], cwd=ROOT,
                          env={**os.environ, "DATABASE_URL": database_url}, capture_output=True, text=True,
                          timeout=120)


async def test_R_PUB_1_public_lists_and_the_oc4ids_command_on_postgres(service_on_postgres):
    approval = ApprovalService(await service_on_postgres(DEFINITION))
    ordinary = await approved(approval, "Clinic 100% booking_desk", estimate=5_000_000_07)
    look_alike = await approved(approval, "Clinic 1000 bookingXdesk")
    await approved(approval, "Secret command network", declaredClassified=True)
    withheld = await approved(approval, "Withheld emergency network")
    assert (await run(approval, BUREAU, WITHHOLD[0], id=withheld, **WITHHOLD[1]))["userErrors"] == []

    assert await public_list(approval) == ["Clinic 100% booking_desk", "Clinic 1000 bookingXdesk"]
    # % and _ are the text searched for, not LIKE's wildcards (which would match the look-alike too).
    for text, expected in (("100%", 1), ("0% b", 1), ("g_d", 1), ("%", 1), ("_", 1), ("CLINIC", 2), ("1000", 1),
                           ("network", 0)):
        assert len(await public_list(approval, nameContains=text)) == expected, text

    url = approval.runtime.database_url
    written = publish(url, "--jurisdiction", "CITY")
    assert written.returncode == 0, written.stderr
    package = load(written.stdout)
    assert validation_errors(package) == []
    assert [p["id"] for p in package["projects"]] == [f"oc4ids-yiyang-{ordinary}", f"oc4ids-yiyang-{look_alike}"]
    assert str(package["projects"][0]["budget"]["amount"]["amount"]) == "5000000.07"
    assert "Secret" not in written.stdout and "Withheld" not in written.stdout and withheld not in written.stdout
    none = publish(url, "--jurisdiction", "ANHUA")
    assert none.returncode == 1 and none.stdout == "" and "no published project" in none.stderr
