"""The README's first GraphQL session, run as a newcomer runs it: its bash block, taken from README.md by its heading,
pasted into bash against `egov run` on a free port, with `egov` and `python3` from the project's environment. So the
README cannot drift from the API: a renamed field, a new required input or a broken step fails here."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, _free_port, _wait_ready

HEADING = "## A first GraphQL session"


def readme_block(heading: str = HEADING) -> str:
    """The first ```bash block of the README's section under `heading` (up to the next heading of its level)."""
    text = (Path(ROOT) / "README.md").read_text(encoding="utf-8")
    assert heading + "\n" in text, f"README.md has no section {heading!r}"
    section = text.split(heading + "\n", 1)[1]
    section = re.split(r"^## ", section, maxsplit=1, flags=re.MULTILINE)[0]
    block = re.search(r"^```bash\n(.*?)^```$", section, flags=re.MULTILINE | re.DOTALL)
    assert block, f"the README's section {heading!r} has no ```bash block"
    return block.group(1)


def answers_in(output: str) -> list[dict]:
    """Every GraphQL answer the block printed: each `gql` call prints one JSON object on a line of its own."""
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_readme_block_is_found_by_its_heading():
    block = readme_block()
    assert block.startswith("EGOV=${EGOV:-") and "createProject" in block and "approveProject" in block


@pytest.fixture
def embedded(tmp_path):
    """`egov run --port <free>` with a data folder of its own; yields its address and the environment to reach it."""
    if shutil.which("curl") is None:
        pytest.skip("the README's session uses curl, which is not installed")
    bin_dir = Path(sys.executable).parent
    assert (bin_dir / "egov").exists(), f"no `egov` beside {sys.executable}: is the project installed in it?"
    port = _free_port()
    env = {**os.environ, "DATA_DIR": str(tmp_path / "data"), "EGOV": f"http://127.0.0.1:{port}",
           "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
           # the `egov` script imports the checkout under test, not whichever one the environment was installed from
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    log = tmp_path / "run.log"
    with log.open("w") as handle:
        process = subprocess.Popen([str(bin_dir / "egov"), "run", "--port", str(port)], cwd=ROOT, env=env,
                                   stdout=handle, stderr=subprocess.STDOUT)
        try:
            _wait_ready(f"http://127.0.0.1:{port}/readyz", process, log)
            yield env, log
        finally:
            process.terminate()
            process.wait(timeout=15)


def test_the_readme_first_session_runs_as_written(embedded, tmp_path):
    env, log = embedded
    elsewhere = tmp_path / "elsewhere"  # not the repository's folder: the block must not depend on it
    elsewhere.mkdir()
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", readme_block()], cwd=elsewhere, env=env,
                            capture_output=True, text=True, timeout=120)
    printed = f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    assert result.returncode == 0, printed + f"\n--- egov run\n{log.read_text()[-3000:]}"
    answers = answers_in(result.stdout)
    assert len(answers) == 5, printed
    for answer in answers:
        assert "errors" not in answer, printed
        for payload in answer["data"].values():
            assert payload is not None, printed
            assert payload.get("userErrors", []) == [], printed
    created, dossier, submitted, approved, query = (answer["data"] for answer in answers)
    project = created["createProject"]["project"]
    assert project["status"] == "DRAFT" and project["id"] and project["code"], printed
    assert dossier["updateDossier"]["project"]["submissionProblems"] == [], printed  # R-APP-1 satisfied
    assert submitted["submitProject"]["project"]["status"] == "SUBMITTED", printed
    assert approved["approveProject"]["project"]["status"] == "APPROVED", printed
    assert query["project"]["name"] == "Health record sharing platform", printed
    assert query["project"]["status"] == "APPROVED", printed
    assert query["project"]["budgetReview"] is not None, printed  # from the finance subgraph
    assert query["project"]["auditRegister"] is not None, printed  # from the audit subgraph
    assert "egov token: signed with " + str(tmp_path / "data") in result.stderr, printed
