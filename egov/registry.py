"""The four bureaus' services by name."""
from __future__ import annotations

import sys

from services.approval.app import DEFINITION as APPROVAL
from services.audit.app import DEFINITION as AUDIT
from services.finance.app import DEFINITION as FINANCE
from services.secrecy.app import DEFINITION as SECRECY
from shared.service import ServiceDefinition

SERVICES: dict[str, ServiceDefinition] = {d.name: d for d in (APPROVAL, FINANCE, AUDIT, SECRECY)}


def chosen(names: list[str], command: str) -> list[str]:
    """The services a command names (all four when it names none); it stops with the choices if one is unknown."""
    unknown = set(names) - set(SERVICES)
    if unknown:
        sys.exit(f"{command}: unknown service {', '.join(sorted(unknown))}; choose from {', '.join(SERVICES)}")
    return list(names) or list(SERVICES)
