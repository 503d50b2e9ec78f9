"""Development keys do not depend on the folder a command runs in, and a token signed with another key pair is
refused with a hint at the likely cause while developing (and without one in production)."""
from __future__ import annotations

from pathlib import Path

import pytest

from shared.auth import AuthError, TokenVerifier, development_keys, ensure_development_keys, mint_token
from shared.settings import PROJECT_ROOT, Settings

ROOT = Path(__file__).resolve().parents[2]


def test_the_default_data_folder_is_the_checkout_s_whatever_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    elsewhere = Settings().data_dir
    monkeypatch.chdir(ROOT)
    assert elsewhere == Settings().data_dir == ROOT / ".egov-data" == PROJECT_ROOT / ".egov-data"
    assert elsewhere.is_absolute()


def test_installed_as_a_package_it_is_the_user_s_data_folder(tmp_path, monkeypatch):
    import shared.settings

    monkeypatch.setattr(shared.settings, "PROJECT_ROOT", tmp_path / "site-packages")  # no pyproject.toml there
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.delenv("DATA_DIR", raising=False)
    assert Settings().data_dir == tmp_path / "share" / "egov"


def test_DATA_DIR_still_overrides_it(tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "mine"))
    assert Settings().data_dir == tmp_path / "mine"
    settings = ensure_development_keys(Settings())
    assert settings.jwt_public_key_file == tmp_path / "mine" / "keys" / "dev-ed25519.pub.pem"


def test_a_new_pair_is_made_once_and_said_so(tmp_path):
    first, created_first = development_keys(Settings(data_dir=tmp_path))
    second, created_second = development_keys(Settings(data_dir=tmp_path))
    assert (created_first, created_second) == (True, False)
    assert first.jwt_private_key_file == second.jwt_private_key_file == (tmp_path / "keys" / "dev-ed25519.pem")
    assert first.jwt_public_key_file.read_bytes() == second.jwt_public_key_file.read_bytes()


def test_configured_keys_make_no_pair(tmp_path, keys):
    settings, created = development_keys(Settings(data_dir=tmp_path, jwt_public_key_file=keys[1]))
    assert not created and not (tmp_path / "keys").exists() and settings.jwt_public_key_file == keys[1]


def _minted_elsewhere(tmp_path) -> str:
    other = ensure_development_keys(Settings(data_dir=tmp_path / "another-folder" / ".egov-data"))
    return mint_token(other, department="APPROVAL_BUREAU", unit="yiyang-approval-bureau")


def test_a_token_of_another_development_pair_is_refused_with_a_hint(tmp_path):
    running = ensure_development_keys(Settings(data_dir=tmp_path / "repo" / ".egov-data"))
    with pytest.raises(AuthError) as refused:
        TokenVerifier(running).verify(_minted_elsewhere(tmp_path))
    message = str(refused.value)
    assert "Signature verification failed" in message
    assert "minted with another key pair" in message and "DATA_DIR" in message
    assert str(running.jwt_public_key_file) in message  # which key this server verifies with


def test_production_refuses_it_without_the_hint(tmp_path, keys):
    production = Settings(environment="production", database_url="postgresql+asyncpg://db/x", amqp_url="amqp://b/",
                          jwt_public_key_file=keys[1])
    with pytest.raises(AuthError) as refused:
        TokenVerifier(production).verify(_minted_elsewhere(tmp_path))
    assert str(refused.value) == "invalid token: Signature verification failed"


def test_other_refusals_carry_no_key_hint(tmp_path):
    settings = ensure_development_keys(Settings(data_dir=tmp_path))
    expired = mint_token(settings, department="FINANCE_BUREAU", unit="finance", ttl_seconds=-10)
    with pytest.raises(AuthError) as refused:
        TokenVerifier(settings).verify(expired)
    assert "expired" in str(refused.value) and "key pair" not in str(refused.value)
