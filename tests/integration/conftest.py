import pytest

from shared.bus.memory import InProcessBus
from shared.service import ServiceRuntime
from shared.settings import Settings

pytestmark = pytest.mark.integration


@pytest.fixture
async def service_on_postgres(postgres, keys):
    """Make a service's runtime on a PostgreSQL database of its own (created for this test run) with an in-process
    bus: started, or with `started=False` only migrated. Every runtime made is stopped after the test."""
    made = []

    async def make(definition, *, database: str | None = None, started: bool = True) -> ServiceRuntime:
        url = await postgres.create(database or definition.name)
        bus = InProcessBus(retry_delay=0)
        runtime = ServiceRuntime(definition, Settings(database_url=url, jwt_public_key_file=keys[1])
                                 .for_service(definition.name), bus=bus)
        made.append((runtime, bus))
        await (runtime.start() if started else runtime.migrate())
        return runtime

    yield make
    for runtime, bus in made:
        await runtime.stop()
        await bus.close()
