"""GraphQL subscriptions at the gateway: one bus listener per process, a hub that fans events out to the
subscribers allowed to see them (R-SEC-2), the `Subscription` schema, and the WebSocket and SSE transports."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from gateway.subscriptions.hub import Hub
from shared.bus import Bus, create_bus
from shared.settings import GatewaySettings

log = logging.getLogger(__name__)
ALL_EVENTS = ("#",)


async def start_listening(settings: GatewaySettings, bus: Bus | None, hub: Hub) -> Callable[[], Awaitable[None]]:
    """Feed the hub from the bus: the one given (the embedded system's in-process bus, started by its owner), else a
    RabbitMQ connection of the gateway's own when AMQP_URL is set. Returns what stops it."""
    owned = None
    if bus is None and settings.amqp_url:
        bus = owned = create_bus(settings)
    if bus is None:
        log.info("no bus (AMQP_URL unset): subscriptions are served but receive no events")
        return _nothing
    stops: list = []

    async def attach() -> None:
        """A broker that is down at start-up does not stop the gateway: it keeps trying, queries are served."""
        warned = False
        while True:
            try:
                if owned is not None:
                    await owned.start()
                stops.append(await bus.listen(ALL_EVENTS, hub.publish))
                hub.listening = True
                if warned:
                    log.info("subscriptions now hear the bus")
                return
            except Exception as exc:  # noqa: BLE001 - any failure to reach the broker: try again
                if not warned:
                    log.warning("subscriptions cannot hear the bus yet (%s); retrying", type(exc).__name__)
                    warned = True
                await asyncio.sleep(2)

    attaching = asyncio.create_task(attach()) if owned is not None else None
    if attaching is None:
        await attach()

    async def stop() -> None:
        hub.listening = False
        if attaching is not None:
            attaching.cancel()
            await asyncio.gather(attaching, return_exceptions=True)
        for stop_listening in stops:
            await stop_listening()
        if owned is not None:
            await owned.close()

    return stop


async def _nothing() -> None:
    return None
