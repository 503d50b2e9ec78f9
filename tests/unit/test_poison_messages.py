"""A message no retry can handle is dead-lettered at once, by either bus; an unknown type or version is one such
(it used to be acknowledged and dropped by the consumer, unseen)."""
from shared.bus import PoisonMessage
from shared.bus.memory import InProcessBus
from shared.events import Envelope
from shared.uow import EventConsumer
from tests.conftest import eventually
from tests.unit.test_outbox_inbox_embedded import approved_envelope


async def test_a_consumer_refuses_an_event_type_it_does_not_know_as_poison():
    async def never(*_args):
        raise AssertionError("no handler runs")

    consumer = EventConsumer("finance", uow_factory=never, handlers={"approval.project.approved.v1": never})
    unknown = Envelope(**{**approved_envelope().model_dump(), "type": "approval.project.approved.v9"})
    try:
        await consumer(unknown)
    except PoisonMessage as poison:
        assert "approval.project.approved.v9" in str(poison)
    else:
        raise AssertionError("an unknown version was taken silently")


async def test_the_in_process_bus_dead_letters_poison_on_its_first_delivery():
    bus = InProcessBus(delivery_limit=5, retry_delay=0)
    attempts = []

    async def refuse(envelope):
        attempts.append(envelope.id)
        raise PoisonMessage("unreadable")

    await bus.subscribe("finance", ["approval.#"], refuse)
    sent = approved_envelope()
    await bus.publish(sent)

    async def dead():
        return bus.dead_letters["finance"]
    assert [e.id for e in await eventually(dead)] == [sent.id]
    assert attempts == [sent.id]
    await bus.close()
