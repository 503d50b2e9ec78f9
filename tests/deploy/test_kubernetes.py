"""deploy/k8s/: every manifest valid against the Kubernetes API schemas (shipped by kubernetes-validate, offline),
and wired as the code expects: each service migrates its own database in an init container, is probed on /healthz
and /readyz, reads its secrets from Secrets, and is reachable only from the gateway."""
from __future__ import annotations

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from egov.cli import DEFAULT_PORTS, build_parser
from egov.registry import SERVICES
from tests.deploy.test_deploy_files import KNOWN_ENV

K8S = Path(__file__).parents[2] / "deploy" / "k8s"
KUBERNETES_VERSION = "1.33.0"
PROCESSES = [*SERVICES, "gateway"]


def documents(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def resources() -> list[dict]:
    listed = yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]
    return [doc for name in listed for doc in documents(K8S / name)]


def find(kind: str, name: str) -> dict:
    return next(doc for doc in resources() if doc["kind"] == kind and doc["metadata"]["name"] == name)


def matches(selector: dict, labels: dict) -> bool:
    return set(selector["matchLabels"].items()) <= set(labels.items())


@pytest.mark.parametrize("path", sorted(K8S.glob("*.yaml")), ids=lambda p: p.name)
def test_every_manifest_is_valid_against_the_kubernetes_schemas(path):
    for doc in documents(path):
        if doc.get("kind") == "Kustomization":
            assert all((K8S / name).is_file() for name in doc["resources"])
            continue
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("process", PROCESSES)
def test_each_process_is_a_deployment_probed_on_healthz_and_readyz_behind_a_service(process):
    deployment = find("Deployment", process)
    pod = deployment["spec"]["template"]
    assert matches(deployment["spec"]["selector"], pod["metadata"]["labels"])
    (container,) = pod["spec"]["containers"]
    assert container["command"][:3] == ["egov", "serve", process]
    port = DEFAULT_PORTS[process]
    assert container["command"][container["command"].index("--port") + 1] == str(port)
    assert container["ports"] == [{"name": "http", "containerPort": port}]
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert pod["metadata"]["annotations"]["prometheus.io/path"] == "/metrics"
    assert {e["name"] for e in container.get("env", [])} <= KNOWN_ENV
    assert set(find("ConfigMap", "egov-config")["data"]) <= KNOWN_ENV
    service = find("Service", process)
    assert matches({"matchLabels": service["spec"]["selector"]}, pod["metadata"]["labels"])
    assert service["spec"]["ports"] == [{"name": "http", "port": port, "targetPort": "http"}]


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_migrates_its_own_database_first_and_reads_its_secrets_from_secrets(service):
    spec = find("Deployment", service)["spec"]["template"]["spec"]
    (migrate,) = spec["initContainers"]
    assert migrate["command"][:2] == ["egov", "migrate"]
    args = build_parser().parse_args(migrate["command"][1:])  # the CLI takes it, for this service
    assert args.services == [service]
    for container in (migrate, spec["containers"][0]):
        env = {e["name"]: e for e in container["env"]}
        assert env["DATABASE_URL"]["valueFrom"]["secretKeyRef"] == {"name": f"egov-{service}-database",
                                                                     "key": "DATABASE_URL"}
        assert env["AMQP_URL"]["valueFrom"]["secretKeyRef"] == {"name": "egov-broker", "key": "AMQP_URL"}
        key_folder = Path(env["JWT_PUBLIC_KEY_FILE"]["value"]).parent
        volume = next(m["name"] for m in container["volumeMounts"] if Path(m["mountPath"]) == key_folder)
        source = next(v for v in spec["volumes"] if v["name"] == volume)
        assert source["secret"]["secretName"] == "egov-jwt-public-key"
    names = {e["name"] for e in migrate["env"]} | {"ENVIRONMENT"}
    assert {"DATABASE_URL", "AMQP_URL", "JWT_PUBLIC_KEY_FILE"} <= names  # what production refuses to run without


def test_the_gateway_reads_its_subgraphs_from_a_config_map_that_names_every_service():
    spec = find("Deployment", "gateway")["spec"]["template"]["spec"]
    command = spec["containers"][0]["command"]
    path = Path(command[command.index("--subgraphs") + 1])
    mount = next(m for m in spec["containers"][0]["volumeMounts"] if Path(m["mountPath"]) == path.parent)
    assert "subPath" not in mount, "a subPath mount never sees an edit of the ConfigMap: no hot reload"
    config_map = next(v for v in spec["volumes"] if v["name"] == mount["name"])["configMap"]["name"]
    from shared.settings import parse_subgraph_list

    urls = parse_subgraph_list(find("ConfigMap", config_map)["data"][path.name], path.name)
    assert urls == {name: f"http://{name}:{DEFAULT_PORTS[name]}/graphql" for name in SERVICES}


@pytest.mark.parametrize("service", SERVICES)
def test_only_the_gateway_reaches_a_subgraph(service):
    pod_labels = find("Deployment", service)["spec"]["template"]["metadata"]["labels"]
    gateway_labels = find("Deployment", "gateway")["spec"]["template"]["metadata"]["labels"]
    policies = [doc for doc in resources() if doc["kind"] == "NetworkPolicy"
                and matches(doc["spec"]["podSelector"], pod_labels)]
    assert policies, f"no NetworkPolicy selects {service}'s pods: everything may reach them"
    for policy in policies:
        assert "Ingress" in policy["spec"]["policyTypes"]
        for rule in policy["spec"]["ingress"]:
            assert rule["ports"] == [{"protocol": "TCP", "port": DEFAULT_PORTS[service]}]
            for peer in rule["from"]:
                if "namespaceSelector" in peer:  # the monitoring namespace's Prometheus, for /metrics
                    assert peer["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "monitoring"}
                    assert peer["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "prometheus"}
                else:
                    assert set(peer) == {"podSelector"} and matches(peer["podSelector"], gateway_labels)
    other_services = [find("Deployment", s)["spec"]["template"]["metadata"]["labels"] for s in SERVICES]
    for policy in policies:
        for rule in policy["spec"]["ingress"]:
            for peer in rule["from"]:
                if "namespaceSelector" not in peer:
                    assert not any(matches(peer["podSelector"], labels) for labels in other_services)
