"""The event bus: one interface, two implementations (RabbitMQ through aio-pika, and in-process)."""
from shared.bus.base import Bus, Handler, Listener, PoisonMessage, StopListening, topic_matches

__all__ = ["Bus", "Handler", "Listener", "StopListening", "PoisonMessage", "topic_matches", "create_bus"]


def create_bus(settings) -> Bus:
    if settings.amqp_url:
        from shared.bus.rabbitmq import RabbitBus

        return RabbitBus(
            settings.amqp_url,
            prefix=settings.bus_prefix,
            delivery_limit=settings.bus_delivery_limit,
            prefetch=settings.bus_prefetch,
        )
    from shared.bus.memory import InProcessBus

    return InProcessBus(delivery_limit=settings.bus_delivery_limit)
