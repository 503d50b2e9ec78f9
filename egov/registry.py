"""The four bureaus' services by name."""
from __future__ import annotations

from services.approval.app import DEFINITION as APPROVAL
from services.audit.app import DEFINITION as AUDIT
from services.finance.app import DEFINITION as FINANCE
from services.secrecy.app import DEFINITION as SECRECY
from shared.service import ServiceDefinition

SERVICES: dict[str, ServiceDefinition] = {d.name: d for d in (APPROVAL, FINANCE, AUDIT, SECRECY)}
