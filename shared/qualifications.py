"""Classified-integration qualification (涉密信息系统集成资质): grades and scopes, shared by secrecy and approval."""
from __future__ import annotations

from enum import Enum


class QualificationGrade(str, Enum):
    A = "A"  # 甲级
    B = "B"  # 乙级


class QualificationScope(str, Enum):
    OVERALL_INTEGRATION = "OVERALL_INTEGRATION"  # 总体集成
    SYSTEM_CONSULTING = "SYSTEM_CONSULTING"  # 系统咨询
    SOFTWARE_DEVELOPMENT = "SOFTWARE_DEVELOPMENT"  # 软件开发
    SECURITY_MONITORING = "SECURITY_MONITORING"  # 安防监控
    SHIELDED_ROOM = "SHIELDED_ROOM"  # 屏蔽室建设
    OPERATIONS_MAINTENANCE = "OPERATIONS_MAINTENANCE"  # 运行维护
    DATA_RECOVERY = "DATA_RECOVERY"  # 数据恢复
    ENGINEERING_SUPERVISION = "ENGINEERING_SUPERVISION"  # 工程监理


def qualification_problem(*, scopes: frozenset[str] | set[str], valid_from, valid_until, revoked_on, scope: str,
                          on) -> str | None:
    """R-IMP-2: why a vendor's qualification does not cover `scope` on date `on`, or None when it does."""
    if revoked_on is not None and on >= revoked_on:
        return f"the qualification was revoked with effect from {revoked_on.isoformat()}"
    if on < valid_from:
        return f"the qualification is valid only from {valid_from.isoformat()}"
    if on > valid_until:
        return f"the qualification expired on {valid_until.isoformat()}"
    if scope not in scopes:
        return f"the qualification does not cover {scope}"
    return None
