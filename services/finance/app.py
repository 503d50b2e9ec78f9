"""The finance service: its definition, and the FastAPI app factory for serving it alone."""
from __future__ import annotations

from pathlib import Path

from services.finance.adapters.audience import project_audiences
from services.finance.adapters.orm import metadata
from services.finance.graphql.schema import create_schema
from services.finance.handlers import HANDLERS
from shared.service import ServiceDefinition, ServiceRuntime, create_service_app
from shared.settings import Settings

DEFINITION = ServiceDefinition(
    name="finance",
    metadata=metadata,
    migrations=str(Path(__file__).parent / "migrations"),
    schema_factory=create_schema,
    handlers=HANDLERS,
    audience=project_audiences,
)


def create_app(settings: Settings):
    return create_service_app(ServiceRuntime(DEFINITION, settings.for_service("finance")))
