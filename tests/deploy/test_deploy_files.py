"""The files under deploy/ are parsed and checked against the code (there is no container engine here)."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

from egov.cli import DEFAULT_PORTS
from egov.registry import SERVICES
from shared.settings import GatewaySettings, Settings

DEPLOY = Path(__file__).parents[2] / "deploy"
ROOT = DEPLOY.parent
# Settings the processes read, and the standard OpenTelemetry variables (shared/telemetry.py reads them as the SDK does)
KNOWN_ENV = {name.upper() for name in {*Settings.model_fields, *GatewaySettings.model_fields}} | {
    "PORT", "OTEL_EXPORTER_OTLP_ENDPOINT"}


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_every_service_runs_its_own_egov_serve_with_its_own_database():
    services = compose()["services"]
    databases = set()
    for name in SERVICES:
        spec = services[name]
        assert spec["command"][:3] == ["egov", "serve", name]
        assert spec["command"][spec["command"].index("--port") + 1] == str(DEFAULT_PORTS[name])
        assert set(spec["environment"]) <= KNOWN_ENV, set(spec["environment"]) - KNOWN_ENV
        assert {"DATABASE_URL", "AMQP_URL", "JWT_PUBLIC_KEY_FILE"} <= set(spec["environment"])
        databases.add(spec["environment"]["DATABASE_URL"].rsplit("/", 1)[1])
    assert len(databases) == len(SERVICES), "each service owns its own database"
    created = set(re.findall(r"CREATE DATABASE (\w+);", (DEPLOY / "postgres-init.sql").read_text()))
    assert databases <= created


def test_the_gateway_points_at_each_service_and_passes_production_settings():
    gateway = compose()["services"]["gateway"]
    environment = gateway["environment"]
    assert set(environment) <= KNOWN_ENV
    for name in SERVICES:
        assert environment[f"{name.upper()}_URL"] == f"http://{name}:{DEFAULT_PORTS[name]}/graphql"
    settings = GatewaySettings(environment="production", jwt_public_key_file=environment["JWT_PUBLIC_KEY_FILE"])
    assert settings.subgraph_urls()


def test_the_image_copies_every_package_the_project_installs():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    includes = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]["include"]
    for package in (p.rstrip("*") for p in includes):
        assert re.search(rf"^COPY {package} \./{package}$", dockerfile, re.M), package
    assert "-c constraints.txt" in dockerfile and "USER egov" in dockerfile


def test_prometheus_scrapes_the_metrics_of_every_process():
    services = compose()["services"]
    prometheus = services["prometheus"]
    config_file = next(v.split(":")[0] for v in prometheus["volumes"] if v.endswith("/prometheus.yml:ro"))
    config = yaml.safe_load((DEPLOY / config_file).read_text())
    targets = {target: job.get("metrics_path", "/metrics") for job in config["scrape_configs"]
               for group in job["static_configs"] for target in group["targets"]}
    assert targets == {f"{name}:{DEFAULT_PORTS[name]}": "/metrics" for name in [*SERVICES, "gateway"]}
    for target in targets:
        assert target.split(":")[0] in services


def test_the_collector_hands_traces_to_jaeger():
    services = compose()["services"]
    collector = services["otel-collector"]
    config_file = next(v.split(":")[0] for v in collector["volumes"])
    config = yaml.safe_load((DEPLOY / config_file).read_text())
    pipeline = config["service"]["pipelines"]["traces"]
    assert "otlp" in pipeline["receivers"] and set(config["receivers"]["otlp"]["protocols"]) == {"grpc", "http"}
    (exporter,) = pipeline["exporters"]
    host = config["exporters"][exporter]["endpoint"].split(":")[0]
    assert host == "jaeger" and services["jaeger"]["environment"]["COLLECTOR_OTLP_ENABLED"] == "true"
    http_port = config["receivers"]["otlp"]["protocols"]["http"]["endpoint"].split(":")[1]
    for name in [*SERVICES, "gateway"]:  # every process sends its spans to the collector (shared/telemetry.py)
        assert services[name]["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"] == f"http://otel-collector:{http_port}"
    for service in services.values():
        assert ":latest" not in service.get("image", ""), "images are pinned"
