"""The approval service: its definition, and the FastAPI app factory for serving it alone."""
from __future__ import annotations

from pathlib import Path

from services.approval.adapters.audience import project_audiences
from services.approval.adapters.orm import metadata
from services.approval.consumers import create_handlers
from services.approval.feeds.relay import agency_feed_worker
from services.approval.graphql.schema import create_schema
from services.approval.webhook_dispatcher import webhook_worker
from shared.service import ServiceDefinition, ServiceRuntime, create_service_app
from shared.settings import Settings

DEFINITION = ServiceDefinition(
    name="approval",
    metadata=metadata,
    migrations=str(Path(__file__).parent / "migrations"),
    schema_factory=create_schema,
    handlers=lambda settings: create_handlers(settings.major_project_threshold),
    audience=project_audiences,
    workers=[agency_feed_worker, webhook_worker],  # feeds to agencies (docs/agency-feeds.md, docs/webhooks.md)
)


def create_app(settings: Settings):
    return create_service_app(ServiceRuntime(DEFINITION, settings.for_service("approval")))
