"""An agency's grant, as data: its name, the event patterns it may read, its jurisdiction; and what that means on
the broker (queue, user, bindings, permissions). Pure: `access` applies it through the management API.

Patterns are the CLI's globs over event types: a `*` at the end stands for the rest of the type, whatever its
length (the topic `#`: `approval.project.*` covers `approval.project.approved.v1`); a `*` elsewhere stands for one
word (the topic `*`). Every agency routing key starts with the project's jurisdiction (`redaction`), so a binding
is `*.<pattern>` (every jurisdiction) or `<JURISDICTION>.<pattern>`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from shared.jurisdictions import JURISDICTIONS

_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_WORD = re.compile(r"^[a-z0-9_-]+$")


class GrantError(ValueError):
    """An operator's input the broker must not be given."""


@dataclass(frozen=True)
class Grant:
    agency: str
    patterns: tuple[str, ...]
    jurisdiction: str | None = None

    def __post_init__(self):
        if not _NAME.match(self.agency):
            raise GrantError(f"agency name {self.agency!r}: lower-case letters, digits and '-', at most 63")
        if not self.patterns:
            raise GrantError("name at least one event pattern")
        for pattern in self.patterns:
            topic_pattern(pattern)
        if self.jurisdiction is not None and self.jurisdiction not in JURISDICTIONS:
            raise GrantError(f"jurisdiction {self.jurisdiction!r}: one of {', '.join(JURISDICTIONS)}")

    def binding_keys(self) -> list[str]:
        first = self.jurisdiction or "*"
        return [f"{first}.{topic_pattern(pattern)}" for pattern in self.patterns]


def parse_patterns(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def topic_pattern(glob: str) -> str:
    words = glob.split(".")
    if not all(word == "*" or _WORD.match(word) for word in words):
        raise GrantError(f"event pattern {glob!r}: words of letters, digits, '_' or '-', separated by '.', or '*'")
    if words[-1] == "*":
        words[-1] = "#"
    return ".".join(words)


def glob_of(binding_key: str) -> tuple[str, str]:
    """A binding key back as (jurisdiction or '*', the CLI's pattern), for `egov agency list`."""
    first, _, rest = binding_key.partition(".")
    words = rest.split(".")
    if words and words[-1] == "#":
        words[-1] = "*"
    return first, ".".join(words)


def agency_queue(prefix: str, agency: str) -> str:
    return f"{prefix}.agency.{agency}"


def agency_user(prefix: str, agency: str) -> str:
    """The agency's RabbitMQ user; named like its queue, so two prefixes on one broker never share one."""
    return agency_queue(prefix, agency)


def agency_permissions(prefix: str, agency: str) -> dict[str, str]:
    """Read its own queue, nothing else: no declaring, binding, deleting (configure), no publishing (write)."""
    return {"configure": "^$", "write": "^$", "read": f"^{re.escape(agency_queue(prefix, agency))}$"}
