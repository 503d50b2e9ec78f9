"""The web console at the gateway: its build served at /console/, the offline GraphiQL page of the same build at a
browser's GET /graphql (never the CDN page), a clear page where nothing is built; development sign-in only in the
development setting; and the console's copy of the client schema current."""
from __future__ import annotations

import json

import httpx
import pytest
from fastapi import FastAPI

from egov.dev_signin import add_development_sign_in
from gateway.app import create_gateway_app
from gateway.client_schema import ROOT, client_files, client_supergraph
from shared.auth import TokenVerifier


@pytest.fixture
def built(tmp_path):
    folder = tmp_path / "dist"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text("<title>console</title>")
    (folder / "graphiql.html").write_text("<div id=graphiql>offline GraphiQL</div>")
    (folder / "assets" / "app-1234.js").write_text("console.log(1)")
    return folder


async def serve(settings, mounts, folder):
    return create_gateway_app(settings.model_copy(update={"console_dir": folder}), client=httpx.AsyncClient(mounts=mounts))


async def test_the_build_is_served_and_graphiql_comes_from_it(settings, mounts, built):
    app = await serve(settings, mounts, built)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gateway") as http:
        assert (await http.get("/")).headers["location"] == "/console/"
        assert (await http.get("/console/")).text == "<title>console</title>"
        assert (await http.get("/console/assets/app-1234.js")).text == "console.log(1)"
        page = await http.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == 200 and "offline GraphiQL" in page.text
        assert "cdn" not in page.text.lower() and "unpkg" not in page.text.lower()
        # clients asking for JSON still get GraphQL, not the page
        assert (await http.get("/graphql", headers={"accept": "application/json"})).status_code == 400


async def test_without_a_build_the_page_says_how_to_build_it(settings, mounts, tmp_path):
    app = await serve(settings, mounts, tmp_path / "nothing")
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://gateway") as http:
        page = await http.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == 200 and "scripts/build-console.sh" in page.text and "GraphiQL" in page.text
        assert "jsdelivr" not in page.text and "unpkg" not in page.text
        console = await http.get("/console/")
        assert console.status_code == 503 and "scripts/build-console.sh" in console.text


def sign_in_app(settings) -> httpx.AsyncClient:
    app = FastAPI()
    add_development_sign_in(app, settings)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway")


async def test_development_sign_in_mints_a_token_the_gateway_verifies(dev_settings):
    async with sign_in_app(dev_settings) as http:
        offered = (await http.get("/dev/sign-in")).json()
        assert offered["available"] and {"APPROVAL_BUREAU", "CONSTRUCTION_UNIT"} <= \
            {i["department"] for i in offered["identities"]}
        answer = await http.post("/dev/sign-in", json={"department": "CONSTRUCTION_UNIT", "unit": "city-health-commission",
                                                       "parentUnits": ["city-government"]})
        assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
        identity = TokenVerifier(dev_settings).verify(answer.json()["token"])
        assert identity.unit_path == ("city-health-commission", "city-government")
        refused = await http.post("/dev/sign-in", json={"department": "PUBLIC"})
        assert refused.status_code == 400


@pytest.mark.parametrize("environment", ["production", "test"])
async def test_development_sign_in_is_refused_outside_the_development_setting(dev_settings, environment):
    """Production (real keys, real servers) and the test setting never mint tokens for whoever asks."""
    production = dev_settings.model_copy(update={"environment": environment, "database_url": "postgresql+asyncpg://x/y",
                                                 "amqp_url": "amqp://x"})
    async with sign_in_app(production) as http:
        assert (await http.get("/dev/sign-in")).status_code == 403
        refused = await http.post("/dev/sign-in", json={"department": "APPROVAL_BUREAU", "unit": "x"})
        assert refused.status_code == 403 and "token" not in refused.json()


async def test_development_sign_in_is_refused_without_the_issuers_private_key(dev_settings):
    async with sign_in_app(dev_settings.model_copy(update={"jwt_private_key_file": None})) as http:
        assert (await http.post("/dev/sign-in", json={"department": "APPROVAL_BUREAU"})).status_code == 403


@pytest.fixture
def dev_settings(tmp_path):
    from shared.auth import ensure_development_keys
    from shared.settings import GatewaySettings

    return ensure_development_keys(GatewaySettings(data_dir=tmp_path, environment="development"))


def test_the_consoles_client_schema_and_access_are_current():
    """Regenerate with `python -m gateway.client_schema console`, then review and commit the diff."""
    for name, text in client_files(client_supergraph()).items():
        committed = ROOT / "console" / name
        assert committed.read_text(encoding="utf-8") == text, f"{committed} is stale"
    access = json.loads((ROOT / "console" / "access.json").read_text())["mutations"]
    assert access["approveProject"] == [["APPROVAL_BUREAU"]]  # Article 5, as the subgraphs' directives say
