import pytest

from services.finance.app import DEFINITION
from shared.bus.memory import InProcessBus
from shared.service import ServiceRuntime
from shared.settings import Settings
from tests.unit.finance.support import settle


@pytest.fixture
async def runtime(tmp_path, keys):
    """The finance service on its own SQLite file, with the in-process bus, migrated to the head."""
    bus = InProcessBus(retry_delay=0)
    runtime = ServiceRuntime(DEFINITION, Settings(data_dir=tmp_path, jwt_public_key_file=keys[1])
                             .for_service("finance"), bus=bus)
    await runtime.start()
    yield runtime
    await settle(runtime)
    await runtime.stop()
    await bus.close()
