import { existsSync } from "node:fs";

const HOST_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

/**
 * Behind the TLS-intercepting proxy of our machines, image builds and installs need the host's CA bundle as isol8's
 * extra CA certificates. tooling/test.sh sets it; this keeps `vitest --project docker` alone working the same way.
 */
export function useHostCaBundle(): void {
  if (process.env.ISOL8_EXTRA_CA_CERTS === undefined && existsSync(HOST_BUNDLE)) {
    process.env.ISOL8_EXTRA_CA_CERTS = HOST_BUNDLE;
  }
}
