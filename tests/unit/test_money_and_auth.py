"""Money is integer fen; tokens are Ed25519-signed and name department, unit and parents."""
import time

import jwt
import pytest

from shared.auth import AuthError, Department, TokenVerifier, mint_token
from shared.money import MoneyError, parse_fen, yuan_to_fen
from shared.settings import Settings


@pytest.mark.parametrize("value,fen", [(0, 0), (12345, 12345), (20_000_000, 20_000_000)])
def test_whole_fen_is_accepted(value, fen):
    assert parse_fen(value) == fen


@pytest.mark.parametrize("value", [1.5, 100.0, -1, "-3", "1.20", True, None, "abc",
                                   "20000000", " 7 ", "²", "١٢٣", 10**30, 2**63])
def test_floats_fractions_negatives_and_junk_are_refused(value):
    with pytest.raises(MoneyError):
        parse_fen(value)


def test_yuan_converts_to_fen_exactly():
    assert yuan_to_fen("20000000") == 2_000_000_000
    assert yuan_to_fen("0.01") == 1
    with pytest.raises(MoneyError):
        yuan_to_fen("0.001")


@pytest.fixture
def settings(keys):
    private, public = keys
    return Settings(jwt_private_key_file=private, jwt_public_key_file=public)


def test_a_minted_token_verifies_to_the_same_identity(settings):
    token = mint_token(settings, department="CONSTRUCTION_UNIT", unit="health-commission",
                       parent_units=["city-government"], roles=["project-manager"])
    identity = TokenVerifier(settings).from_authorization(f"Bearer {token}")
    assert identity.department is Department.CONSTRUCTION_UNIT
    assert identity.unit_path == ("health-commission", "city-government")
    assert identity.roles == ("project-manager",)


def test_no_header_is_the_public(settings):
    assert TokenVerifier(settings).from_authorization(None).is_public


def test_a_token_signed_by_another_key_is_refused(settings, tmp_path):
    other = Settings(data_dir=tmp_path)
    from shared.auth import ensure_development_keys

    other = ensure_development_keys(other)
    forged = mint_token(other, department="APPROVAL_BUREAU", unit="x")
    with pytest.raises(AuthError):
        TokenVerifier(settings).verify(forged)


def test_an_expired_token_is_refused(settings):
    token = mint_token(settings, department="FINANCE_BUREAU", unit="finance", ttl_seconds=-10)
    with pytest.raises(AuthError, match="expired"):
        TokenVerifier(settings).verify(token)


def test_an_unsigned_token_is_refused(settings):
    token = jwt.encode({"iss": settings.jwt_issuer, "sub": "x", "dept": "APPROVAL_BUREAU",
                        "exp": int(time.time()) + 60}, key=None, algorithm="none")
    with pytest.raises(AuthError):
        TokenVerifier(settings).verify(token)


def test_a_construction_unit_token_must_name_its_unit(settings):
    with pytest.raises(AuthError, match="unit"):
        TokenVerifier(settings).verify(mint_token(settings, department="CONSTRUCTION_UNIT"))


def test_production_refuses_development_defaults():
    with pytest.raises(ValueError, match="DATABASE_URL"):
        Settings(environment="production")


def test_a_token_valid_for_longer_than_the_maximum_lifetime_is_refused(settings):
    """A correctly signed token valid for ten years is refused (JWT_MAX_LIFETIME, a day by default); so is one that
    does not say when it was issued; and the issuer will not mint one."""
    now = int(time.time())
    claims = {"iss": settings.jwt_issuer, "sub": "finance:staff", "dept": "FINANCE_BUREAU", "unit": "finance"}
    key = settings.jwt_private_key_file.read_bytes()
    ten_years = jwt.encode({**claims, "iat": now, "exp": now + 10 * 365 * 86400}, key, algorithm="EdDSA")
    with pytest.raises(AuthError, match="at most 24 hours"):
        TokenVerifier(settings).verify(ten_years)
    undated = jwt.encode({**claims, "exp": now + 60}, key, algorithm="EdDSA")
    with pytest.raises(AuthError, match="iat"):
        TokenVerifier(settings).verify(undated)
    with pytest.raises(AuthError, match="at most"):
        mint_token(settings, department="FINANCE_BUREAU", unit="finance", ttl_seconds=2 * 86400)
    day = mint_token(settings, department="FINANCE_BUREAU", unit="finance", ttl_seconds=86400)
    assert TokenVerifier(settings).verify(day).department is Department.FINANCE_BUREAU


def test_a_remembered_token_is_refused_once_it_expires(settings):
    """Verified tokens are remembered to spare a signature check per request, never beyond their expiry."""
    verifier = TokenVerifier(settings)
    token = mint_token(settings, department="FINANCE_BUREAU", unit="yiyang-finance-bureau", ttl_seconds=1)
    first = verifier.verify(token)
    assert verifier.verify(token) is first
    time.sleep(max(0.0, jwt.decode(token, options={"verify_signature": False})["exp"] - time.time()) + 0.05)
    with pytest.raises(AuthError, match="expired"):
        verifier.verify(token)


def test_remembering_tokens_is_bounded(settings, monkeypatch):
    monkeypatch.setattr(TokenVerifier, "REMEMBERED", 3)
    verifier = TokenVerifier(settings)
    for n in range(10):
        verifier.verify(mint_token(settings, department="FINANCE_BUREAU", unit=f"unit-{n}"))
    assert len(verifier._verified) == 3
