"""The operator's `egov webhook` commands, on the embedded SQLite under a data folder of the test's own."""
from __future__ import annotations

import pytest

from egov.cli import main


def test_an_operator_registers_lists_and_replays_webhooks_from_the_command_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    main(["webhook", "add", "http://127.0.0.1:8080/hook", "--types", "finance.payment.*", "--agency", "stats"])
    added = capsys.readouterr().out
    assert "registered for stats" in added and "secret (shown only now" in added and "whsec_" in added
    main(["webhook", "list"])
    listed = capsys.readouterr().out
    assert "stats\thttp://127.0.0.1:8080/hook\tfinance.payment.*\t-\tenabled" in listed
    assert "whsec_" not in listed  # the secret is shown once, never listed
    main(["webhook", "replay", "--failed"])
    assert capsys.readouterr().out.startswith("0 deliveries back in line")
    with pytest.raises(SystemExit, match="INVALID"):
        main(["webhook", "add", "http://agency.example/hook", "--types", "*"])
