"""The skeleton slice through the gateway, in both modes: embedded, and one process per service on PostgreSQL
and RabbitMQ. A project submitted by a unit and approved by the Approval Bureau (R-APP-2) gets a budget-review
case from Finance (R-REV-2), through `approval.project.approved.v1`, and one gateway query reads both."""
import pytest

from tests.e2e.slice import walk_the_skeleton


async def test_skeleton_slice_embedded(embedded_gateway):
    gateway, _system = embedded_gateway
    await walk_the_skeleton(gateway)


@pytest.mark.integration
async def test_skeleton_slice_one_process_per_service_on_postgres_and_rabbitmq(real_gateway):
    await walk_the_skeleton(real_gateway)
