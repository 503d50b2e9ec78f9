"""Who may make each of the Secrecy Bureau's decisions (Article 5): the permission table, in one place.

Every command of this service is the Secrecy Bureau's own (市国家保密局): classification (定密/解密), the secrecy
review, the vendor-qualification register, graded-protection evaluation and the review before use.
"""
from __future__ import annotations

from enum import Enum

from shared.auth import Department, Identity
from shared.errors import PermissionDenied


class Command(str, Enum):
    CONFIRM_CLASSIFICATION = "CONFIRM_CLASSIFICATION"
    DECLASSIFY_PROJECT = "DECLASSIFY_PROJECT"
    PASS_SECRECY_REVIEW = "PASS_SECRECY_REVIEW"
    FAIL_SECRECY_REVIEW = "FAIL_SECRECY_REVIEW"
    REOPEN_SECRECY_REVIEW = "REOPEN_SECRECY_REVIEW"
    REGISTER_VENDOR_QUALIFICATION = "REGISTER_VENDOR_QUALIFICATION"
    REVOKE_VENDOR_QUALIFICATION = "REVOKE_VENDOR_QUALIFICATION"
    RECORD_GRADED_PROTECTION_EVALUATION = "RECORD_GRADED_PROTECTION_EVALUATION"
    APPROVE_PRE_USE = "APPROVE_PRE_USE"
    REFUSE_PRE_USE = "REFUSE_PRE_USE"


SECRECY_BUREAU_ONLY = frozenset({Department.SECRECY_BUREAU})

# The permission table: every command, and the departments that may give it.
AUTHORITY: dict[Command, frozenset[Department]] = {command: SECRECY_BUREAU_ONLY for command in Command}

# The rule each decision is taken under, as its trail entry cites it (R-OVS-1); the service's own steps included.
RULES: dict[str, str] = {
    Command.CONFIRM_CLASSIFICATION.value: "R-SEC-2", Command.DECLASSIFY_PROJECT.value: "R-SEC-2",
    Command.PASS_SECRECY_REVIEW.value: "R-REV-3", Command.FAIL_SECRECY_REVIEW.value: "R-REV-3",
    Command.REOPEN_SECRECY_REVIEW.value: "R-REV-3", "OPEN_SECRECY_REVIEW": "R-REV-3",
    Command.REGISTER_VENDOR_QUALIFICATION.value: "R-IMP-2", Command.REVOKE_VENDOR_QUALIFICATION.value: "R-IMP-2",
    Command.RECORD_GRADED_PROTECTION_EVALUATION.value: "R-SEC-1", "OPEN_PRE_USE_REVIEW": "R-ACC-5",
    Command.APPROVE_PRE_USE.value: "R-ACC-5", Command.REFUSE_PRE_USE.value: "R-ACC-5",
}


def authorize(actor: Identity, command: Command) -> None:
    """Refuse (FORBIDDEN) unless the actor's department may give the command; say which department it needs."""
    allowed = AUTHORITY[command]
    if actor.department not in allowed:
        needed = " or ".join(sorted(d.value for d in allowed))
        raise PermissionDenied(
            f"{command.value.lower().replace('_', ' ')} is for {needed}; you are {actor.department.value}")


