"""The `egov` command line as a newcomer uses it: mint a token, migrate, run everything embedded."""
from __future__ import annotations

import os
import socket
import subprocess
import sys

import httpx

from egov.registry import SERVICES
from shared.migrations import head_revision
from shared.auth import Department, TokenVerifier, ensure_development_keys
from shared.settings import GatewaySettings, Settings
from tests.e2e.conftest import ROOT, _free_port, _wait_ready


def egov(*args: str, env: dict, timeout: float = 60, cwd=ROOT) -> subprocess.CompletedProcess:
    # PYTHONPATH: the checkout under test, also when run from another folder
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           **env}
    return subprocess.run([sys.executable, "-m", "egov.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


def test_token_mints_a_development_token_that_the_services_verify(tmp_path):
    result = egov("token", "--department", "CONSTRUCTION_UNIT", "--unit", "city-health-commission",
                  "--parent", "city-government", env={"DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    identity = TokenVerifier(ensure_development_keys(Settings(data_dir=tmp_path))).verify(result.stdout.strip())
    assert identity.department is Department.CONSTRUCTION_UNIT
    assert identity.unit_path == ("city-health-commission", "city-government")


def test_token_says_which_key_signed_and_where_it_made_a_new_pair(tmp_path):
    first = egov("token", "--department", "FINANCE_BUREAU", "--unit", "finance", env={"DATA_DIR": str(tmp_path)})
    second = egov("token", "--department", "FINANCE_BUREAU", "--unit", "finance", env={"DATA_DIR": str(tmp_path)})
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert f"made a new one in {tmp_path / 'keys'}" in first.stderr
    assert "made a new" not in second.stderr  # the same pair, the second time
    for result in (first, second):
        assert f"signed with {tmp_path / 'keys' / 'dev-ed25519.pem'}" in result.stderr
        assert result.stdout.count("\n") == 1 and "." in result.stdout  # stdout is the token alone


def test_token_from_another_folder_is_accepted_by_the_system_run_from_the_repository(tmp_path, monkeypatch):
    """Without DATA_DIR both use the checkout's .egov-data (the keys are made there if missing, as scripts/run.sh
    would), not a pair of their own in the current folder."""
    env = {name: value for name, value in os.environ.items() if name != "DATA_DIR"}
    result = subprocess.run([sys.executable, "-m", "egov.cli", "token", "--department", "APPROVAL_BUREAU", "--unit",
                             "yiyang-approval-bureau"], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                            env={**env, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))})
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / ".egov-data").exists()
    assert f"signed with {ROOT / '.egov-data' / 'keys' / 'dev-ed25519.pem'}" in result.stderr
    monkeypatch.delenv("DATA_DIR", raising=False)
    monkeypatch.chdir(ROOT)
    running = ensure_development_keys(GatewaySettings())  # what `egov run` (EmbeddedSystem) verifies with
    assert TokenVerifier(running).verify(result.stdout.strip()).department is Department.APPROVAL_BUREAU


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


def test_run_refuses_a_port_in_use_before_announcing_anything(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = egov("run", "--port", str(port), env={"DATA_DIR": str(tmp_path)}, timeout=30)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "egov is running" not in result.stdout
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "--port" in result.stderr
    assert not (tmp_path / "approval.db").exists()  # it stopped before starting anything
