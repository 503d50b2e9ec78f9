#!/usr/bin/env bash
# Build the web console into console/dist (served by the gateway at /console/ and as GraphiQL at /graphql, or by any
# web server): `npm ci` when node_modules does not match the lock file, types generated from console/schema.graphql
# by graphql-codegen, a type check, and Vite's build. Needs Node.js 20.19+ and npm. Quiet when the build is current
# (`--if-stale`: only rebuild when a source is newer than the build).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONSOLE="$ROOT/console"
cd "$CONSOLE"

if [ "${1:-}" = "--if-stale" ] && [ -f dist/index.html ] && [ -f dist/graphiql.html ] &&
   [ -z "$(find src index.html graphiql.html schema.graphql access.json package-lock.json vite.config.ts codegen.ts \
           -newer dist/index.html -print -quit)" ]; then
  exit 0
fi
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || { echo "Node.js and npm are needed to build the console" >&2; exit 1; }
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
  { echo "the console needs Node.js 20.19 or newer; found $(node --version)" >&2; exit 1; }

# node_modules is current when npm's own record of the install is at least as new as the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing the console's npm packages (npm ci)..." >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "building the console..." >&2
npx graphql-codegen --config codegen.ts --silent
npx tsc --noEmit
npx vite build --logLevel warn
echo "console built in $CONSOLE/dist" >&2
