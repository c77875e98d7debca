import { describe, expect, it } from "vitest";
import { Isol8Error, isIsol8Error } from "./errors.js";

describe("Isol8Error", () => {
  it("is recognised across copies of core (the CLI bundle's, the server's), by its brand", () => {
    // What an Isol8Error made by another copy of this module looks like to this one.
    const foreign = Object.assign(new Error("no"), {
      [Symbol.for("isol8.Isol8Error")]: true,
      code: "RUNTIME_UNKNOWN",
    });
    expect(foreign instanceof Isol8Error).toBe(true);
    expect(isIsol8Error(foreign)).toBe(true);
    expect(new Isol8Error("INTERNAL", "x")).toBeInstanceOf(Isol8Error);
    expect(new Error("plain") instanceof Isol8Error).toBe(false);
    expect(isIsol8Error({ code: "INTERNAL" })).toBe(false);
  });
});
