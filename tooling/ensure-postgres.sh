#!/usr/bin/env bash
# Makes PostgreSQL's binaries available for the key-store tests, which start a throwaway server of their own on
# loopback (no system service is started or touched). Idempotent and quiet when pg_ctl is already on PATH.
set -euo pipefail

log() { printf '[isol8] %s\n' "$*" >&2; }

if command -v pg_ctl >/dev/null 2>&1; then
  exit 0
fi

if [ "$(id -u)" != "0" ] || [ ! -f /etc/debian_version ]; then
  log "PostgreSQL's pg_ctl is not on PATH; the PostgreSQL key-store tests need it."
  log "Install PostgreSQL (Debian: apt-get install postgresql) and put its bin directory on PATH."
  exit 1
fi

if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  log "Installing Debian's postgresql (pg_ctl not found)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi

# Debian keeps the server binaries out of PATH; link them where a login shell looks.
bin_dir="$(dirname "$(ls /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -1)")"
for program in pg_ctl initdb postgres; do
  ln -sf "$bin_dir/$program" "/usr/local/bin/$program"
done
