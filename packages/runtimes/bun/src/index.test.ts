import { createRuntimeRegistry, runtimeDefinitionSchema } from "@isol8/core";
import { describe, expect, it } from "vitest";
import bun from "./index.js";
import { bunAvx2Pin } from "./pins.js";

describe("bun()", () => {
  it("is a valid runtime definition owning TypeScript files", () => {
    const runtime = bun();
    expect(runtimeDefinitionSchema.safeParse(runtime).success).toBe(true);
    expect(createRuntimeRegistry([runtime]).forFile("main.ts")?.name).toBe("bun");
  });

  it("resolves run-time installs before baked ones, for import and require alike", () => {
    const runtime = bun();
    expect(runtime.env?.NODE_PATH).toBe(
      "/sandbox/.bun/install/global/node_modules:/usr/local/share/bun/install/global/node_modules",
    );
    expect(runtime.env?.BUN_INSTALL).toBe(runtime.globalInstallPath);
    expect(runtime.env?.BUN_INSTALL_CACHE_DIR?.startsWith("/sandbox/")).toBe(true);
  });

  it("records the pin, and takes another build from the options", () => {
    expect(bun().versions).toEqual({ bun: "1.4.5" });
    expect(bun({ bun: bunAvx2Pin }).dockerfile).toContain("/@oven/bun-linux-x64/-/bun-linux-x64-1.4.5.tgz");
  });

  it("refuses a malformed pin", () => {
    expect(() => bun({ bun: { ...bunAvx2Pin, integrity: "sha256-abc" } })).toThrow(/bun.integrity/);
  });
});
