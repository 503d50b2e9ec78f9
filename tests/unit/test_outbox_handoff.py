"""The relay's fast path (embedded tier): what a transaction commits is published from the hand-over, without the
relay reading the outbox; a row it cannot publish, or one behind an earlier row it does not know, is left to the
relay's rounds, which keep the order per project and charge the attempts."""
import pytest
from sqlalchemy import event

from services.approval.app import DEFINITION as APPROVAL
from shared.service import ServiceRuntime
from shared.settings import Settings
from tests.conftest import eventually
from tests.unit.test_outbox_relay_failures import RefusingBus, emit, rows

NO_POLLING = 3600.0  # seconds: only a wake-up starts a round


class SubjectRefusingBus(RefusingBus):
    """The broker refuses every event of the projects in `refused_subjects` (and stays reachable)."""

    def __init__(self):
        super().__init__()
        self.refused_subjects: set[str] = set()

    async def publish(self, envelope):
        if envelope.subject in self.refused_subjects:
            raise RuntimeError("PRECONDITION_FAILED - the broker refused this message")
        await super().publish(envelope)


@pytest.fixture
async def approval(tmp_path, keys):
    settings = Settings(data_dir=tmp_path, jwt_public_key_file=keys[1], relay_poll_interval=NO_POLLING)
    bus = SubjectRefusingBus()
    runtime = ServiceRuntime(APPROVAL, settings.for_service("approval"), bus=bus)
    yield runtime
    await runtime.stop()
    await bus.close()


def relay_rounds(runtime) -> list[str]:
    """The relay's rounds from now on, as the statements that take their rows from the outbox."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "earlier.parked_at IS NOT NULL" in statement:
            seen.append(statement)

    event.listen(runtime.engine.sync_engine, "before_cursor_execute", record)
    return seen


async def published(runtime, *event_ids) -> bool:
    outbox = await rows(runtime)
    return all(outbox[event_id]["published_at"] is not None for event_id in event_ids)


async def test_a_committed_event_is_published_and_marked_without_the_relay_reading_the_outbox(approval):
    rounds = relay_rounds(approval)
    await approval.start()
    await eventually(lambda: len(rounds) == 1)  # the start-up round, on an empty outbox
    first, second, other = await emit(approval, "p-1", "p-1", "p-2")
    await eventually(lambda: published(approval, first, second, other))
    delivered = list(approval.bus.delivered)
    assert sorted(delivered) == sorted([first, second, other]) and delivered.index(first) < delivered.index(second)
    assert set(approval.bus.delivered.values()) == {1}
    assert len(rounds) == 1  # no round since: the hand-over carried the rows
    assert {row["attempts"] for row in (await rows(approval)).values()} == {1}


async def test_a_later_event_behind_an_earlier_unpublished_one_it_does_not_know_waits_for_the_round(approval):
    """A project's event the broker refused is left to the rounds; the project's next event follows it there, in
    order, once the broker takes the first; another project's event goes at once meanwhile."""
    await approval.start()
    approval.bus.refused_subjects = {"p-held"}
    (earlier,) = await emit(approval, "p-held")
    await eventually(lambda: _charged(approval, earlier))  # the round tried it too
    later, free = await emit(approval, "p-held", "p-free")
    await eventually(lambda: published(approval, free))
    assert later not in approval.bus.delivered and earlier not in approval.bus.delivered
    approval.bus.refused_subjects = set()
    await approval.relay.drain()
    assert list(approval.bus.delivered) == [free, earlier, later]
    assert set(approval.bus.delivered.values()) == {1}


async def test_a_failure_on_the_fast_path_is_left_to_the_round_which_charges_the_attempt(approval):
    rounds = relay_rounds(approval)
    await approval.start()
    await eventually(lambda: len(rounds) == 1)
    approval.bus.refused_subjects = {"p-1"}
    (refused,) = await emit(approval, "p-1")
    await eventually(lambda: _charged(approval, refused))
    assert len(rounds) > 1  # the failure woke a round, which tried the row again
    row = (await rows(approval))[refused]
    assert row["published_at"] is None and "PRECONDITION_FAILED" in row["last_error"]
    approval.bus.refused_subjects = set()
    assert await approval.relay.drain() == 1
    assert await published(approval, refused) and approval.bus.delivered[refused] == 1


async def _charged(runtime, event_id) -> bool:
    return (await rows(runtime))[event_id]["attempts"] >= 1
