"""Free text a clerk types (名称、理由、意见…): one rule for every service's inputs, the same on SQLite and PostgreSQL.

Two kinds of text, told apart by the input field's name:
- a *line* (a name, an id, a number, a reference, a code): at most LINE_MAX characters, no control character at all;
- a *text* (a reason, an opinion, a plan, a description): at most TEXT_MAX characters; line breaks and tabs allowed,
  no other control character.
A NUL byte is never stored (PostgreSQL cannot store it in text, SQLite can: the rule keeps the two the same), nor a
lone surrogate (not encodable as UTF-8). A domain rule may be stricter (finance's notes, secrecy's vendor ids)."""
from __future__ import annotations

import re
from collections.abc import Sequence

from shared.errors import Violation

LINE_MAX = 200
TEXT_MAX = 4000
LIST_MAX = 200  # items of one list input (reasons, fund sources, vendors, findings...)
INVALID = "INVALID"  # the code every service gives an input that is not well formed

# C0 controls, DEL, C1 controls and lone surrogates; a text keeps \t and \n.
_LINE_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_TEXT_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")

_LINE_NAMES = {"id", "name", "code", "reference", "jurisdiction", "unit", "department", "company", "tester",
               "evaluator", "tranche", "after", "cursor", "proportion", "operatingOrganisation", "seedCommitment"}
_LINE_SUFFIXES = ("Id", "Ids", "Name", "Number", "Reference", "Key", "Code", "Qualification")


def non_blank(values: Sequence[str | None] | None) -> tuple[str, ...]:
    """The given lines (reasons, evidence ...) stripped, the blank ones left out."""
    return tuple(v.strip() for v in values or () if v and v.strip())


def is_line(field_name: str) -> bool:
    """Whether an input field of this (GraphQL) name holds a one-line value rather than free text."""
    return field_name in _LINE_NAMES or field_name.endswith(_LINE_SUFFIXES)


def text_violations(value: str | None, field: Sequence[str], *, line: bool = False, limit: int | None = None,
                    required: bool = False, rule: str = INVALID, what: str = "this text") -> list[Violation]:
    """What is wrong with `value` as an input at `field`: blank when required (`rule`), too long, or holding a
    control character (INVALID). Length counts the trimmed text, as it is stored."""
    field = tuple(field)
    text = (value or "").strip()
    if required and not text:
        return [Violation(rule, field, f"give {what}")]
    forbidden = (_LINE_FORBIDDEN if line else _TEXT_FORBIDDEN).search(text)
    if forbidden:
        allowed = "" if line else " (line breaks and tabs are allowed)"
        return [Violation(INVALID, field, f"{what} holds a control character (U+{ord(forbidden.group()):04X}); "
                                          f"type plain text{allowed}")]
    limit = min(limit, LINE_MAX if line else TEXT_MAX) if limit else (LINE_MAX if line else TEXT_MAX)
    if len(text) > limit:
        return [Violation(INVALID, field, f"{what} has at most {limit} characters; this has {len(text)}")]
    return []
