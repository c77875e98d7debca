import { describe, expect, it } from "vitest";
import { canonicalJson, dependencyHash, normalizePackageList, stableHash } from "./hash.js";

describe("stable hashing", () => {
  it("does not depend on key order, at any depth", () => {
    const a = { b: 1, a: { y: [1, 2], x: "s" } };
    const b = { a: { x: "s", y: [1, 2] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(stableHash(a)).toBe(stableHash(b));
  });

  it("keeps array order significant (arrays are ordered data)", () => {
    expect(stableHash([1, 2])).not.toBe(stableHash([2, 1]));
  });

  it("gives the same dependency hash for the same packages in any order, with duplicates or padding", () => {
    const expected = dependencyHash("python", ["numpy", "pandas"]);
    expect(dependencyHash("python", ["pandas", "numpy"])).toBe(expected);
    expect(dependencyHash("python", [" numpy", "pandas", "numpy", ""])).toBe(expected);
    expect(dependencyHash("node", ["numpy", "pandas"])).not.toBe(expected);
    expect(dependencyHash("python", ["numpy", "pandas", "scipy"])).not.toBe(expected);
  });

  it("normalises package lists: trimmed, deduplicated, sorted", () => {
    expect(normalizePackageList(["b", " a ", "b", ""])).toEqual(["a", "b"]);
  });
});
