import { validatePackageName } from "@isol8/core";
import { describe, expect, it } from "vitest";
import deno from "./index.js";
import { validateDenoPackage } from "./package-name.js";

describe("validateDenoPackage", () => {
  it.each([
    "npm:chalk",
    "npm:chalk@5",
    "npm:@scope/pkg@^1",
    "npm:preact@10/hooks",
    "jsr:@std/path",
    "jsr:@std/path@1",
    "jsr:@std/path@^1.0.8/posix",
  ])("accepts %s", (name) => {
    expect(validateDenoPackage(name)).toBeUndefined();
  });

  it.each([
    ["chalk", /prefix the name with npm: or jsr:/],
    ["lodash@4", /prefix/],
    ["https://deno.land/std/path/mod.ts", /prefix/],
    ["--allow-all", /prefix/],
    ["jsr:std/path", /jsr:@scope\/name/],
    ["jsr:@std/Path", /jsr:@scope\/name/],
    ["npm:-g", /npm:name/],
    ["npm:https://evil.example/x.tgz", /npm:name/],
    ["npm:chalk@npm:other", /npm:name/],
    ["npm:chalk/../../etc", /npm:name/],
    ["npm:", /npm:name/],
  ])("refuses %s", (name, reason) => {
    expect(validateDenoPackage(name)).toMatch(reason);
  });

  it("runs after core's generic check", () => {
    const runtime = deno();
    expect(() => validatePackageName(runtime, "npm:chalk@5")).not.toThrow();
    expect(() => validatePackageName(runtime, "chalk")).toThrow(/not a valid deno package name/);
  });
});
