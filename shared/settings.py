"""One settings object per process, from environment variables (pydantic-settings).

With no DATABASE_URL and no AMQP_URL the process runs embedded: SQLite files under DATA_DIR and the in-process
bus. With DATABASE_URL=postgresql+asyncpg://... and AMQP_URL=amqp://... the same code runs on PostgreSQL and
RabbitMQ, one process per service.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


PROJECT_ROOT = Path(__file__).resolve().parents[1]


def default_data_dir() -> Path:
    """Where the embedded system keeps its SQLite files and development keys unless DATA_DIR says otherwise.

    Not relative to the current folder: `egov token` run from another folder would otherwise make a key pair of its
    own there, whose tokens the running system refuses. From a source checkout (the folder of pyproject.toml) it is
    `.egov-data` in that checkout, where scripts/run.sh has always put it; from an installed package it is the
    user's data folder."""
    if (PROJECT_ROOT / "pyproject.toml").is_file():
        return PROJECT_ROOT / ".egov-data"
    try:
        return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "egov"
    except RuntimeError:  # a user without a home folder (some containers): the current folder, as it used to be
        return Path(".egov-data")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", env_file=None)

    environment: Literal["development", "test", "production"] = "development"
    service_name: str = "egov"
    data_dir: Path = Field(default_factory=default_data_dir)  # a relative DATA_DIR is taken from the current folder
    database_url: str | None = None
    amqp_url: str | None = None
    # Every exchange and queue name starts with this prefix, so two test runs on one broker never meet.
    bus_prefix: str = "egov"
    bus_delivery_limit: int = Field(default=5, ge=1)
    bus_prefetch: int = Field(default=16, ge=1)
    # RabbitMQ's management HTTP API: `egov agency grant|revoke|list` create agencies' users, queues and bindings.
    rabbitmq_management_url: str = "http://127.0.0.1:15672"
    rabbitmq_management_user: str = "guest"
    rabbitmq_management_password: str = "guest"
    relay_poll_interval: float = Field(default=0.5, gt=0)
    # An outbox row the broker refuses this many times is parked for an operator (`egov outbox parked`).
    outbox_max_attempts: int = Field(default=10, ge=1)
    # Ed25519 keys (PEM). The public key verifies every caller; the private key only mints tokens.
    jwt_issuer: str = "yiyang-egov"
    jwt_public_key_file: Path | None = None
    jwt_private_key_file: Path | None = None
    jwt_public_key: str | None = None
    jwt_max_lifetime: int = Field(default=24 * 3600, gt=0)  # seconds from `iat` to `exp`: longer-lived tokens refused
    # R-IMP-4: a major project (重大项目) is one at or above this investment, or one the Approval Bureau flags.
    major_project_threshold: int = Field(default=2_000_000_000, gt=0, description="in fen; default 20M yuan")
    # R-FIN-7: days after completion acceptance the unit has to register the project's assets before Finance lists
    # the project as unregistered and may remind it (docs/decisions.md, Money after acceptance).
    asset_registration_grace_days: int = Field(default=90, ge=0, le=3650)
    # Signed webhooks to agencies (services/approval, docs/webhooks.md): the first retry's delay in seconds (the
    # Standard Webhooks schedule 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h scales with it), how long an endpoint may
    # fail every attempt before it is disabled, how often due deliveries are looked for, and one request's timeout.
    webhook_retry_base: float = Field(default=5.0, gt=0)
    webhook_disable_after: float = Field(default=24 * 3600, gt=0)
    webhook_poll_interval: float = Field(default=1.0, gt=0)
    webhook_timeout: float = Field(default=15.0, gt=0)
    log_json: bool = False
    otel_console: bool = False
    access_log: bool = False  # a line per HTTP request (uvicorn's); an ingress in front usually keeps its own
    max_body_bytes: int = Field(default=1024 * 1024, gt=0)  # a request's body at /graphql (the gateway's: smaller)

    @model_validator(mode="after")
    def _production_needs_real_infrastructure(self) -> "Settings":
        if self.environment == "production":
            missing = [name for name, value in self.required_in_production() if not value]
            if missing:
                raise ValueError(f"production refuses development defaults; set {', '.join(missing)}")
        return self

    def required_in_production(self) -> list[tuple[str, object]]:
        return [
            ("DATABASE_URL", self.database_url),
            ("AMQP_URL", self.amqp_url),
            ("JWT_PUBLIC_KEY_FILE or JWT_PUBLIC_KEY", self.jwt_public_key_file or self.jwt_public_key),
        ]

    @property
    def embedded(self) -> bool:
        return self.amqp_url is None

    def database_url_for(self, service: str) -> str:
        """The service's own database: DATABASE_URL if given, else its own SQLite file under DATA_DIR."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / f'{service}.db').resolve()}"

    def for_service(self, service: str, **changes: object) -> "Settings":
        return self.model_copy(update={"service_name": service, **changes})


class GatewaySettings(Settings):
    """The gateway's own settings: where the subgraphs are, and the limits it enforces.

    The graph comes from, in this order: SUPERGRAPH_FILE (a supergraph SDL composed by Apollo's tooling or ours),
    SUBGRAPHS_FILE or SUBGRAPHS (a JSON list of {"name": ..., "url": ...}), else the four bureaus at the URLs
    below. Every SUBGRAPH_POLL_INTERVAL seconds (0: never) the gateway looks again and switches to the new graph
    only if it composes. TRUSTED_DOCUMENTS_FILE names the operations the front-ends shipped, which clients may
    send by hash; with TRUSTED_DOCUMENTS_ONLY=true nothing else runs (`gateway.persisted`)."""

    approval_url: str = "http://127.0.0.1:8001/graphql"
    finance_url: str = "http://127.0.0.1:8002/graphql"
    audit_url: str = "http://127.0.0.1:8003/graphql"
    secrecy_url: str = "http://127.0.0.1:8004/graphql"
    subgraphs: str | None = None
    subgraphs_file: Path | None = None
    supergraph_file: Path | None = None
    subgraph_poll_interval: float = Field(default=10.0, ge=0)
    # Embedded mode only: also serve each service at /services/<name>/ on the gateway's port (development, tests).
    # Off by default, so that the subgraphs, which trust the gateway's limits less than it does, are not public.
    expose_subgraphs: bool = False
    # The web console's static build (scripts/build-console.sh), served at /console/ and as GraphiQL at a browser's
    # GET /graphql; default: the checkout's console/dist.
    console_dir: Path | None = None
    max_body_bytes: int = Field(default=256 * 1024, gt=0)
    max_tokens: int = Field(default=2000, gt=0)  # lexical tokens of one document: bounds parsing and validation
    max_depth: int = Field(default=12, gt=0)
    max_aliases: int = Field(default=30, gt=0)
    max_cost: int = Field(default=5000, gt=0)
    subgraph_timeout: float = Field(default=30.0, gt=0)
    trusted_documents_file: Path | None = None  # the operations front-ends shipped (persisted-query manifest)
    # GraphQL subscriptions: events one subscriber may have waiting before it is dropped as too slow, and how long
    # a WebSocket may stay open without `connection_init`.
    subscription_queue_size: int = Field(default=256, gt=0)
    subscription_init_timeout: float = Field(default=5.0, gt=0)
    trusted_documents_only: bool = False        # production: run only those (needs the file)
    # Introspection for callers without a token, and "Did you mean ...?" hints in validation errors: on while
    # developing, off in production unless set.
    public_introspection: bool | None = None
    validation_suggestions: bool | None = None

    @model_validator(mode="after")
    def _safe_defaults_in_production(self) -> "GatewaySettings":
        developing = self.environment != "production"
        if self.public_introspection is None:
            self.public_introspection = developing
        if self.validation_suggestions is None:
            self.validation_suggestions = developing
        return self

    def required_in_production(self) -> list[tuple[str, object]]:
        # The gateway has no database and no broker of its own; it only verifies tokens.
        return [("JWT_PUBLIC_KEY_FILE or JWT_PUBLIC_KEY", self.jwt_public_key_file or self.jwt_public_key)]

    def subgraph_urls(self) -> dict[str, str]:
        """name -> URL, from SUBGRAPHS_FILE or SUBGRAPHS if set (read anew at each call), else the four bureaus."""
        if self.subgraphs_file is not None:
            return parse_subgraph_list(self.subgraphs_file.read_text(encoding="utf-8"), str(self.subgraphs_file))
        if self.subgraphs:
            return parse_subgraph_list(self.subgraphs, "SUBGRAPHS")
        return {"approval": self.approval_url, "finance": self.finance_url, "audit": self.audit_url,
                "secrecy": self.secrecy_url}


def parse_subgraph_list(text: str, where: str) -> dict[str, str]:
    """A JSON list of {"name": ..., "url": ...} objects (other keys ignored) as name -> URL; ValueError if not."""
    try:
        items = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"{where}: not JSON: {exc}") from exc
    if not isinstance(items, list):
        raise ValueError(f'{where}: expected a JSON list of {{"name": ..., "url": ...}} objects')
    urls: dict[str, str] = {}
    for index, item in enumerate(items):
        name, url = (item.get("name"), item.get("url")) if isinstance(item, dict) else (None, None)
        if not isinstance(name, str) or not name or not isinstance(url, str) or \
                not url.startswith(("http://", "https://")):
            raise ValueError(f'{where}[{index}]: needs a "name" and an http(s) "url"')
        if name in urls:
            raise ValueError(f'{where}[{index}]: subgraph "{name}" is listed twice')
        urls[name] = url
    if not urls:
        raise ValueError(f"{where}: the list names no subgraph")
    return urls
