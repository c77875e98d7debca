import { validatePackageName } from "@isol8/core";
import { describe, expect, it } from "vitest";
import bash from "./index.js";
import { validateDebianPackage } from "./package-name.js";

describe("validateDebianPackage", () => {
  it.each(["jq", "jq=1.6-2.1", "g++", "libstdc++6", "python3.11", "ca-certificates", "vim=2:9.0.1378-2"])(
    "accepts %s",
    (name) => {
      expect(validateDebianPackage(name)).toBeUndefined();
    },
  );

  it.each([
    ["-o", /expected a Debian package name/],
    ["--allow-unauthenticated", /expected a Debian package name/],
    ["jq/bookworm-backports", /release selectors/],
    ["./local.deb", /paths/],
    ["jq:i386", /architecture/],
    ["bash-", /remove/],
    ["JQ", /expected a Debian package name/],
    ["j", /expected a Debian package name/],
    ["jq=", /expected a Debian package name/],
    ["jq=latest", /expected a Debian package name/],
  ])("refuses %s", (name, reason) => {
    expect(validateDebianPackage(name)).toMatch(reason);
  });

  it("runs after core's generic check", () => {
    const runtime = bash();
    expect(() => validatePackageName(runtime, "jq")).not.toThrow();
    expect(() => validatePackageName(runtime, "jq/sid")).toThrow(/not a valid bash package name/);
  });
});
