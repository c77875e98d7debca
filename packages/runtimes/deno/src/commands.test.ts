import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { denoBake, denoInstall, denoRunFile, denoRunInline } from "./commands.js";
import { denoScript } from "./deno-script.js";

describe("deno commands", () => {
  it("installs and bakes through the wrapper, one argument per specifier", () => {
    expect(denoInstall(["npm:chalk@5", "jsr:@std/path"])).toEqual([
      "/usr/local/bin/isol8-deno",
      "--install",
      "npm:chalk@5",
      "jsr:@std/path",
    ]);
    expect(denoBake(["npm:chalk@5"])).toEqual(["/usr/local/bin/isol8-deno", "--bake", "npm:chalk@5"]);
  });

  it("runs files with all permissions, through the wrapper that picks the cache", () => {
    expect(denoRunFile("/sandbox/main.mts")).toEqual([
      "/usr/local/bin/isol8-deno",
      "run",
      "--allow-all",
      "/sandbox/main.mts",
    ]);
  });

  it("keeps inline code that starts with - from being read as an option", () => {
    expect(denoRunInline("console.log(1)")).toEqual([
      "/usr/local/bin/isol8-deno",
      "eval",
      "--ext=ts",
      "console.log(1)",
    ]);
    expect(denoRunInline("-1").at(-1)).toBe(" -1");
  });

  it("the wrapper is valid sh and passes arguments to deno untouched", () => {
    const check = spawnSync("sh", ["-n"], { input: denoScript, encoding: "utf8" });
    expect(check.status, check.stderr).toBe(0);
    expect(denoScript).toContain('DENO_DIR=$cache exec deno cache --no-config "$@"');
    expect(denoScript).toContain('DENO_DIR=$cache exec deno "$@"');
  });

  it("the wrapper links baked stores before a run and copies them before an install", () => {
    expect(denoScript).toContain("for store in npm remote; do");
    expect(denoScript).toMatch(/--install\)\n\s+shift\n\s+bring_baked_stores copy/);
    expect(denoScript).toMatch(/\*\)\n\s+bring_baked_stores link/);
  });
});
