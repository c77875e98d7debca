import { lookup } from "node:dns/promises";
import { isIP, type LookupFunction } from "node:net";
import { classifyAddress, describeAddressKind } from "./address-class.js";
import { fetchFailed, type Hop, refused } from "./url-errors.js";

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Turns a host name into its addresses. Injected in tests, so that no test depends on (or reaches) real DNS. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

const PUBLIC_ONLY_HINT =
  "isol8 fetches code only from public addresses, so that a URL cannot read the host's or its network's internal " +
  "services (cloud metadata, databases, admin pages). Download the file yourself and run it as a file.";

/**
 * The one address the hop will connect to: the host's addresses, resolved once here, must all be public (a name
 * that also resolves to a private address is refused, not worked around), and the first one is used. Loopback is
 * allowed only when a test asked for it.
 */
export async function resolveCheckedAddress(
  hop: Hop,
  resolver: HostResolver,
  options: { allowLoopback: boolean },
): Promise<ResolvedAddress> {
  const hostname = hostOf(hop.url);
  const literal = isIP(hostname);
  const addresses: ResolvedAddress[] =
    literal === 0
      ? await resolver(hostname).catch((cause: unknown) => {
          const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
          throw fetchFailed(
            hop,
            `cannot resolve ${hostname} (${code})`,
            "Check the host name of the URL.",
            cause,
          );
        })
      : [{ address: hostname, family: literal === 6 ? 6 : 4 }];
  const first = addresses[0];
  if (first === undefined) {
    throw fetchFailed(hop, `${hostname} has no address`, "Check the host name of the URL.");
  }
  for (const { address } of addresses) {
    const kind = classifyAddress(address);
    if (kind === "public" || (kind === "loopback" && options.allowLoopback)) continue;
    const subject = literal === 0 ? `${hostname} resolves to ${address}` : address;
    throw refused(hop, `${subject}, ${describeAddressKind(kind)}`, PUBLIC_ONLY_HINT);
  }
  return first;
}

/** The URL's host without the brackets of an IPv6 literal. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

/**
 * A `lookup` for the request that answers with the address that was checked, whatever DNS would say now: a name
 * that resolves to a public address for the check and to a private one for the connection (DNS rebinding) gets
 * nowhere. The name itself still goes into the TLS SNI and the Host header.
 */
export function pinnedLookup(hostname: string, checked: ResolvedAddress): LookupFunction {
  return (name, options, callback) => {
    if (name !== hostname) {
      const error: NodeJS.ErrnoException = new Error(`isol8 resolves only ${hostname} for this request`);
      error.code = "ENOTFOUND";
      callback(error, "");
      return;
    }
    if (options.all) callback(null, [{ address: checked.address, family: checked.family }]);
    else callback(null, checked.address, checked.family);
  };
}
