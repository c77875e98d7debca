import { describe, expect, it } from "vitest";
import { limitsSchema } from "../execution.js";
import { mergeLimits, mergeNetworkPolicy } from "./merge.js";
import { resolveConfig } from "./resolve.js";

const context = { baseDir: "/project", cwd: "/project", env: {} };

describe("mergeLimits", () => {
  it("gives the core defaults when neither file nor flags set anything", () => {
    const { config } = resolveConfig(undefined, context);
    expect(mergeLimits(config, {})).toEqual(limitsSchema.parse({}));
  });

  it("lets flags win over the file, and the file over the defaults", () => {
    const { config } = resolveConfig({ defaults: { memory: 1024 ** 3, timeout: 60_000 } }, context);
    const limits = mergeLimits(config, { timeoutMs: 5_000, pids: 16 });
    expect(limits).toEqual({ ...limitsSchema.parse({}), memoryBytes: 1024 ** 3, timeoutMs: 5_000, pids: 16 });
  });
});

describe("mergeNetworkPolicy", () => {
  it("lets flags replace mode and allow but never drop a configured deny", () => {
    const { config } = resolveConfig(
      { defaults: { network: "filtered", allow: ["pypi.org"], deny: ["evil.example"] } },
      context,
    );
    expect(mergeNetworkPolicy(config)).toEqual({
      mode: "filtered",
      allow: ["pypi.org"],
      deny: ["evil.example"],
    });
    expect(mergeNetworkPolicy(config, { mode: "none", allow: ["*.npmjs.org"], deny: ["x.example"] })).toEqual(
      {
        mode: "none",
        allow: ["*.npmjs.org"],
        deny: ["evil.example", "x.example"],
      },
    );
  });
});
