"""The audit service: its definition, and the FastAPI app factory for serving it alone."""
from __future__ import annotations

from pathlib import Path

from services.audit.adapters.audience import project_audiences
from services.audit.adapters.orm import metadata
from services.audit.graphql.schema import create_schema
from services.audit.handlers import HANDLERS
from shared.service import ServiceDefinition, ServiceRuntime, create_service_app
from shared.settings import Settings

DEFINITION = ServiceDefinition(
    name="audit",
    metadata=metadata,
    migrations=str(Path(__file__).parent / "migrations"),
    schema_factory=create_schema,
    handlers=HANDLERS,
    audience=project_audiences,
)


def create_app(settings: Settings):
    return create_service_app(ServiceRuntime(DEFINITION, settings.for_service("audit")))
