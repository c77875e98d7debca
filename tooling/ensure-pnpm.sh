#!/usr/bin/env bash
# Makes the pnpm version pinned in package.json's "packageManager" available. Idempotent.
# npm is used rather than corepack: corepack's signature check fails behind some TLS-intercepting proxies.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
wanted="$(node -p "require('$root/package.json').packageManager.split('@')[1]")"
if [ "$(pnpm --version 2>/dev/null || true)" = "$wanted" ]; then exit 0; fi
printf '[isol8] Installing pnpm %s...\n' "$wanted" >&2
npm install --global --silent --no-fund --no-audit "pnpm@$wanted" >/dev/null
