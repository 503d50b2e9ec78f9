"""The npm packages a test folder declares (package.json, pinned by package-lock.json), installed on first use:
tests/federation's by default."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_SERVERS

FOLDER = Path(__file__).parent


def ensure_npm_packages(purpose: str, folder: Path = FOLDER) -> Path:
    """Node.js and every dependency of `folder`'s package.json, installed with `npm ci` (exactly the lock file) if
    one is missing; the folder to run node in. Without Node.js the test is skipped, or fails under
    EGOV_REQUIRE_SERVERS=1."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        if REQUIRE_SERVERS:
            pytest.fail(f"Node.js and npm are needed for {purpose}")
        pytest.skip(f"Node.js/npm not installed: {purpose} not checked")
    dependencies = json.loads((folder / "package.json").read_text(encoding="utf-8"))["dependencies"]
    if any(not (folder / "node_modules" / name / "package.json").exists() for name in dependencies):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=folder, check=True,
                       timeout=600)
    return folder
