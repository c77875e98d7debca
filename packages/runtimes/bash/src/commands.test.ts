import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { aptInstallScript } from "./apt-install-script.js";
import { bashBake, bashInstall, bashRunFile, bashRunInline } from "./commands.js";

describe("bash commands", () => {
  it("installs and bakes through the script, names after --", () => {
    expect(bashInstall(["jq", "ripgrep"])).toEqual([
      "/usr/local/bin/isol8-apt-install",
      "--",
      "jq",
      "ripgrep",
    ]);
    expect(bashBake(["jq"])).toEqual(["/usr/local/bin/isol8-apt-install", "--system", "--", "jq"]);
  });

  it("runs files and inline code with bash, code after --", () => {
    expect(bashRunFile("/sandbox/main.sh")).toEqual(["bash", "/sandbox/main.sh"]);
    expect(bashRunInline("-x")).toEqual(["bash", "-c", "--", "-x"]);
  });
});

describe("the apt install script", () => {
  it("is valid bash", () => {
    const check = spawnSync("bash", ["-n"], { input: aptInstallScript, encoding: "utf8" });
    expect(check.status, check.stderr).toBe(0);
  });

  it("works without root: apt state under /sandbox, no locks, no privilege drop", () => {
    expect(aptInstallScript).toContain('"Dir::State::Lists=$apt_home/lists"');
    expect(aptInstallScript).toContain('"Dir::Cache=$apt_home/cache"');
    expect(aptInstallScript).toContain("Debug::NoLocking=1");
    expect(aptInstallScript).toContain('"APT::Sandbox::User=$(id -un)"');
    expect(aptInstallScript).toContain("apt_home=/sandbox/.apt");
  });

  it("downloads only, then unpacks every package under /sandbox/.apt/root", () => {
    expect(aptInstallScript).toContain('install -y --download-only --no-install-recommends "$@"');
    expect(aptInstallScript).toContain('dpkg-deb --extract "$deb" /sandbox/.apt/root');
  });

  it("passes package names to apt-get only as arguments", () => {
    expect(aptInstallScript.match(/"\$@"/g)).toHaveLength(2);
    expect(aptInstallScript).not.toMatch(/eval|\$\*/);
  });
});
