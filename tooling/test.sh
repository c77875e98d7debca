#!/usr/bin/env bash
# Fresh clone → the whole suite: typecheck, lint, unit tests, and Docker tests against a real engine.
# Starts what the tests need (pnpm, the Docker engine, the OS image; the Docker tests build the isol8 images).
set -euo pipefail
cd "$(dirname "$0")/.."
source tooling/env.sh

bash tooling/ensure-pnpm.sh
pnpm install --frozen-lockfile --silent
bash tooling/ensure-docker.sh
bash tooling/ensure-postgres.sh
bash tooling/ensure-os-image.sh

echo "== typecheck"; pnpm --silent typecheck
echo "== lint";      pnpm --silent check
echo "== build";     pnpm --silent build >/dev/null

mkdir -p .test-results
status=0
echo "== unit tests"
pnpm --silent test --reporter=default --reporter=json --outputFile.json=.test-results/unit.json || status=1
echo "== docker tests"
pnpm --silent test:docker --reporter=default --reporter=json --outputFile.json=.test-results/docker.json || status=1

node tooling/summarize-tests.mjs .test-results/unit.json .test-results/docker.json
left="$(docker ps -aq --filter label=org.isol8.managed=true | wc -l)"
echo "isol8 containers left behind: $left"
if [ "$left" != "0" ]; then status=1; fi
exit "$status"
