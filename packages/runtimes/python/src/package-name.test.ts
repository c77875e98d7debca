import { validatePackageName } from "@isol8/core";
import { describe, expect, it } from "vitest";
import python from "./index.js";
import { validatePythonPackage } from "./package-name.js";

describe("validatePythonPackage", () => {
  it.each([
    "numpy",
    "numpy==2.1.0",
    "requests[socks]",
    "requests[socks,security]==2.32.3",
    "Django~=5.0",
    "zope.interface",
    "typing_extensions",
    "pkg===1.0",
    "pkg==1.*",
    "pkg>=1,<2",
    "pkg!=1.5",
  ])("accepts %s", (name) => {
    expect(validatePythonPackage(name)).toBeUndefined();
  });

  it.each([
    ["--index-url=https://evil.example/simple", /PEP 508|URL/],
    ["-e", /PEP 508/],
    ["-r", /PEP 508/],
    ["https://example.com/pkg.whl", /URL/],
    ["git+https://github.com/x/y", /URL/],
    ["git+ssh", /VCS/],
    ["./local-dir", /paths/],
    ["/tmp/pkg", /paths/],
    ["~/pkg", /paths/],
    ["pkg@https://example.com/x.zip", /URL/],
    ["pkg@file", /direct references/],
    ["evil.whl", /archive/],
    ["evil.tar.gz", /archive/],
    ["_private", /PEP 508/],
    ["pkg-", /PEP 508/],
    ["pkg==", /PEP 508/],
    ["pkg[", /PEP 508/],
  ])("refuses %s", (name, reason) => {
    expect(validatePythonPackage(name)).toMatch(reason);
  });

  it("runs after core's generic check, which already refuses shell syntax", () => {
    const runtime = python();
    expect(() => validatePackageName(runtime, "numpy==2.1.0")).not.toThrow();
    expect(() => validatePackageName(runtime, "--index-url=x")).toThrow(/not a valid python package name/);
    expect(() => validatePackageName(runtime, "git+https://github.com/x/y")).toThrow(/URLs and VCS links/);
  });
});
