#!/usr/bin/env bash
# Fresh clone → dependencies, build, Docker engine, images → a hello world executed in a sandbox.
# Idempotent: a second run reuses everything (images are rebuilt only when their inputs change).
set -euo pipefail
cd "$(dirname "$0")/.."
source tooling/env.sh

bash tooling/ensure-pnpm.sh
pnpm install --frozen-lockfile --silent
pnpm --silent build >/dev/null
bash tooling/ensure-docker.sh
bash tooling/ensure-os-image.sh
# The CA bundle env.sh chose must outlive this script: the README's next commands run without env.sh.
node tooling/persist-ca.mjs
packages/cli/dist/bin.cjs run -e "print('hello from a sandbox')" --runtime python
