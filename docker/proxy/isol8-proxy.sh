#!/bin/sh
# Entrypoint of isol8:proxy. The engine renders squid.conf from the network policy and passes it in
# ISOL8_SQUID_CONF; the root file system is read-only, so the file goes to /tmp (a tmpfs).
set -eu
if [ -z "${ISOL8_SQUID_CONF:-}" ]; then
  echo "isol8-proxy: ISOL8_SQUID_CONF is empty" >&2
  exit 64
fi
printf '%s\n' "$ISOL8_SQUID_CONF" >/tmp/squid.conf
unset ISOL8_SQUID_CONF
# -N: stay in the foreground as the container's only process, without worker or helper processes.
exec squid -N -f /tmp/squid.conf
