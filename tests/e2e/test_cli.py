"""The `egov` command line as a newcomer uses it: mint a token, migrate, run everything embedded."""
from __future__ import annotations

import os
import subprocess
import sys

import httpx

from egov.registry import SERVICES
from shared.migrations import head_revision
from shared.auth import Department, TokenVerifier, ensure_development_keys
from shared.settings import Settings
from tests.e2e.conftest import ROOT, _free_port, _wait_ready


def egov(*args: str, env: dict, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "egov.cli", *args], cwd=ROOT, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=timeout)


def test_token_mints_a_development_token_that_the_services_verify(tmp_path):
    result = egov("token", "--department", "CONSTRUCTION_UNIT", "--unit", "city-health-commission",
                  "--parent", "city-government", env={"DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    identity = TokenVerifier(ensure_development_keys(Settings(data_dir=tmp_path))).verify(result.stdout.strip())
    assert identity.department is Department.CONSTRUCTION_UNIT
    assert identity.unit_path == ("city-health-commission", "city-government")


def test_token_refuses_an_unknown_department(tmp_path):
    result = egov("token", "--department", "MAYOR", env={"DATA_DIR": str(tmp_path)})
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_migrate_brings_every_embedded_database_to_head(tmp_path):
    result = egov("migrate", env={"DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:4] == [f"{name}: at revision {head_revision(SERVICES[name].migrations)}"
                                              for name in ("approval", "finance", "audit", "secrecy")]
    assert sorted(p.name for p in tmp_path.glob("*.db")) == ["approval.db", "audit.db", "finance.db", "secrecy.db"]


def test_run_serves_graphiql_and_the_supergraph_embedded(tmp_path):
    port = _free_port()
    log = tmp_path / "run.log"
    with log.open("w") as handle:
        process = subprocess.Popen([sys.executable, "-m", "egov.cli", "run", "--port", str(port)], cwd=ROOT,
                                   env={**os.environ, "DATA_DIR": str(tmp_path / "data")}, stdout=handle,
                                   stderr=subprocess.STDOUT)
        try:
            _wait_ready(f"http://127.0.0.1:{port}/readyz", process, log)
            printed = log.read_text()
            assert f"http://127.0.0.1:{port}/graphql " in printed and '{"Authorization": "Bearer ' in printed
            assert "?headers=" not in printed  # a token in a URL would end up in access logs
            page = httpx.get(f"http://127.0.0.1:{port}/graphql", headers={"accept": "text/html"})
            assert page.status_code == 200 and "graphiql" in page.text.lower()
            answer = httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": "{ projects { totalCount edges { node { id } } } }"})
            assert answer.json() == {"data": {"projects": {"totalCount": 0, "edges": []}}}
            assert httpx.get(f"http://127.0.0.1:{port}/readyz").json()["ready"] is True
            for name in ("approval", "finance", "audit", "secrecy"):  # only the gateway is public
                assert httpx.post(f"http://127.0.0.1:{port}/services/{name}/graphql",
                                  json={"query": "{ _service { sdl } }"}).status_code == 404
        finally:
            process.terminate()
            process.wait(timeout=15)
