import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { bunBake, bunInstall, bunRunFile, bunRunInline } from "./commands.js";

describe("bun commands", () => {
  it("installs globally under BUN_INSTALL, names after --", () => {
    expect(bunInstall(["zod@3", "@scope/pkg@^1"])).toEqual([
      "bun",
      "add",
      "--global",
      "--",
      "zod@3",
      "@scope/pkg@^1",
    ]);
  });

  it("bakes into /usr/local/share/bun with names as positional parameters of a fixed script", () => {
    const argv = bunBake(["zod", "$(touch /pwned)"]);
    expect(argv.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(argv[2]).toContain("BUN_INSTALL=/usr/local/share/bun");
    expect(argv[2]).toContain('bun add --global "$@"');
    expect(argv[2]).not.toContain("zod");
    expect(argv.slice(3)).toEqual(["isol8-bun-bake", "--", "zod", "$(touch /pwned)"]);
    const syntax = spawnSync("sh", ["-n", "-c", argv[2] ?? ""], { encoding: "utf8" });
    expect(syntax.status, syntax.stderr).toBe(0);
  });

  it("runs without auto-install, so that only installed packages resolve", () => {
    expect(bunRunFile("/sandbox/main.ts")).toEqual(["bun", "run", "--no-install", "/sandbox/main.ts"]);
    expect(bunRunInline("-1; console.log(1)")).toEqual(["bun", "--no-install", "--eval=-1; console.log(1)"]);
  });
});
