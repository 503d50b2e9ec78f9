#!/usr/bin/env bash
# Start the whole system embedded (SQLite files + in-process bus, one process) and print where to point a browser.
source "$(dirname "$0")/bootstrap.sh" ""
exec egov run "$@"
