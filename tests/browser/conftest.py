"""The browser tier: the console, built by scripts/build-console.sh, served by `egov run` (the embedded default) on a
free port in a data folder of its own, driven by Playwright in Debian's Chromium (/usr/bin/chromium; no browser is
ever downloaded). Without Node.js or Chromium the tier is skipped loudly, or fails under EGOV_REQUIRE_SERVERS=1.

Screenshots of each main screen go to EGOV_BROWSER_ARTIFACTS (default: artifacts/browser under the checkout)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_SERVERS
from tests.e2e.conftest import ROOT, _free_port, _wait_ready

CHROMIUM = os.environ.get("EGOV_CHROMIUM", "/usr/bin/chromium")


def _missing(what: str) -> None:
    if REQUIRE_SERVERS:
        pytest.fail(f"{what}, and EGOV_REQUIRE_SERVERS=1 forbids skipping the browser tier", pytrace=False)
    pytest.skip(f"{what}: the browser tier is not run")


@pytest.fixture(scope="session")
def console_build() -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        _missing("Node.js/npm are not installed (the console cannot be built)")
    subprocess.run([str(ROOT / "scripts" / "build-console.sh"), "--if-stale"], check=True, timeout=900)
    return ROOT / "console" / "dist"


@pytest.fixture(scope="package")
def console_url(console_build, tmp_path_factory):
    """`egov run` as a newcomer starts it: the gateway with the console, development sign-in on."""
    folder = tmp_path_factory.mktemp("console-system")
    port = _free_port()
    log = folder / "run.log"
    env = {**os.environ, "DATA_DIR": str(folder / "data"), "ENVIRONMENT": "development", "RELAY_POLL_INTERVAL": "0.1"}
    with log.open("w") as handle:
        process = subprocess.Popen([sys.executable, "-m", "egov.cli", "run", "--port", str(port)], cwd=ROOT, env=env,
                                   stdout=handle, stderr=subprocess.STDOUT)
        try:
            _wait_ready(f"http://127.0.0.1:{port}/readyz", process, log)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=15)


@pytest.fixture(scope="package")  # closed before the next tier: Playwright's sync API runs its own event loop
def browser():
    if not Path(CHROMIUM).exists():
        _missing(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    folder = Path(os.environ.get("EGOV_BROWSER_ARTIFACTS", ROOT / "artifacts" / "browser"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
