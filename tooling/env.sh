# Sourced by the tooling scripts: the environment every step shares.
# Behind a TLS-intercepting proxy the host's CA bundle is what makes HTTPS work; hand it to isol8 as its extra CA
# certificates (image builds and package managers trust it) unless the caller chose others.
if [ -z "${ISOL8_EXTRA_CA_CERTS+x}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  export ISOL8_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi
# Node itself (pnpm, the tests) must trust the same bundle.
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi
export TURBO_TELEMETRY_DISABLED=1
export DO_NOT_TRACK=1
