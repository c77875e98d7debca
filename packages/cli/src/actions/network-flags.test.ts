import type { ResolvedDefaults } from "@isol8/core";
import { describe, expect, it } from "vitest";
import { formatNetworkLog, type NetworkFlags, networkPolicyFor } from "./network-flags.js";

const config = (defaults: Partial<Pick<ResolvedDefaults, "network" | "allow" | "deny">> = {}) => ({
  defaults: { network: "none", allow: [], deny: [], ...defaults } as ResolvedDefaults,
});
const flags = (given: Partial<NetworkFlags> = {}): NetworkFlags => ({
  allow: [],
  deny: [],
  logNetwork: false,
  ...given,
});

describe("networkPolicyFor", () => {
  it("defaults to no network", () => {
    expect(networkPolicyFor(flags(), config())).toEqual({ mode: "none", allow: [], deny: [] });
  });

  it("takes repeatable, comma-separated --allow and --deny over the config", () => {
    const policy = networkPolicyFor(
      flags({
        net: "filtered",
        allow: ["pypi.org,files.pythonhosted.org", "*.npmjs.org"],
        deny: ["x.npmjs.org"],
      }),
      config({ allow: ["example.com"], deny: ["evil.example"] }),
    );
    expect(policy).toEqual({
      mode: "filtered",
      allow: ["pypi.org", "files.pythonhosted.org", "*.npmjs.org"],
      deny: ["evil.example", "x.npmjs.org"],
    });
  });

  it("uses the config's mode and lists when no flag says otherwise", () => {
    const policy = networkPolicyFor(flags(), config({ network: "filtered", allow: ["pypi.org"] }));
    expect(policy).toEqual({ mode: "filtered", allow: ["pypi.org"], deny: [] });
  });

  it.each([
    [
      flags({ net: "filtered", allow: ["pypi org"] }),
      config(),
      /^--allow "pypi org" is not a valid host pattern/,
    ],
    [flags({ net: "filtered", deny: ["*.com"] }), config(), /^--deny "\*\.com" is not a valid host pattern/],
    [flags(), config({ allow: ["bad/host"] }), /^The config's defaults.allow "bad\/host"/],
    [
      flags({ allow: ["pypi.org"] }),
      config(),
      /^--allow and --deny need --net filtered \(the network is "none"\)$/,
    ],
    [flags({ net: "host", deny: ["pypi.org"] }), config(), /need --net filtered \(the network is "host"\)/],
    [flags({ logNetwork: true }), config(), /^--log-network needs --net filtered/],
    [flags({ net: "host", session: "work" }), config(), /^A session cannot use --net host$/],
  ])("refuses %j with %j", (given, configured, message) => {
    expect(() => networkPolicyFor(given, configured)).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT", message: expect.stringMatching(message) }),
    );
  });
});

describe("formatNetworkLog", () => {
  it("prints one aligned line per request, with the reason of a refusal", () => {
    expect(
      formatNetworkLog([
        { host: "pypi.org", port: 443, method: "CONNECT", allowed: true, status: 200, durationMs: 931 },
        {
          host: "registry.npmjs.org",
          port: 443,
          method: "CONNECT",
          allowed: false,
          reason: "not-allowed",
          status: 403,
          durationMs: 0,
        },
        {
          host: "localhost",
          port: 80,
          method: "GET",
          allowed: false,
          reason: "address",
          status: 403,
          durationMs: 0,
        },
      ]),
    ).toEqual([
      "network: 3 request(s) through the egress proxy",
      "  CONNECT  pypi.org:443            allowed  200  931 ms",
      "  CONNECT  registry.npmjs.org:443  refused  403  not on the allowlist",
      "  GET      localhost:80            refused  403  private or local address",
    ]);
  });
});
