"""Signed tokens naming the caller's department, unit (with its parent units) and roles.

Ed25519 (EdDSA) JWTs through PyJWT. The gateway and every service verify with the issuer's public key; only the
token command holds the private key. No token means the public.
"""
from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from shared.settings import Settings

ALGORITHM = "EdDSA"


class Department(str, Enum):
    """Article 5: who does what."""

    LEADING_GROUP = "LEADING_GROUP"
    CITY_GOVERNMENT = "CITY_GOVERNMENT"  # 市人民政府: approves the annual construction plan (R-PLN-1)
    APPROVAL_BUREAU = "APPROVAL_BUREAU"
    FINANCE_BUREAU = "FINANCE_BUREAU"
    AUDIT_BUREAU = "AUDIT_BUREAU"
    SECRECY_BUREAU = "SECRECY_BUREAU"
    BIG_DATA_CENTER = "BIG_DATA_CENTER"
    CONSTRUCTION_UNIT = "CONSTRUCTION_UNIT"
    SUPERVISORY_COMMISSION = "SUPERVISORY_COMMISSION"
    PUBLIC = "PUBLIC"


BUREAUS = frozenset(
    {
        Department.APPROVAL_BUREAU,
        Department.FINANCE_BUREAU,
        Department.AUDIT_BUREAU,
        Department.SECRECY_BUREAU,
        Department.LEADING_GROUP,
        Department.SUPERVISORY_COMMISSION,
    }
)


class AuthError(Exception):
    """The token is missing where needed, malformed, expired or not signed by the issuer."""


@dataclass(frozen=True)
class Identity:
    department: Department
    unit: str | None = None
    parent_units: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    subject: str = "anonymous"
    token: str | None = field(default=None, repr=False, compare=False)

    @property
    def is_public(self) -> bool:
        return self.department is Department.PUBLIC

    @property
    def unit_path(self) -> tuple[str, ...]:
        """The caller's unit followed by its parents, nearest first."""
        return ((self.unit,) if self.unit else ()) + self.parent_units


PUBLIC = Identity(department=Department.PUBLIC)


def generate_keypair() -> tuple[bytes, bytes]:
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem, public_pem


def development_key_files(settings: Settings) -> tuple[Path, Path]:
    """The development key pair's files under DATA_DIR: (private, public)."""
    folder = settings.data_dir / "keys"
    return folder / "dev-ed25519.pem", folder / "dev-ed25519.pub.pem"


def ensure_development_keys(settings: Settings) -> Settings:
    """Embedded default: create a development key pair under DATA_DIR once, and point the settings at it."""
    return development_keys(settings)[0]


def development_keys(settings: Settings) -> tuple[Settings, bool]:
    """As ensure_development_keys, and whether it made a new pair (`egov token` says so: tokens signed with a new
    pair are refused by a system already running on the old one)."""
    if settings.jwt_public_key or settings.jwt_public_key_file:
        return settings, False
    if settings.environment == "production":
        raise AuthError("production needs JWT_PUBLIC_KEY_FILE; no development keys are generated")
    private_file, public_file = (path.resolve() for path in development_key_files(settings))
    created = not public_file.exists()
    if created:
        private_file.parent.mkdir(parents=True, exist_ok=True)
        private_pem, public_pem = generate_keypair()
        private_file.write_bytes(private_pem)
        private_file.chmod(0o600)
        public_file.write_bytes(public_pem)
    return settings.model_copy(update={"jwt_public_key_file": public_file,
                                       "jwt_private_key_file": private_file}), created


def _public_key(settings: Settings) -> bytes:
    if settings.jwt_public_key:
        return settings.jwt_public_key.encode()
    if settings.jwt_public_key_file:
        return Path(settings.jwt_public_key_file).read_bytes()
    raise AuthError("no public key configured to verify tokens (JWT_PUBLIC_KEY_FILE)")


