import pytest

from services.audit.app import DEFINITION
from shared.bus.memory import InProcessBus
from shared.service import ServiceRuntime
from shared.settings import Settings


@pytest.fixture
async def runtime(tmp_path, keys):
    """The audit service on its own SQLite file, migrated to head; the outbox relay is not started, so every
    emitted event stays in the outbox for the test to read."""
    bus = InProcessBus(retry_delay=0)
    service = ServiceRuntime(DEFINITION, Settings(data_dir=tmp_path, jwt_public_key_file=keys[1])
                             .for_service("audit"), bus=bus)
    await service.migrate()
    yield service
    await service.stop()
    await bus.close()
