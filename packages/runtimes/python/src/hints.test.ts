import { describe, expect, it } from "vitest";
import { pythonMissingModule, pythonPackageName } from "./hints.js";

describe("pythonMissingModule", () => {
  it("names the top-level module of a failed import", () => {
    expect(pythonMissingModule("ModuleNotFoundError: No module named 'lodash'")).toBe("lodash");
    expect(pythonMissingModule("ModuleNotFoundError: No module named 'numpy.linalg'")).toBe("numpy");
    expect(pythonMissingModule("NameError: name 'x' is not defined")).toBeUndefined();
  });
});

describe("pythonPackageName", () => {
  it.each([
    ["numpy", "numpy"],
    ["numpy==2.1.0", "numpy"],
    ["requests[socks]>=2", "requests"],
    ["typing_extensions", "typing-extensions"],
    ["Typing.Extensions~=4.0", "typing-extensions"],
  ])("%s → %s", (spec, name) => {
    expect(pythonPackageName(spec)).toBe(name);
  });
});