def _signature_hint(settings: Settings) -> str:
    """What to add to 'Signature verification failed' while developing: the usual cause is a token minted with
    another development key pair (another DATA_DIR). Nothing in production, where callers are not told about keys."""
    if settings.environment == "production":
        return ""
    key = f"the public key {settings.jwt_public_key_file}" if settings.jwt_public_key_file else "JWT_PUBLIC_KEY"
    return (f" (this server verifies with {key}; the token was probably minted with another key pair: `egov token` "
            "signs with the keys under its DATA_DIR and says which on stderr, so mint with the same DATA_DIR or "
            "JWT_PRIVATE_KEY_FILE)")


class TokenVerifier:
    """Verifies callers' tokens. A token verified once is remembered until it expires (a bounded number of them):
    a caller sends the same token with every request, and its signature, issuer and claims cannot change."""

    REMEMBERED = 4096

    def __init__(self, settings: Settings):
        try:
            self._key = serialization.load_pem_public_key(_public_key(settings))  # parsed once, not per request
        except ValueError as exc:
            raise AuthError(f"the public key to verify tokens is not a PEM public key: {exc}") from exc
        self._issuer = settings.jwt_issuer
        self._max_lifetime = settings.jwt_max_lifetime
        self._signature_hint = _signature_hint(settings)
        self._verified: OrderedDict[str, tuple[Identity, float]] = OrderedDict()

    def verify(self, token: str) -> Identity:
        remembered = self._verified.get(token)
        if remembered is not None:
            identity, expires = remembered
            if time.time() < expires:
                self._verified.move_to_end(token)
                return identity
            del self._verified[token]
        identity, expires = self._verify(token)
        self._verified[token] = (identity, expires)
        if len(self._verified) > self.REMEMBERED:
            self._verified.popitem(last=False)
        return identity

    def _verify(self, token: str) -> tuple[Identity, float]:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                issuer=self._issuer,
                options={"require": ["exp", "iat", "iss", "sub", "dept"]},
            )
            department = Department(claims["dept"])
        except jwt.InvalidSignatureError as exc:
            raise AuthError(f"invalid token: {exc}{self._signature_hint}") from exc
        except (jwt.PyJWTError, ValueError) as exc:
            raise AuthError(f"invalid token: {exc}") from exc
        if claims["exp"] - claims["iat"] > self._max_lifetime:
            raise AuthError(f"invalid token: valid for {(claims['exp'] - claims['iat']) // 3600} hours; a token may be "
                            f"valid for at most {self._max_lifetime // 3600} hours")
        if department is Department.PUBLIC:
            raise AuthError("invalid token: the public carries no token")
        if department is Department.CONSTRUCTION_UNIT and not claims.get("unit"):
            raise AuthError("invalid token: a construction unit's token must name its unit")
        return Identity(
            department=department,
            unit=claims.get("unit"),
            parent_units=tuple(claims.get("parents", ())),
            roles=tuple(claims.get("roles", ())),
            subject=claims["sub"],
            token=token,
        ), claims["exp"]

    def from_authorization(self, header: str | None) -> Identity:
        if not header:
            return PUBLIC
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise AuthError("the Authorization header must be 'Bearer <token>'")
        return self.verify(token.strip())


def mint_token(
    settings: Settings,
    *,
    department: Department | str,
    unit: str | None = None,
    parent_units: list[str] | tuple[str, ...] = (),
    roles: list[str] | tuple[str, ...] = (),
    subject: str | None = None,
    ttl_seconds: int = 8 * 3600,
) -> str:
    if not settings.jwt_private_key_file:
        raise AuthError("minting needs the issuer's private key (JWT_PRIVATE_KEY_FILE)")
    if ttl_seconds > settings.jwt_max_lifetime:
        raise AuthError(f"a token may be valid for at most {settings.jwt_max_lifetime} seconds (JWT_MAX_LIFETIME)")
    department = Department(department)
    now = int(time.time())
    claims = {
        "iss": settings.jwt_issuer,
        "sub": subject or f"{department.value.lower()}:{unit or 'staff'}:{uuid.uuid4().hex[:8]}",
        "dept": department.value,
        "unit": unit,
        "parents": list(parent_units),
        "roles": list(roles),
        "iat": now,
        "exp": now + ttl_seconds,
    }
    return jwt.encode(claims, Path(settings.jwt_private_key_file).read_bytes(), algorithm=ALGORITHM)
