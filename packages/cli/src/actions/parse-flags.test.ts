import { describe, expect, it } from "vitest";
import { parseAssignments, splitList, splitPackageList } from "./parse-flags.js";

describe("flag lists", () => {
  it("splits repeated and comma-separated values", () => {
    expect(splitList(["a,b", " c ", ""])).toEqual(["a", "b", "c"]);
    expect(splitList(undefined)).toEqual([]);
  });

  it("keeps commas inside version specifiers of packages", () => {
    expect(splitPackageList(["requests>=2,<3,numpy", "lodash@4"])).toEqual([
      "requests>=2,<3",
      "numpy",
      "lodash@4",
    ]);
    expect(splitPackageList("pkg>=1,!=1.5,@scope/x")).toEqual(["pkg>=1,!=1.5", "@scope/x"]);
    expect(splitPackageList("npm:chalk,jsr:@std/path")).toEqual(["npm:chalk", "jsr:@std/path"]);
  });

  it("parses K=V assignments and rejects malformed ones", () => {
    expect(parseAssignments(["A=1", "B=x=y", "C="], "--env")).toEqual({ A: "1", B: "x=y", C: "" });
    expect(() => parseAssignments(["=1"], "--env")).toThrow('--env "=1" is not valid: expected NAME=VALUE');
    expect(() => parseAssignments(["1A=x"], "--env")).toThrow(/--env "1A=x"/);
  });
});
