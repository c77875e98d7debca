import { describe, expect, it } from "vitest";
import { validateNpmPackage } from "./npm-package-name.js";

describe("validateNpmPackage", () => {
  it.each([
    "lodash",
    "lodash@4",
    "lodash@4.17.21",
    "@scope/pkg",
    "@scope/pkg@^1",
    "zod@~3.23",
    "react@next",
    "JSONStream",
    "left-pad@1.x",
    "pkg@5.0.0-beta.1",
  ])("accepts %s", (name) => {
    expect(validateNpmPackage(name)).toBeUndefined();
  });

  it.each([
    ["--registry=https://evil.example", /URLs/],
    ["-g", /expected an npm name/],
    ["npm:chalk@5", /alias/],
    ["alias@npm:chalk", /alias/],
    ["github:user/repo", /URLs, git/],
    ["git+https://github.com/user/repo.git", /URLs, git/],
    ["https://example.com/pkg.tgz", /URLs/],
    ["user/repo", /GitHub repository/],
    ["./local", /paths/],
    ["../up", /paths/],
    ["/abs/path", /paths/],
    ["~/pkg", /paths/],
    ["pkg.tgz", /tarball/],
    ["pkg@1.tar.gz", /tarball/],
    ["_private", /expected an npm name/],
    ["@scope", /expected an npm name/],
    ["pkg@", /expected an npm name/],
  ])("refuses %s", (name, reason) => {
    expect(validateNpmPackage(name)).toMatch(reason);
  });
});
