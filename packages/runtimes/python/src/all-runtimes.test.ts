import { createRuntimeRegistry } from "@isol8/core";
import bash from "@isol8/runtime-bash";
import bun from "@isol8/runtime-bun";
import deno from "@isol8/runtime-deno";
import node from "@isol8/runtime-node";
import { describe, expect, it } from "vitest";
import python from "./index.js";

describe("the five built-in runtimes", () => {
  const registry = createRuntimeRegistry([python(), node(), bun(), deno(), bash()]);

  it("register together without clashing names or extensions", () => {
    expect(registry.list().map((runtime) => runtime.name)).toEqual(["python", "node", "bun", "deno", "bash"]);
  });

  it.each([
    ["main.py", "python"],
    ["main.mjs", "node"],
    ["main.js", "node"],
    ["main.cjs", "node"],
    ["main.ts", "bun"],
    ["main.tsx", "bun"],
    ["main.mts", "deno"],
    ["main.sh", "bash"],
  ])("gives %s to %s", (file, name) => {
    expect(registry.forFile(file)?.name).toBe(name);
  });

  it("names inline files with an extension each runtime owns", () => {
    for (const runtime of registry.list()) {
      expect(registry.forFile(runtime.inlineFileName)?.name).toBe(runtime.name);
    }
  });

  it("lets deno run .ts on request although bun owns it", () => {
    expect(registry.get("deno").alsoRuns).toContain(".ts");
  });

  it("installs under /sandbox and sets env without PATH (path is separate)", () => {
    for (const runtime of registry.list()) {
      expect(runtime.globalInstallPath.startsWith("/sandbox/")).toBe(true);
      expect(Object.keys(runtime.env ?? {})).not.toContain("PATH");
      const fragment = runtime.dockerfile.trimEnd().split("\n");
      expect(fragment[0]).toBe("USER root");
      expect(fragment.at(-1)).toBe("USER sandbox");
    }
  });
});
