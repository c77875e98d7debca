#!/usr/bin/env bash
# Makes a Docker engine available. Idempotent and quiet when one already answers.
#   1. `docker info` answers            -> nothing to do.
#   2. root on Debian/Ubuntu             -> install Debian's docker.io if needed, start dockerd, wait for it.
#   3. anything else                     -> say exactly what the user must do, exit 1.
set -euo pipefail

log() { printf '[isol8] %s\n' "$*" >&2; }

if docker info >/dev/null 2>&1; then
  exit 0
fi

if [ "$(id -u)" != "0" ] || [ ! -f /etc/debian_version ]; then
  log "No Docker engine answers 'docker info'."
  log "Start Docker (Docker Desktop, 'sudo systemctl start docker', or run this script as root on Debian) and retry."
  exit 1
fi

if ! command -v dockerd >/dev/null 2>&1; then
  log "Installing Debian's docker.io (no engine found)..."
  export DEBIAN_FRONTEND=noninteractive
  # Third-party apt sources may be unreachable on locked-down hosts; Debian's own mirror is enough here.
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq --no-install-recommends docker.io iptables >/dev/null
fi

log_file="${ISOL8_DOCKERD_LOG:-/var/log/isol8-dockerd.log}"
if ! pgrep -x dockerd >/dev/null 2>&1; then
  log "Starting dockerd (log: $log_file)..."
  # setsid detaches dockerd from this shell so it outlives the calling script.
  setsid nohup dockerd >"$log_file" 2>&1 </dev/null &
fi

for _ in $(seq 1 120); do
  if docker info >/dev/null 2>&1; then
    log "Docker engine is ready."
    exit 0
  fi
  sleep 0.5
done

log "dockerd did not answer within 60 s. Last lines of $log_file:"
tail -n 20 "$log_file" >&2 || true
exit 1
