"""Fixtures for gateway tests served over HTTP: the three test subgraphs mounted in-process."""
from __future__ import annotations

import json

import httpx
import pytest
from strawberry.asgi import GraphQL

from shared.settings import GatewaySettings
from tests.unit.gateway import subgraphs
from tests.unit.gateway.subgraphs import SCHEMAS


class InProcessSubgraph(GraphQL):
    """A test subgraph as an ASGI app, each request with its own DataLoaders (as the real services do)."""

    async def get_context(self, request, response):
        return {"loaders": {}}


@pytest.fixture
def settings(keys, tmp_path):
    listing = tmp_path / "subgraphs.json"
    listing.write_text(json.dumps([{"name": n, "url": f"http://{n}.test/graphql", "team": "ignored"}
                                   for n in SCHEMAS]))
    return GatewaySettings(jwt_private_key_file=keys[0], jwt_public_key_file=keys[1], subgraphs_file=listing,
                           subgraph_poll_interval=0)


@pytest.fixture
def mounts():
    subgraphs.reset()
    return {f"http://{n}.test": httpx.ASGITransport(app=InProcessSubgraph(s)) for n, s in SCHEMAS.items()}
