import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { installScript } from "./install-script.js";

describe("shipped scripts", () => {
  it("the install script is valid sh and passes packages only as arguments", () => {
    const check = spawnSync("sh", ["-n"], { input: installScript, encoding: "utf8" });
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
    expect(installScript.match(/npm install [^\n]*"\$@"$/gm)).toHaveLength(2);
  });

  it("the install script links /sandbox/node_modules to the global folder for ESM imports", () => {
    expect(installScript).toContain("npm install --global --prefix /sandbox/.npm-global");
    expect(installScript).toContain("ln -s /sandbox/.npm-global/lib/node_modules /sandbox/node_modules");
  });

  it("the bake runs from / so that npm runs lifecycle scripts as root", () => {
    expect(installScript).toMatch(/--system[\s\S]*cd \/\n[\s\S]*--prefix \/usr\/local/);
  });
});
