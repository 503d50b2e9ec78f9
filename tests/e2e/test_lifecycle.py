"""Whole lifecycles through the gateway (R-APP-1 to R-ACC-5, R-REV-3, R-IMP-2, R-AUD-3), embedded and on
PostgreSQL + RabbitMQ with one process per service."""
import pytest

from tests.e2e.lifecycle import walk_a_classified_major_cross_year_project, walk_an_ordinary_project


async def test_an_ordinary_project_from_submission_to_operation_embedded(embedded_gateway):
    await walk_an_ordinary_project(embedded_gateway[0])


async def test_a_classified_major_cross_year_project_embedded(embedded_gateway):
    await walk_a_classified_major_cross_year_project(embedded_gateway[0])


@pytest.mark.integration
async def test_both_lifecycles_on_postgres_and_rabbitmq(real_gateway):
    await walk_an_ordinary_project(real_gateway)
    await walk_a_classified_major_cross_year_project(real_gateway)
