import { Isol8Error } from "./errors.js";
import type { NetworkPolicy } from "./execution.js";

/**
 * One allow or deny pattern of a filtered network, parsed. `pypi.org` is that host only; `*.example.com` is every
 * subdomain of example.com (a.example.com, a.b.example.com) but neither example.com itself nor badexample.com;
 * `203.0.113.7` is that IPv4 address as written in a URL. Without a port, ports 80 and 443 are meant;
 * `host:port` means that port only.
 */
export interface HostPattern {
  /** The pattern in its normal form: lower case, as `host`, `*.suffix` or either with `:port`. */
  text: string;
  /** The host name or address, or the suffix after `*.` of a wildcard. */
  host: string;
  /** True for `*.suffix`: subdomains of `host`, not `host` itself. */
  subdomains: boolean;
  /** True when `host` is an IPv4 address. */
  address: boolean;
  /** The one port the pattern allows or denies; undefined means 80 and 443. */
  port: number | undefined;
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV4 = /^(?:0|[1-9][0-9]{0,2})(?:\.(?:0|[1-9][0-9]{0,2})){3}$/;

/**
 * Parses a host pattern, throwing INVALID_INPUT with the reason. `source` names where the pattern came from
 * ("--allow", "defaults.deny") so that the message points at what to fix.
 */
export function parseHostPattern(pattern: string, source: string): HostPattern {
  const problem = (reason: string): never => {
    throw new Isol8Error("INVALID_INPUT", `${source} "${pattern}" is not a valid host pattern: ${reason}`, {
      hint: 'Give a host name ("pypi.org"), "*." and a domain ("*.example.com"), or an IPv4 address; add ":port" for a port other than 80 and 443.',
    });
  };
  const text = pattern.trim().toLowerCase();
  if (text === "") problem("it is empty");
  if (/[^a-z0-9.*:-]/.test(text))
    problem("only letters, digits, '-', '.', a leading '*.' and ':port' may appear");
  const [hostPart = "", portPart, extra] = text.split(":");
  if (extra !== undefined)
    problem("IPv6 addresses are not supported, and only one ':port' may follow the host");
  const port = portPart === undefined ? undefined : parsePort(portPart, problem);
  const subdomains = hostPart.startsWith("*.");
  const host = subdomains ? hostPart.slice(2) : hostPart;
  if (host.includes("*")) problem("'*' may only stand as the first label, as in \"*.example.com\"");
  if (host.endsWith(".")) problem("drop the trailing dot");
  if (host.length > 253) problem("it is longer than 253 characters");
  const address = IPV4.test(host);
  if (address) {
    if (subdomains) problem("an IP address has no subdomains");
    if (host.split(".").some((octet) => Number(octet) > 255)) problem("an IPv4 address has octets up to 255");
  } else {
    const labels = host.split(".");
    if (labels.some((label) => !LABEL.test(label))) {
      problem("each dot-separated label must be 1-63 letters, digits or inner '-'");
    }
    if (/^[0-9]+$/.test(labels[labels.length - 1] ?? "")) problem("a host name cannot end in a number");
    if (subdomains && labels.length < 2) problem(`"*.${host}" would match a whole top-level domain`);
  }
  const normal = `${subdomains ? "*." : ""}${host}${port === undefined ? "" : `:${port}`}`;
  return { text: normal, host, subdomains, address, port };
}

function parsePort(text: string, problem: (reason: string) => never): number {
  const port = /^[1-9][0-9]{0,4}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) problem(`port "${text}" is not a number from 1 to 65535`);
  return port;
}

/** Parses every pattern of a list (throwing on the first bad one) and returns them normalised, deduplicated, sorted. */
export function parseHostPatterns(patterns: readonly string[], source: string): HostPattern[] {
  const parsed = new Map<string, HostPattern>();
  for (const pattern of patterns) {
    const hostPattern = parseHostPattern(pattern, source);
    parsed.set(hostPattern.text, hostPattern);
  }
  return [...parsed.values()].sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
}

/**
 * A network policy in its normal form: patterns validated, lower-cased, deduplicated and sorted, so that equal
 * policies compare (and hash) equal. Allow and deny lists only mean something in filtered mode and are emptied in
 * the others.
 */
export function normalizeNetworkPolicy(policy: NetworkPolicy, source = "network"): NetworkPolicy {
  const allow = parseHostPatterns(policy.allow, `${source}.allow`).map((pattern) => pattern.text);
  const deny = parseHostPatterns(policy.deny, `${source}.deny`).map((pattern) => pattern.text);
  return policy.mode === "filtered"
    ? { mode: "filtered", allow, deny }
    : { mode: policy.mode, allow: [], deny: [] };
}
