import { isIPv4, isIPv6 } from "node:net";

/**
 * What an IP address is, as far as fetching code from it goes. Only `public` is fetched from; `loopback` also in
 * tests that ask for it. Everything else could reach the host itself, the local network, a cloud metadata service
 * or the carrier's network: a URL must not be a way to read those (SSRF).
 */
export type AddressKind =
  | "public"
  | "unspecified"
  | "loopback"
  | "private"
  | "link-local"
  | "unique-local"
  | "site-local"
  | "cgnat"
  | "multicast"
  | "broadcast"
  | "documentation"
  | "reserved"
  | "invalid";

/** A range as a prefix of the address's bits. */
interface Range {
  prefix: bigint;
  bits: number;
  kind: AddressKind;
}

const v4 = (text: string, bits: number, kind: AddressKind): Range => ({
  prefix: ipv4Value(text) ?? 0n,
  bits,
  kind,
});
const v6 = (text: string, bits: number, kind: AddressKind): Range => ({
  prefix: ipv6Value(text) ?? 0n,
  bits,
  kind,
});

// IANA's IPv4 special-purpose registry: every block that is not globally reachable unicast.
const IPV4_RANGES: Range[] = [
  v4("0.0.0.0", 8, "unspecified"),
  v4("10.0.0.0", 8, "private"),
  v4("100.64.0.0", 10, "cgnat"),
  v4("127.0.0.0", 8, "loopback"),
  v4("169.254.0.0", 16, "link-local"),
  v4("172.16.0.0", 12, "private"),
  v4("192.0.0.0", 24, "reserved"),
  v4("192.0.2.0", 24, "documentation"),
  v4("192.88.99.0", 24, "reserved"),
  v4("192.168.0.0", 16, "private"),
  v4("198.18.0.0", 15, "reserved"),
  v4("198.51.100.0", 24, "documentation"),
  v4("203.0.113.0", 24, "documentation"),
  v4("224.0.0.0", 4, "multicast"),
  v4("255.255.255.255", 32, "broadcast"),
  v4("240.0.0.0", 4, "reserved"),
];

// Checked in order inside 2000::/3 (global unicast) and below; an address outside 2000::/3 that no range names is
// reserved. The forms that embed an IPv4 address (mapped, NAT64, 6to4) are classified by that address instead.
const IPV6_RANGES: Range[] = [
  v6("::", 128, "unspecified"),
  v6("::1", 128, "loopback"),
  v6("2001::", 23, "reserved"), // IETF protocol assignments: Teredo, benchmarking, ORCHID, …
  v6("2001:db8::", 32, "documentation"),
  v6("3fff::", 20, "documentation"),
  v6("fc00::", 7, "unique-local"),
  v6("fe80::", 10, "link-local"),
  v6("fec0::", 10, "site-local"),
  v6("ff00::", 8, "multicast"),
];

const MAPPED = v6("::ffff:0:0", 96, "reserved");
const NAT64 = v6("64:ff9b::", 96, "reserved");
const SIX_TO_FOUR = v6("2002::", 16, "reserved");
const GLOBAL_UNICAST = v6("2000::", 3, "public");

/** Classifies an IPv4 or IPv6 address (a zone such as `%eth0` is ignored); anything else is `invalid`. */
export function classifyAddress(address: string): AddressKind {
  const text = address.replace(/%.*$/, "");
  if (isIPv4(text)) return classifyIpv4(ipv4Value(text) ?? 0n);
  const value = isIPv6(text) ? ipv6Value(text) : undefined;
  if (value === undefined) return "invalid";
  if (inRange(value, MAPPED, 128) || inRange(value, NAT64, 128)) return classifyIpv4(value & 0xffffffffn);
  if (inRange(value, SIX_TO_FOUR, 128)) return classifyIpv4((value >> 80n) & 0xffffffffn);
  const range = IPV6_RANGES.find((candidate) => inRange(value, candidate, 128));
  if (range) return range.kind;
  return inRange(value, GLOBAL_UNICAST, 128) ? "public" : "reserved";
}

/** Words for an error message: "a private address", "a loopback address", … */
export function describeAddressKind(kind: AddressKind): string {
  const words: Record<AddressKind, string> = {
    public: "a public address",
    unspecified: "the unspecified address",
    loopback: "a loopback address",
    private: "a private address",
    "link-local": "a link-local address (cloud metadata services answer there)",
    "unique-local": "a unique-local address",
    "site-local": "a site-local address",
    cgnat: "a carrier-grade NAT address",
    multicast: "a multicast address",
    broadcast: "the broadcast address",
    documentation: "a documentation address",
    reserved: "a reserved address",
    invalid: "not an IP address",
  };
  return words[kind];
}

function classifyIpv4(value: bigint): AddressKind {
  return IPV4_RANGES.find((range) => inRange(value, range, 32))?.kind ?? "public";
}

function inRange(value: bigint, range: Range, width: number): boolean {
  const shift = BigInt(width - range.bits);
  return value >> shift === range.prefix >> shift;
}

function ipv4Value(text: string): bigint | undefined {
  if (!isIPv4(text)) return undefined;
  return text.split(".").reduce((value, part) => (value << 8n) | BigInt(Number(part)), 0n);
}

/** The 128-bit value of an IPv6 address, expanding `::` and a dotted IPv4 tail (`::ffff:1.2.3.4`). */
function ipv6Value(text: string): bigint | undefined {
  if (!isIPv6(text)) return undefined;
  let groups = text;
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (tail !== undefined) {
    const value = Number(ipv4Value(tail) ?? 0n);
    groups = `${text.slice(0, -tail.length)}${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}`;
  }
  const [head = "", rest] = groups.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = rest === undefined || rest === "" ? [] : rest.split(":");
  const missing = 8 - left.length - right.length;
  const all = [...left, ...Array<string>(rest === undefined ? 0 : missing).fill("0"), ...right];
  return all.reduce((value, group) => (value << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
}
