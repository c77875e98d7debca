#!/usr/bin/env bash
# Makes the OS base image available under its usual tag. Idempotent and quiet when it is already there.
#   present -> done; pullable -> pull; else build it from the Debian mirror with mmdebstrap and `docker import` it
#   under the same tag, so every Dockerfile is identical online and offline.
# Usage: ensure-os-image.sh [IMAGE]   (default: $ISOL8_OS_IMAGE or debian:bookworm-slim)
set -euo pipefail

log() { printf '[isol8] %s\n' "$*" >&2; }

image="${1:-${ISOL8_OS_IMAGE:-debian:bookworm-slim}}"

if docker image inspect "$image" >/dev/null 2>&1; then
  exit 0
fi

if docker pull -q "$image" >/dev/null 2>&1; then
  log "Pulled $image."
  exit 0
fi

# Only Debian-family tags can be bootstrapped from a mirror: "debian:<suite>" or "debian:<suite>-slim".
case "$image" in
  debian:*) suite="${image#debian:}"; suite="${suite%-slim}" ;;
  *)
    log "Cannot pull $image and only debian:<suite>[-slim] images can be built from a mirror."
    log "Load it yourself ('docker load' or 'docker pull' on a connected machine) or choose a debian:<suite>-slim image."
    exit 1 ;;
esac

if [ "$(id -u)" != "0" ]; then
  log "Cannot pull $image. Building it needs root (mmdebstrap); rerun as root or load the image yourself."
  exit 1
fi

if ! command -v mmdebstrap >/dev/null 2>&1; then
  log "Installing mmdebstrap..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null
fi

mirror="${ISOL8_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security_mirror="${ISOL8_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

log "Cannot pull $image: building it from $mirror with mmdebstrap (about a minute)..."
# The path excludes mirror what Debian's own -slim images drop (docs, man pages, locales).
mmdebstrap --quiet --variant=apt --include=ca-certificates \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/info/*' \
  "$suite" "$work/rootfs.tar" \
  "deb $mirror $suite main" \
  "deb $mirror $suite-updates main" \
  "deb $security_mirror $suite-security main"

docker import --change 'CMD ["bash"]' "$work/rootfs.tar" "$image" >/dev/null
log "Imported $image."
