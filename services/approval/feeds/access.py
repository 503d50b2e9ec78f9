"""Grants of access to the agency feed, applied through RabbitMQ's management HTTP API (httpx): the agency's own
user with a generated password, its durable quorum queue bound to the agency exchange for its patterns, and
permissions to read that queue and nothing else (`grants.agency_permissions`)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlparse

import httpx

from services.approval.feeds.grants import (Grant, agency_permissions, agency_queue, agency_user, glob_of)
from services.approval.feeds.relay import agency_exchange_name


class ManagementError(RuntimeError):
    """The management API refused or did not answer."""


@dataclass(frozen=True)
class AgencyFeed:
    agency: str
    queue: str
    bindings: tuple[str, ...]  # as the CLI writes them: `[JURISDICTION:]pattern`
    messages: int


def vhost_of(amqp_url: str) -> str:
    path = urlparse(amqp_url).path
    return unquote(path[1:]) if len(path) > 1 else "/"


class AgencyAccess:
    def __init__(self, *, management_url: str, user: str, password: str, amqp_url: str, prefix: str):
        self._client = httpx.AsyncClient(base_url=management_url.rstrip("/") + "/api", auth=(user, password),
                                         timeout=10)
        self.prefix = prefix
        self._vhost = quote(vhost_of(amqp_url), safe="")

    @classmethod
    def from_settings(cls, settings) -> "AgencyAccess":
        return cls(management_url=settings.rabbitmq_management_url, user=settings.rabbitmq_management_user,
                   password=settings.rabbitmq_management_password, amqp_url=settings.amqp_url,
                   prefix=settings.bus_prefix)

    async def close(self) -> None:
        await self._client.aclose()

    async def _call(self, method: str, path: str, *, json: object = None, missing_ok: bool = False):
        try:
            response = await self._client.request(method, path, json=json)
        except httpx.HTTPError as exc:
            raise ManagementError(f"the RabbitMQ management API did not answer: {exc}") from exc
        if missing_ok and response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise ManagementError(f"{method} {path}: {response.status_code} {response.text[:200]}")
        return response.json() if response.content else None

    async def grant(self, grant: Grant) -> str:
        """Create (or update) the agency's access; returns its new password, shown once."""
        queue = agency_queue(self.prefix, grant.agency)
        user = agency_user(self.prefix, grant.agency)
        exchange = quote(agency_exchange_name(self.prefix), safe="")
        password = secrets.token_urlsafe(24)
        await self._call("PUT", f"/exchanges/{self._vhost}/{exchange}", json={"type": "topic", "durable": True})
        await self._call("PUT", f"/queues/{self._vhost}/{quote(queue, safe='')}",
                         json={"durable": True, "arguments": {"x-queue-type": "quorum"}})
        wanted = set(grant.binding_keys())
        for binding in await self._bindings(queue):
            if binding["routing_key"] not in wanted:  # a pattern no longer granted
                await self._call("DELETE", f"/bindings/{self._vhost}/e/{exchange}/q/{quote(queue, safe='')}/"
                                           f"{quote(binding['properties_key'], safe='')}")
        for key in sorted(wanted):
            await self._call("POST", f"/bindings/{self._vhost}/e/{exchange}/q/{quote(queue, safe='')}",
                             json={"routing_key": key, "arguments": {}})
        await self._call("PUT", f"/users/{quote(user, safe='')}", json={"password": password, "tags": ""})
        await self._call("PUT", f"/permissions/{self._vhost}/{quote(user, safe='')}",
                         json=agency_permissions(self.prefix, grant.agency))
        return password

    async def revoke(self, agency: str) -> bool:
        """Delete the agency's user (the broker closes its connections) and its queue with its bindings; False if
        there was neither."""
        existed = False
        for path in (f"/users/{quote(agency_user(self.prefix, agency), safe='')}",
                     f"/queues/{self._vhost}/{quote(agency_queue(self.prefix, agency), safe='')}"):
            existed |= await self._call("GET", path, missing_ok=True) is not None
            await self._call("DELETE", path, missing_ok=True)
        return existed

    async def list(self) -> list[AgencyFeed]:
        start = agency_queue(self.prefix, "")
        queues = await self._call("GET", f"/queues/{self._vhost}?columns=name,messages") or []
        feeds = []
        for queue in sorted(queues, key=lambda q: q["name"]):
            if not queue["name"].startswith(start):
                continue
            bindings = []
            for binding in await self._bindings(queue["name"]):
                jurisdiction, pattern = glob_of(binding["routing_key"])
                bindings.append(pattern if jurisdiction == "*" else f"{jurisdiction}:{pattern}")
            feeds.append(AgencyFeed(agency=queue["name"][len(start):], queue=queue["name"],
                                    bindings=tuple(sorted(bindings)), messages=int(queue.get("messages") or 0)))
        return feeds

    async def _bindings(self, queue: str) -> list[dict]:
        exchange = agency_exchange_name(self.prefix)
        found = await self._call("GET", f"/queues/{self._vhost}/{quote(queue, safe='')}/bindings", missing_ok=True)
        return [b for b in found or [] if b.get("source") == exchange]
