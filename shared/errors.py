"""Refusals by the law are data: a list of violations, each naming the rule, the field at fault and why."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Violation:
    code: str  # the rule id, e.g. "R-ACC-4", or a generic code such as "NOT_FOUND" / "INVALID"
    field: tuple[str, ...] | None
    message: str


class DomainError(Exception):
    """A command the law refuses. Nothing is written when it is raised."""

    def __init__(self, violations: list[Violation] | Violation):
        self.violations = [violations] if isinstance(violations, Violation) else list(violations)
        super().__init__("; ".join(f"{v.code}: {v.message}" for v in self.violations))


def refuse(code: str, message: str, *field: str) -> DomainError:
    return DomainError(Violation(code, tuple(field) or None, message))


class NotFound(DomainError):
    def __init__(self, what: str, field: str = "id"):
        super().__init__(Violation("NOT_FOUND", (field,), f"no {what} with this id is visible to you"))


class PermissionDenied(Exception):
    """The caller's department or unit may not do this (Article 5); maps to a FORBIDDEN GraphQL error."""
