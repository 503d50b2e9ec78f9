"""Who may take each of Finance's money decisions (Article 5 is the permission table), and the rule behind it.
One place to read it; a refusal names the department the action needs."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from shared.auth import Department, Identity
from shared.errors import PermissionDenied
from shared.visibility import APPLICANTS, unit_manages


class Command(str, Enum):
    SET_FUND_ALLOCATION = "SET_FUND_ALLOCATION"
    DRAFT_SPECIAL_FUND_PLAN = "DRAFT_SPECIAL_FUND_PLAN"
    SIGN_SPECIAL_FUND_PLAN = "SIGN_SPECIAL_FUND_PLAN"
    REVIEW_SPECIAL_FUND_PLAN = "REVIEW_SPECIAL_FUND_PLAN"
    MAKE_PAYMENT = "MAKE_PAYMENT"
    IMPOSE_SANCTION = "IMPOSE_SANCTION"
    REVIEW_SETTLEMENT = "REVIEW_SETTLEMENT"
    GRANT_REWARD = "GRANT_REWARD"
    OPEN_SPOT_CHECK = "OPEN_SPOT_CHECK"
    RECORD_SPOT_CHECK_RESULT = "RECORD_SPOT_CHECK_RESULT"
    REGISTER_ASSET = "REGISTER_ASSET"
    CORRECT_ASSET = "CORRECT_ASSET"
    WITHDRAW_ASSET = "WITHDRAW_ASSET"
    COMPLETE_ASSET_REGISTRATION = "COMPLETE_ASSET_REGISTRATION"
    REMIND_ASSET_REGISTRATION = "REMIND_ASSET_REGISTRATION"


@dataclass(frozen=True)
class Permission:
    departments: frozenset[Department]
    rule: str
    description: str


FINANCE = frozenset({Department.FINANCE_BUREAU})

PERMISSIONS: dict[Command, Permission] = {
    Command.SET_FUND_ALLOCATION: Permission(FINANCE, "R-FIN-2", "setting a yearly fund allocation (分年安排)"),
    Command.DRAFT_SPECIAL_FUND_PLAN: Permission(FINANCE, "R-PLN-2",
                                                "drafting the special-fund annual plan (专项资金年度计划)"),
    # Art 5: Finance and the Approval Bureau draft the plan together; each signs for its own department.
    Command.SIGN_SPECIAL_FUND_PLAN: Permission(frozenset({Department.FINANCE_BUREAU, Department.APPROVAL_BUREAU}),
                                               "R-PLN-2", "co-signing the special-fund annual plan"),
    Command.REVIEW_SPECIAL_FUND_PLAN: Permission(frozenset({Department.LEADING_GROUP}), "R-PLN-2",
                                                 "reviewing the special-fund annual plan"),
    Command.MAKE_PAYMENT: Permission(FINANCE, "R-FIN-1", "paying from a project's funds (支付)"),
    Command.IMPOSE_SANCTION: Permission(FINANCE, "R-FIN-4", "imposing a sanction (核减、停止拨付或追回)"),
    Command.REVIEW_SETTLEMENT: Permission(FINANCE, "R-FIN-6", "the settlement review (结决算评审)"),
    Command.GRANT_REWARD: Permission(FINANCE, "R-FIN-3", "granting a reward or subsidy (奖补)"),
    Command.OPEN_SPOT_CHECK: Permission(FINANCE, "R-FIN-5", "opening a spot check (重点抽查)"),
    Command.RECORD_SPOT_CHECK_RESULT: Permission(FINANCE, "R-FIN-5", "recording a spot check's result"),
    # Art 5: the construction unit registers its accepted project's assets; Finance oversees the registration.
    Command.REGISTER_ASSET: Permission(APPLICANTS, "R-FIN-7", "registering a project's asset (资产登记)"),
    Command.CORRECT_ASSET: Permission(APPLICANTS, "R-FIN-7", "correcting a registered asset"),
    Command.WITHDRAW_ASSET: Permission(APPLICANTS, "R-FIN-7", "withdrawing a registered asset"),
    Command.COMPLETE_ASSET_REGISTRATION: Permission(APPLICANTS, "R-FIN-7",
                                                    "declaring a project's asset registration complete"),
    Command.REMIND_ASSET_REGISTRATION: Permission(FINANCE, "R-FIN-7",
                                                  "reminding a unit of its unregistered assets"),
}


def authorize(command: Command, actor: Identity) -> None:
    permission = PERMISSIONS[command]
    if actor.department not in permission.departments:
        needed = " or ".join(sorted(d.value for d in permission.departments))
        raise PermissionDenied(f"{permission.description} is for {needed}; you are {actor.department.value}")


def authorize_unit(command: Command, actor: Identity, unit_path) -> None:
    """A unit's command on a project: only the project's own unit or a unit above it (二级机构) may take it."""
    if actor.department in APPLICANTS and not unit_manages(actor, unit_path):
        raise PermissionDenied(f"{PERMISSIONS[command].description} is for the project's own unit or a unit above "
                               f"it; you are {actor.unit or 'no unit'}")
