import { describe, expect, it } from "vitest";
import { parseHostPatterns } from "../host-patterns.js";
import { BLOCKED_ADDRESS_RANGES } from "./blocked-addresses.js";
import { hostAcl, squidConfig, subdomainRegex } from "./squid-config.js";

const policy = (allow: string[], deny: string[] = []) => ({
  allow: parseHostPatterns(allow, "--allow"),
  deny: parseHostPatterns(deny, "--deny"),
});

/** The http_access rules in order, which decide (first match wins). */
const rules = (config: string) => config.split("\n").filter((line) => line.startsWith("http_access"));

describe("hostAcl", () => {
  it("matches an exact host or address without its subdomains and without reverse lookups", () => {
    const [address, exact] = parseHostPatterns(["pypi.org", "203.0.113.7"], "--allow");
    expect(hostAcl(address ?? never())).toBe("dstdomain -n 203.0.113.7");
    expect(hostAcl(exact ?? never())).toBe("dstdomain -n pypi.org");
  });

  it("turns *.example.com into an anchored expression of whole labels", () => {
    const [wildcard] = parseHostPatterns(["*.example.com"], "--allow");
    expect(hostAcl(wildcard ?? never())).toBe("dstdom_regex -n -i ^([a-z0-9_-]+\\.)+example\\.com$");
  });

  // Squid's dstdom_regex is POSIX extended; for this expression's syntax JavaScript's RegExp reads the same.
  it.each([
    ["a.example.com", true],
    ["a.b.example.com", true],
    ["x-1.example.com", true],
    ["example.com", false],
    ["badexample.com", false],
    ["a.badexample.com", false],
    ["example.com.evil.org", false],
    ["a.example.com.evil.org", false],
    ["a.exampleXcom", false],
    ["evil.org/a.example.com", false],
    ["a.example.com:443", false],
  ])("*.example.com against %s: %s", (host, matches) => {
    expect(new RegExp(subdomainRegex("example.com"), "i").test(host)).toBe(matches);
  });
});

describe("squidConfig", () => {
  it("refuses by name before it resolves anything, then by port, then by address", () => {
    const config = squidConfig(
      policy(["pypi.org", "*.npmjs.org", "example.com:8443"], ["registry.npmjs.org"]),
    );
    expect(rules(config)).toEqual([
      "http_access deny manager",
      "http_access deny isol8_deny_host_0 isol8_why_denied",
      "http_access deny !isol8_allow_host_0 !isol8_allow_host_1 !isol8_allow_host_2 isol8_why_not_allowed",
      "http_access deny !isol8_allow_0 !isol8_allow_1 !isol8_allow_2 isol8_why_port",
      "http_access deny isol8_blocked_addresses",
      "http_access allow isol8_allow_0",
      "http_access allow isol8_allow_1",
      "http_access allow isol8_allow_2",
      "http_access deny all",
    ]);
    // Sorted patterns: *.npmjs.org, example.com:8443, pypi.org.
    expect(config).toContain("acl isol8_allow_host_0 dstdom_regex -n -i ^([a-z0-9_-]+\\.)+npmjs\\.org$");
    expect(config).toContain("acl isol8_allow_0 all-of isol8_allow_host_0 isol8_web_ports");
    expect(config).toContain("acl isol8_allow_port_1 port 8443");
    expect(config).toContain("acl isol8_allow_1 all-of isol8_allow_host_1 isol8_allow_port_1");
    expect(config).toContain("acl isol8_deny_host_0 dstdomain -n registry.npmjs.org");
    expect(config).toContain("acl isol8_web_ports port 80 443");
  });

  it("refuses everything with an empty allowlist, and a deny with a port only on that port", () => {
    const config = squidConfig(policy([], ["example.com:8080"]));
    expect(rules(config)).toEqual([
      "http_access deny manager",
      "http_access deny isol8_deny_host_0 isol8_deny_port_0 isol8_why_denied",
      "http_access deny isol8_why_not_allowed",
      "http_access deny all",
    ]);
  });

  it("blocks loopback, private, link-local, metadata, CGNAT, multicast and IPv6 local ranges, not documentation ranges", () => {
    const line = squidConfig(policy(["pypi.org"]))
      .split("\n")
      .find((entry) => entry.startsWith("acl isol8_blocked_addresses dst "));
    const ranges = line?.split(" ").slice(3) ?? [];
    expect(ranges).toEqual([...BLOCKED_ADDRESS_RANGES]);
    for (const range of ["127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"])
      expect(ranges).toContain(range);
    for (const range of ["100.64.0.0/10", "0.0.0.0/8", "224.0.0.0/4", "::1", "fc00::/7", "fe80::/10"])
      expect(ranges).toContain(range);
    for (const documentation of ["192.0.2.", "198.51.100.", "203.0.113.", "2001:db8"])
      expect(ranges.some((range) => range.startsWith(documentation))).toBe(false);
  });

  it("maps every refusal to an isol8 error page and writes a tab-separated access log", () => {
    const config = squidConfig(policy(["pypi.org"]));
    expect(config).toContain("deny_info ERR_ISOL8_DENIED isol8_why_denied");
    expect(config).toContain("deny_info ERR_ISOL8_NOT_ALLOWED isol8_why_not_allowed");
    expect(config).toContain("deny_info ERR_ISOL8_PORT isol8_why_port");
    expect(config).toContain("deny_info ERR_ISOL8_BLOCKED_ADDRESS isol8_blocked_addresses");
    expect(config).toContain("logformat isol8 isol8\t%tS\t%>a\t%rm\t%>rd\t%>rP\t%>Hs\t%tr\t%Ss\t%err_code\n");
    expect(config).toContain("http_port 3128\n");
    expect(config).toContain("forwarded_for delete\n");
  });
});

function never(): never {
  throw new Error("missing pattern");
}
