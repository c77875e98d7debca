import { describe, expect, it } from "vitest";
import { matchMissingModule, npmPackageName, plainPackageName } from "./package-hints.js";

describe("matchMissingModule", () => {
  const patterns = [/No module named '([^'.]+)/, /Cannot find module '([^']+)'/];

  it("returns the first pattern's group that matches", () => {
    expect(matchMissingModule("ModuleNotFoundError: No module named 'numpy.linalg'", patterns)).toBe("numpy");
    expect(matchMissingModule("Error: Cannot find module 'lodash'", patterns)).toBe("lodash");
  });

  it("skips paths, which are the program's own files", () => {
    expect(matchMissingModule("Error: Cannot find module './util'", patterns)).toBeUndefined();
    expect(matchMissingModule("Error: Cannot find module '/sandbox/x.js'", patterns)).toBeUndefined();
    expect(matchMissingModule("all good", patterns)).toBeUndefined();
  });
});

describe("npmPackageName", () => {
  it.each([
    ["lodash@4", "lodash"],
    ["lodash/fp", "lodash"],
    ["@scope/pkg@^1", "@scope/pkg"],
    ["@scope/pkg/sub", "@scope/pkg"],
    ["npm:is-odd@3", "is-odd"],
    ["npm:@scope/pkg@1/sub", "@scope/pkg"],
    ["jsr:@std/path@1", "@std/path"],
    ["JSONStream", "jsonstream"],
  ])("%s → %s", (spec, name) => {
    expect(npmPackageName(spec)).toBe(name);
  });
});

describe("plainPackageName", () => {
  it.each([
    ["jq", "jq"],
    ["jq=1.6-2.1", "jq"],
    ["Curl", "curl"],
  ])("%s → %s", (spec, name) => {
    expect(plainPackageName(spec)).toBe(name);
  });
});
