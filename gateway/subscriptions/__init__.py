"""GraphQL subscriptions at the gateway: one bus listener per process, a hub that fans events out to the
subscribers allowed to see them (R-SEC-2), the `Subscription` schema, and the WebSocket and SSE transports."""
from __future__ import annotations

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
        await bus.start()
    if bus is None:
        log.info("no bus (AMQP_URL unset): subscriptions are served but receive no events")
        return _nothing
    stop_listening = await bus.listen(ALL_EVENTS, hub.publish)
    hub.listening = True

    async def stop() -> None:
        hub.listening = False
        await stop_listening()
        if owned is not None:
            await owned.close()

    return stop


async def _nothing() -> None:
    return None
