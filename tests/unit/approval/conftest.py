"""An approval service on SQLite with an in-process bus, and a way to call its subgraph as any caller."""
from __future__ import annotations

import pytest

from services.approval.app import DEFINITION
from shared.auth import Identity
from shared.bus.memory import InProcessBus
from shared.graphql import RequestContext
from shared.service import ServiceRuntime
from shared.settings import Settings


class ApprovalService:
    def __init__(self, runtime: ServiceRuntime):
        self.runtime = runtime
        self.schema = DEFINITION.schema_factory()

    async def call(self, identity: Identity, query: str, **variables) -> dict:
        result = await self.schema.execute(query, variable_values=variables,
                                           context_value=RequestContext(identity=identity, runtime=self.runtime))
        if result.errors:
            return {"errors": [{"message": e.message, "code": (e.extensions or {}).get("code")}
                               for e in result.errors], "data": result.data}
        return result.data


@pytest.fixture
async def approval(tmp_path, keys):
    bus = InProcessBus(retry_delay=0)
    runtime = ServiceRuntime(DEFINITION, Settings(data_dir=tmp_path, jwt_public_key_file=keys[1]).for_service(
        "approval"), bus=bus)
    await runtime.start()
    yield ApprovalService(runtime)
    await runtime.stop()
    await bus.close()
