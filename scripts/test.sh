#!/usr/bin/env bash
# Run the whole test suite (unit, integration on the real PostgreSQL and RabbitMQ, end-to-end). Arguments go to
# pytest, e.g. `scripts/test.sh tests/unit` for the unit tier alone.
source "$(dirname "$0")/bootstrap.sh" "test"
exec python -m pytest "$@"
