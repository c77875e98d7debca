import type { NetworkRefusal } from "../execution.js";
import type { HostPattern } from "../host-patterns.js";
import { BLOCKED_ADDRESS_RANGES } from "./blocked-addresses.js";

/** The port Squid listens on: above 1024, so the proxy needs no capability. */
export const PROXY_PORT = 3128;

/** First field of every access-log line the proxy writes, telling them apart from anything else on stdout. */
export const LOG_TAG = "isol8";

/** Squid's error page (deny_info) for each refusal; the page name also lands in the access log. */
export const REFUSAL_PAGES: Record<NetworkRefusal, string> = {
  denied: "ERR_ISOL8_DENIED",
  "not-allowed": "ERR_ISOL8_NOT_ALLOWED",
  port: "ERR_ISOL8_PORT",
  address: "ERR_ISOL8_BLOCKED_ADDRESS",
};

/** A filtered policy with its patterns parsed (see parseHostPatterns). */
export interface ParsedPolicy {
  allow: HostPattern[];
  deny: HostPattern[];
}

/**
 * squid.conf for one policy. The rules, in order (the first that matches decides):
 * 1. cache-manager requests are refused;
 * 2. a deny pattern refuses, by name only;
 * 3. a host that no allow pattern names is refused — still by name, so Squid never resolves names the policy does not
 *    allow (the proxy would otherwise be a way to leak data through DNS lookups);
 * 4. an allowed host on a port its pattern does not allow is refused;
 * 5. a host whose name resolves to any blocked address (loopback, private, link-local, metadata, …) is refused;
 * 6. what remains is allowed.
 * Each refusal ends its rule with a marker ACL that always matches, because Squid picks the error page by the last
 * ACL it evaluated; the page name then tells the access log (and the program) why.
 */
export function squidConfig(policy: ParsedPolicy): string {
  const lines: string[] = [
    `http_port ${PROXY_PORT}`,
    "pid_filename none",
    "cache_log /dev/stderr",
    `logformat isol8 ${[LOG_TAG, "%tS", "%>a", "%rm", "%>rd", "%>rP", "%>Hs", "%tr", "%Ss", "%err_code"].join("\t")}`,
    "access_log stdio:/dev/stdout isol8",
    // A pass-through proxy: no cache, no helpers, nothing written but the logs.
    "cache deny all",
    "cache_mem 0 MB",
    "pinger_enable off",
    "digest_generation off",
    "netdb_filename none",
    "coredump_dir /tmp",
    "visible_hostname isol8-proxy",
    "shutdown_lifetime 0 seconds",
    // The sandbox's address stays inside: destinations see the proxy, not the internal network.
    "via off",
    "forwarded_for delete",
    "httpd_suppress_version_string on",
    "acl isol8_web_ports port 80 443",
    `acl isol8_blocked_addresses dst ${BLOCKED_ADDRESS_RANGES.join(" ")}`,
    "acl isol8_why_denied src all",
    "acl isol8_why_not_allowed src all",
    "acl isol8_why_port src all",
  ];
  policy.deny.forEach((pattern, index) => {
    lines.push(`acl isol8_deny_host_${index} ${hostAcl(pattern)}`);
    if (pattern.port !== undefined) lines.push(`acl isol8_deny_port_${index} port ${pattern.port}`);
  });
  policy.allow.forEach((pattern, index) => {
    lines.push(`acl isol8_allow_host_${index} ${hostAcl(pattern)}`);
    const port = pattern.port === undefined ? "isol8_web_ports" : `isol8_allow_port_${index}`;
    if (pattern.port !== undefined) lines.push(`acl ${port} port ${pattern.port}`);
    lines.push(`acl isol8_allow_${index} all-of isol8_allow_host_${index} ${port}`);
  });

  lines.push("http_access deny manager");
  policy.deny.forEach((pattern, index) => {
    const port = pattern.port === undefined ? "" : ` isol8_deny_port_${index}`;
    lines.push(`http_access deny isol8_deny_host_${index}${port} isol8_why_denied`);
  });
  const allowed = policy.allow.map((_, index) => index);
  const none = (prefix: string) => allowed.map((index) => `!${prefix}${index} `).join("");
  lines.push(`http_access deny ${none("isol8_allow_host_")}isol8_why_not_allowed`);
  if (allowed.length > 0) {
    lines.push(`http_access deny ${none("isol8_allow_")}isol8_why_port`);
    lines.push("http_access deny isol8_blocked_addresses");
    for (const index of allowed) lines.push(`http_access allow isol8_allow_${index}`);
  }
  lines.push("http_access deny all");
  lines.push(
    `deny_info ${REFUSAL_PAGES.denied} isol8_why_denied`,
    `deny_info ${REFUSAL_PAGES["not-allowed"]} isol8_why_not_allowed`,
    `deny_info ${REFUSAL_PAGES.port} isol8_why_port`,
    `deny_info ${REFUSAL_PAGES.address} isol8_blocked_addresses`,
  );
  return `${lines.join("\n")}\n`;
}

/**
 * The ACL that matches a pattern's host. `-n`: compare the name as the client sent it, never a reverse lookup of an
 * address. An exact host (or address) is a `dstdomain` without the leading dot (which would add subdomains); a
 * wildcard is an anchored regular expression of one or more whole labels before the suffix, so that
 * `*.example.com` matches a.example.com and a.b.example.com but neither example.com nor badexample.com.
 */
export function hostAcl(pattern: HostPattern): string {
  if (!pattern.subdomains) return `dstdomain -n ${pattern.host}`;
  return `dstdom_regex -n -i ${subdomainRegex(pattern.host)}`;
}

/** POSIX extended regular expression of every subdomain of `suffix` (a validated host name: [a-z0-9.-]). */
export function subdomainRegex(suffix: string): string {
  return `^([a-z0-9_-]+\\.)+${suffix.replaceAll(".", "\\.")}$`;
}
