import type { HostPattern } from "@isol8/core";

/**
 * Whether everything `wanted` lets through is also let through by `granted`, so that a client's allow list can
 * only narrow the server's. A wildcard covers the names under it (`*.example.com` covers `a.example.com` and
 * `*.b.example.com`), never the bare domain; a pattern without a port means ports 80 and 443.
 */
export function patternCovers(granted: HostPattern, wanted: HostPattern): boolean {
  const portCovered =
    granted.port === undefined
      ? wanted.port === undefined || wanted.port === 80 || wanted.port === 443
      : wanted.port === granted.port;
  if (!portCovered) return false;
  if (!granted.subdomains) return !wanted.subdomains && wanted.host === granted.host;
  return wanted.host.endsWith(`.${granted.host}`) || (wanted.subdomains && wanted.host === granted.host);
}
