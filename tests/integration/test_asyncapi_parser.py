"""The event catalogs parse with the official AsyncAPI parser (@asyncapi/parser, with its Spectral rules and the
bindings' schemas), as an agency's tooling will read them. Needs Node.js; installs the pinned parser on first use."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.federation.npm import ensure_npm_packages

HERE = Path(__file__).parent / "asyncapi"
DOCS = Path(__file__).parents[2] / "docs"


def parse(*files: Path) -> subprocess.CompletedProcess:
    folder = ensure_npm_packages("the AsyncAPI catalogs' check", folder=HERE)
    return subprocess.run(["node", "parse.js", *map(str, files)], cwd=folder, capture_output=True, text=True,
                          timeout=120)


def test_the_committed_catalogs_parse_without_errors():
    result = parse(DOCS / "agency-events.asyncapi.json", DOCS / "events.asyncapi.json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("valid AsyncAPI 3.0.0") == 2, result.stdout


def test_a_document_the_parser_refuses_fails_the_check(tmp_path):
    """The check can fail: a wrong exchange type and HTTP method are errors of the bindings' own schemas."""
    document = json.loads((DOCS / "agency-events.asyncapi.json").read_text(encoding="utf-8"))
    document["channels"]["feed_finance_payment_made_v1"]["bindings"]["amqp"]["exchange"]["type"] = "queue"
    document["operations"]["deliver_webhook"]["bindings"]["http"]["method"] = "SEND"
    broken = tmp_path / "broken.asyncapi.json"
    broken.write_text(json.dumps(document), encoding="utf-8")
    result = parse(broken)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "/channels/feed_finance_payment_made_v1/bindings/amqp/exchange/type" in result.stdout
    assert "NOT VALID" in result.stdout
