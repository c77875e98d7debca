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

  it("runs files by Node's own rules", () => {
    expect(nodeRunFile("/sandbox/main.js")).toEqual(["node", "/sandbox/main.js"]);
  });

  it("leaves the module type of inline code to Node's syntax detection, in one argument even when it starts with -", () => {
    expect(nodeRunInline("-1; console.log(1)")).toEqual(["node", "--eval=-1; console.log(1)"]);
  });
});
