"""The embedded default: every service and the gateway in one process, on SQLite files and the in-process bus.

The gateway reaches each service's own FastAPI app in-process (httpx's ASGI transport), through the same
/graphql interface it uses over the network. Only the gateway is served; with EXPOSE_SUBGRAPHS=true each service is
also mounted at /services/<name>/ for direct use while developing.
"""
from __future__ import annotations

import asyncio

import httpx
from fastapi import FastAPI

from egov.dev_signin import add_development_sign_in
from egov.registry import SERVICES
from gateway.app import create_gateway_app
from gateway.subgraph_calls import subgraph_client
from shared.auth import ensure_development_keys
from shared.bus.memory import InProcessBus
from shared.service import ServiceRuntime, create_service_app
from shared.settings import GatewaySettings


class EmbeddedSystem:
    def __init__(self, settings: GatewaySettings, *, freeze_heap: bool = False):
        self.settings = ensure_development_keys(settings)
        self.bus = InProcessBus(delivery_limit=self.settings.bus_delivery_limit)
        self.runtimes = {name: ServiceRuntime(definition, self.settings.for_service(name), bus=self.bus)
                         for name, definition in SERVICES.items()}
        self.service_apps = {name: create_service_app(runtime, manage_lifecycle=False)
                             for name, runtime in self.runtimes.items()}
        client = subgraph_client(
            mounts={f"http://{name}.embedded": httpx.ASGITransport(app=app) for name, app in self.service_apps.items()},
            timeout=self.settings.subgraph_timeout,
        )
        self.app: FastAPI = create_gateway_app(
            self.settings, urls={name: f"http://{name}.embedded/graphql" for name in SERVICES}, client=client,
            on_startup=self.start, on_shutdown=self.stop, bus=self.bus, freeze_heap=freeze_heap,
        )
        add_development_sign_in(self.app, self.settings)  # refuses outside the development setting
        if self.settings.expose_subgraphs:
            for name, app in self.service_apps.items():
                self.app.mount(f"/services/{name}", app)

    async def start(self) -> None:
        await self.bus.start()
        for runtime in self.runtimes.values():
            await runtime.start()

    async def stop(self) -> None:
        await asyncio.gather(*(runtime.relay.stop() for runtime in self.runtimes.values()))
        await self.bus.close()
        for runtime in self.runtimes.values():
            await runtime.stop()

    async def settle(self, rounds: int = 20) -> None:
        """Wait until every outbox is published and every consumer has finished (tests, demos)."""
        for _round in range(rounds):
            published = 0
            for runtime in self.runtimes.values():
                published += await runtime.relay.drain()
            await self.bus.idle()
            if published == 0:
                return
