#!/usr/bin/env bash
# Start the whole system embedded (SQLite files + in-process bus, one process) and print where to point a browser.
# With Node.js 20.19+ on the PATH the web console is built first when its build is missing or stale; without it the
# API still runs and the console's address says how to build it.
source "$(dirname "$0")/bootstrap.sh" ""
if command -v node >/dev/null 2>&1; then
  "$ROOT/scripts/build-console.sh" --if-stale || echo "the web console could not be built (see above); the API runs without it" >&2
elif [ ! -f "$ROOT/console/dist/index.html" ]; then
  echo "Node.js is not installed: the web console is not built (scripts/build-console.sh needs Node.js 20.19+); the API runs without it" >&2
fi
exec egov run "$@"
