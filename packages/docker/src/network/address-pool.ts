import { Isol8Error } from "@isol8/core";

/** Where sandbox networks take their subnets from, in the shape of Docker's own `default-address-pools`. */
export interface AddressPool {
  /** An IPv4 range in CIDR notation, e.g. "10.213.0.0/16". */
  base: string;
  /** Prefix length of each network's subnet, e.g. 28 (16 addresses). */
  size: number;
}

/**
 * 4096 subnets of 16 addresses each: a sandbox network holds only the gateway Docker reserves, the proxy and one
 * sandbox. Docker's own pools (172.17.0.0/12, 192.168.0.0/16) hand out a /16 or /20 per network and run dry after
 * about thirty, which is why isol8 picks its subnets itself.
 */
export const DEFAULT_ADDRESS_POOL: AddressPool = { base: "10.213.0.0/16", size: 28 };

/** The addresses of one sandbox network: Docker's gateway takes the first, then the proxy, then the sandbox. */
export interface SandboxSubnet {
  subnet: string;
  gateway: string;
  proxy: string;
  sandbox: string;
}

export interface ParsedAddressPool {
  /** First address of the range, as an unsigned 32-bit number. */
  start: number;
  size: number;
  count: number;
}

/**
 * Checks a pool and counts its subnets. A subnet needs at least 8 addresses (a /29): network, gateway, proxy,
 * a sandbox and broadcast.
 */
export function parseAddressPool(pool: AddressPool): ParsedAddressPool {
  const fail = (why: string) =>
    new Isol8Error("INVALID_INPUT", `addressPool ${JSON.stringify(pool)}: ${why}`, {
      hint: 'Use a private IPv4 range and a subnet size, e.g. { "base": "10.213.0.0/16", "size": 28 }.',
    });
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(pool.base);
  if (!match) throw fail("base is not an IPv4 range in CIDR notation");
  const octets = match.slice(1, 5).map(Number);
  if (octets.some((octet) => octet > 255)) throw fail("base is not an IPv4 address");
  const prefix = Number(match[5]);
  if (prefix < 8 || prefix > 29) throw fail("the base's prefix length must be between 8 and 29");
  if (!Number.isInteger(pool.size) || pool.size < prefix || pool.size > 29) {
    throw fail(`size must be an integer between the base's prefix (${prefix}) and 29`);
  }
  const start = octets.reduce((value, octet) => value * 256 + octet, 0);
  if (start % 2 ** (32 - prefix) !== 0) throw fail(`base is not aligned to a /${prefix}`);
  return { start, size: pool.size, count: 2 ** (pool.size - prefix) };
}

/** The n-th subnet of the pool. */
export function subnetAt(pool: ParsedAddressPool, index: number): SandboxSubnet {
  const first = pool.start + index * 2 ** (32 - pool.size);
  return {
    subnet: `${formatAddress(first)}/${pool.size}`,
    gateway: formatAddress(first + 1),
    proxy: formatAddress(first + 2),
    sandbox: formatAddress(first + 3),
  };
}

/**
 * Subnets to try, in an order that differs per caller so that processes creating networks at the same moment
 * rarely pick the same one; those known to be taken are left out. Docker refuses an overlapping subnet, so a
 * collision costs one retry, never two networks on one range.
 */
export function* candidateSubnets(
  pool: ParsedAddressPool,
  taken: ReadonlySet<string>,
  random: () => number = Math.random,
): Generator<SandboxSubnet> {
  const offset = Math.floor(random() * pool.count);
  for (let step = 0; step < pool.count; step++) {
    const candidate = subnetAt(pool, (offset + step) % pool.count);
    if (!taken.has(candidate.subnet)) yield candidate;
  }
}

function formatAddress(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}
