import { parseHostPattern } from "@isol8/core";
import { describe, expect, it } from "vitest";
import { patternCovers } from "./host-coverage.js";
import { BUILT_IN_CEILINGS, BUILT_IN_DEFAULTS } from "./policy-schema.js";
import { createServerPolicy } from "./server-policy.js";

describe("server policy", () => {
  it("gives every tenant the built-in defaults and ceilings when the config says nothing", () => {
    const tenant = createServerPolicy().forTenant("anyone");
    expect(tenant.defaults).toEqual(BUILT_IN_DEFAULTS);
    expect(tenant.ceilings).toEqual(BUILT_IN_CEILINGS);
    expect(tenant.network).toEqual({ modes: ["none"], allow: [], deny: [] });
    expect(tenant.images).toEqual([]);
    expect(tenant.runtimes).toBeUndefined();
  });

  it("merges a tenant's entry over tenantDefaults field by field", () => {
    const policy = createServerPolicy({
      tenantDefaults: {
        ceilings: { cpus: 4 },
        network: { modes: ["none", "filtered"], allow: ["PyPI.org"] },
      },
      tenants: { big: { ceilings: { memoryBytes: 8 * 1024 ** 3 }, network: { deny: ["bad.pypi.org"] } } },
    });
    const big = policy.forTenant("big");
    expect(big.ceilings).toMatchObject({ cpus: 4, memoryBytes: 8 * 1024 ** 3 });
    expect(big.network).toEqual({ modes: ["none", "filtered"], allow: ["pypi.org"], deny: ["bad.pypi.org"] });
    expect(policy.forTenant("small").ceilings.memoryBytes).toBe(BUILT_IN_CEILINGS.memoryBytes);
  });

  it("lets a default nobody set follow a lowered ceiling", () => {
    const tenant = createServerPolicy({ tenantDefaults: { ceilings: { timeoutMs: 5000 } } }).forTenant("a");
    expect(tenant.defaults.timeoutMs).toBe(5000);
  });

  it("refuses a default above its ceiling, unknown keys and bad host patterns, naming the path", () => {
    expect(() =>
      createServerPolicy({ tenants: { a: { defaults: { cpus: 3 }, ceilings: { cpus: 2 } } } }),
    ).toThrow(/tenants\.a\.defaults\.cpus \(3\) is above its ceiling \(2\)/);
    expect(() => createServerPolicy({ tenantDefaults: { ceiling: {} } } as never)).toThrow(
      /CONFIG_INVALID|tenantDefaults/,
    );
    expect(() => createServerPolicy({ tenantDefaults: { network: { allow: ["*.com"] } } })).toThrow(
      /network\.allow/,
    );
    expect(() => createServerPolicy({ tenants: { "Not.A.Tenant": {} } })).toThrow(/server policy: tenants/);
  });
});

describe("patternCovers", () => {
  const covers = (granted: string, wanted: string) =>
    patternCovers(parseHostPattern(granted, "granted"), parseHostPattern(wanted, "wanted"));

  it.each([
    ["pypi.org", "pypi.org", true],
    ["pypi.org", "files.pypi.org", false],
    ["pypi.org", "pypi.org:443", true],
    ["pypi.org", "pypi.org:8080", false],
    ["pypi.org:8080", "pypi.org:8080", true],
    ["pypi.org:8080", "pypi.org", false],
    ["*.example.com", "a.example.com", true],
    ["*.example.com", "a.b.example.com", true],
    ["*.example.com", "*.b.example.com", true],
    ["*.example.com", "*.example.com", true],
    ["*.example.com", "example.com", false],
    ["*.example.com", "badexample.com", false],
    ["a.example.com", "*.example.com", false],
    ["*.b.example.com", "*.example.com", false],
  ])("%s covers %s: %s", (granted, wanted, expected) => {
    expect(covers(granted, wanted)).toBe(expected);
  });
});
