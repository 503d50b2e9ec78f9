"""Signed webhooks for agencies without a broker (Article 19's publicity, pushed): the rules, without I/O.

An agency registers an HTTPS endpoint and the event types it wants (globs such as `finance.payment.*`), optionally
for one jurisdiction. Only what an outside reader may see is ever delivered: an event whose project's audience is
known and not classified (R-SEC-2, R-PUB-1); an event without an audience is withheld (fail closed).
Deliveries follow the Standard Webhooks retry schedule, with jitter; an endpoint failing for longer than a day is
disabled with the reason.
"""
from __future__ import annotations

import base64
import random
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from fnmatch import fnmatchcase
from urllib.parse import urlsplit

from shared.errors import refuse
from shared.events import Envelope
from shared.visibility import outside_readable

SECRET_PREFIX = "whsec_"
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
# Standard Webhooks' suggested schedule after the first attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; as
# multiples of the first delay (the "base"), so that tests can run it in milliseconds.
RETRY_FACTORS = (1, 60, 360, 1440, 3600, 7200, 7200)
JITTER = 0.1  # each delay is drawn within ±10% so that endpoints' retries do not arrive in lockstep
MAX_PATTERNS = 50


class DeliveryStatus(str, Enum):
    PENDING = "PENDING"      # waiting for its next attempt
    DELIVERED = "DELIVERED"  # the endpoint answered 2xx
    FAILED = "FAILED"        # the schedule ran out, or its endpoint was disabled on it; an operator may replay it


@dataclass(frozen=True)
class Registration:
    """An agency's endpoint: where and what it receives (the secret is kept by the adapter, shown once)."""

    id: str
    agency: str
    url: str
    event_types: tuple[str, ...]
    jurisdiction: str | None
    enabled: bool
    disabled_reason: str | None = None
    failing_since: datetime | None = None
    created_at: datetime | None = None


def subscribes_to(registration: Registration, envelope: Envelope) -> bool:
    """An ENABLED registration receives an event an outside reader may see, of a type one of its globs names
    (`*` matches any characters, dots included), and of its jurisdiction when it names one."""
    if not registration.enabled or not outside_readable(envelope):
        return False
    if registration.jurisdiction is not None and envelope.audience.jurisdiction != registration.jurisdiction:
        return False
    return any(fnmatchcase(envelope.type, pattern) for pattern in registration.event_types)


def check_endpoint(url: str, *, environment: str) -> str:
    """HTTPS only; plain http only to a loopback host outside production (development and tests)."""
    url = url.strip()
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host:
        raise refuse("INVALID", "an endpoint is an absolute https:// URL", "url")
    if parts.username or parts.password:
        raise refuse("INVALID", "an endpoint URL carries no credentials: the signature authenticates us", "url")
    if parts.scheme == "http" and not (host in LOOPBACK_HOSTS and environment != "production"):
        raise refuse("INVALID", "an endpoint must use https (http only for localhost in development and tests)",
                     "url")
    return url


def check_patterns(patterns: Sequence[str]) -> tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(p.strip() for p in patterns if p.strip()))
    if not cleaned:
        raise refuse("INVALID", "name at least one event type or pattern, e.g. finance.payment.*", "eventTypes")
    if len(cleaned) > MAX_PATTERNS:
        raise refuse("INVALID", f"at most {MAX_PATTERNS} event type patterns", "eventTypes")
    for pattern in cleaned:
        if len(pattern) > 200 or not all(c.isalnum() or c in "._*?-" for c in pattern):
            raise refuse("INVALID", f"{pattern!r} is not an event type pattern (letters, digits, . _ - * ?)",
                         "eventTypes")
    return cleaned


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def retry_delay(failed_attempts: int, *, base: float, draw: Callable[[float, float], float] = random.uniform
                ) -> timedelta | None:
    """How long after its `failed_attempts`-th failure a delivery is tried again; None when the schedule is spent."""
    if failed_attempts < 1 or failed_attempts > len(RETRY_FACTORS):
        return None
    seconds = RETRY_FACTORS[failed_attempts - 1] * base
    return timedelta(seconds=seconds * draw(1 - JITTER, 1 + JITTER))


def succeeded(status_code: int | None) -> bool:
    return status_code is not None and 200 <= status_code < 300


def disable_reason(failing_since: datetime | None, now: datetime, *, disable_after: timedelta) -> str | None:
    """An endpoint that has failed every attempt for longer than `disable_after` is disabled, and says why."""
    if failing_since is None or now - failing_since <= disable_after:
        return None
    return (f"every delivery failed since {failing_since.isoformat(timespec='seconds')} "
            f"(longer than {disable_after}); enable it again once the endpoint answers")

