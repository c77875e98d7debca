import { describe, expect, it } from "vitest";
import { normalizeNetworkPolicy, parseHostPattern, parseHostPatterns } from "./host-patterns.js";

describe("parseHostPattern", () => {
  it.each([
    ["pypi.org", { text: "pypi.org", host: "pypi.org", subdomains: false, address: false, port: undefined }],
    ["*.Example.COM", { text: "*.example.com", host: "example.com", subdomains: true, address: false }],
    ["registry.npmjs.org:8443", { text: "registry.npmjs.org:8443", port: 8443 }],
    ["*.co.uk:80", { text: "*.co.uk:80", subdomains: true, port: 80 }],
    ["203.0.113.7", { text: "203.0.113.7", address: true }],
    ["10.0.0.1:8080", { text: "10.0.0.1:8080", address: true, port: 8080 }],
    ["localhost", { text: "localhost", address: false }],
    ["  xn--bcher-kva.example  ", { text: "xn--bcher-kva.example" }],
  ])("accepts %j", (pattern, expected) => {
    expect(parseHostPattern(pattern, "--allow")).toMatchObject(expected);
  });

  it.each([
    ["", "it is empty"],
    ["pypi org", "only letters, digits"],
    ["https://pypi.org", "only letters, digits"],
    ["pypi.org/simple", "only letters, digits"],
    ["pypi.org;rm", "only letters, digits"],
    ["pypi.org\nallow all", "only letters, digits"],
    ["*", "the first label"],
    ["*.com", "a whole top-level domain"],
    ["a.*.example.com", "'*' may only stand as the first label"],
    ["*example.com", "'*' may only stand as the first label"],
    ["example.*", "'*' may only stand as the first label"],
    ["pypi.org.", "drop the trailing dot"],
    [".example.com", "each dot-separated label"],
    ["-bad.example.com", "each dot-separated label"],
    ["bad-.example.com", "each dot-separated label"],
    ["a..b", "each dot-separated label"],
    [`${"a".repeat(64)}.com`, "each dot-separated label"],
    ["pypi.org:0", 'port "0"'],
    ["pypi.org:65536", 'port "65536"'],
    ["pypi.org:08", 'port "08"'],
    ["pypi.org:", 'port ""'],
    ["::1", "IPv6 addresses are not supported"],
    ["a:1:2", "IPv6 addresses are not supported"],
    ["256.1.1.1", "octets up to 255"],
    ["*.10.0.0.1", "an IP address has no subdomains"],
    ["1.2.3", "cannot end in a number"],
  ])("refuses %j (%s)", (pattern, reason) => {
    expect(() => parseHostPattern(pattern, "--allow")).toThrow(reason);
  });

  it("names the source and the pattern in a one-line INVALID_INPUT error", () => {
    expect(() => parseHostPattern("pypi org", "--deny")).toThrow(
      expect.objectContaining({
        code: "INVALID_INPUT",
        message: expect.stringMatching(/^--deny "pypi org" is not a valid host pattern: [^\n]+$/),
      }),
    );
  });
});

describe("parseHostPatterns and normalizeNetworkPolicy", () => {
  it("deduplicates after normalising and sorts", () => {
    const texts = parseHostPatterns(["b.org", "A.org", "a.org", "*.a.org"], "--allow").map((p) => p.text);
    expect(texts).toEqual(["*.a.org", "a.org", "b.org"]);
  });

  it("gives equal policies one form, and drops lists that only filtered mode uses", () => {
    const one = normalizeNetworkPolicy({ mode: "filtered", allow: ["PyPI.org", "x.org"], deny: [] });
    const two = normalizeNetworkPolicy({ mode: "filtered", allow: ["x.org", "pypi.org", "x.org"], deny: [] });
    expect(one).toEqual(two);
    expect(normalizeNetworkPolicy({ mode: "none", allow: ["pypi.org"], deny: ["x.org"] })).toEqual({
      mode: "none",
      allow: [],
      deny: [],
    });
  });

  it("still rejects a bad pattern in a mode that ignores the lists", () => {
    expect(() => normalizeNetworkPolicy({ mode: "none", allow: [], deny: ["bad host"] })).toThrow(
      'network.deny "bad host"',
    );
  });
});
