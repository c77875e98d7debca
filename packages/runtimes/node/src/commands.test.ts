import { describe, expect, it } from "vitest";
import { nodeBake, nodeInstall, nodeRunFile, nodeRunInline } from "./commands.js";

describe("node commands", () => {
  it("installs and bakes through the install script, names after --", () => {
    expect(nodeInstall(["lodash@4", "@scope/pkg@^1"])).toEqual([
      "/usr/local/bin/isol8-npm-install",
      "--",
      "lodash@4",
      "@scope/pkg@^1",
    ]);
    expect(nodeBake(["lodash"])).toEqual(["/usr/local/bin/isol8-npm-install", "--system", "--", "lodash"]);
  });

  it("preloads the ESM hook for files", () => {
    expect(nodeRunFile("/sandbox/main.js")).toEqual([
      "node",
      "--import=/usr/local/lib/isol8/esm-by-default.mjs",
      "/sandbox/main.js",
    ]);
  });

  it("runs inline code as ESM, in one argument even when it starts with -", () => {
    expect(nodeRunInline("-1; console.log(1)")).toEqual([
      "node",
      "--input-type=module",
      "--eval=-1; console.log(1)",
    ]);
  });
});
