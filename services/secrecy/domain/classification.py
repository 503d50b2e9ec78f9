"""Classification (定密): the unit declares at submission, the Secrecy Bureau confirms, corrects or declassifies."""
from __future__ import annotations

from enum import Enum


class SecrecyLevel(str, Enum):
    SECRET = "SECRET"  # 秘密
    CONFIDENTIAL = "CONFIDENTIAL"  # 机密
    TOP_SECRET = "TOP_SECRET"  # 绝密


class ClassificationStatus(str, Enum):
    NOT_DECLARED = "NOT_DECLARED"  # the unit declared the project not classified
    DECLARED = "DECLARED"  # declared classified by the unit; awaits the Secrecy Bureau's confirmation


def status_on_submission(declared_classified: bool) -> ClassificationStatus:
    return ClassificationStatus.DECLARED if declared_classified else ClassificationStatus.NOT_DECLARED
