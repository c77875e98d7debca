import { describe, expect, it } from "vitest";
import { decodeContent, encodeContent } from "./files.js";

describe("decodeContent", () => {
  it("decodes utf8 and base64 (either alphabet)", () => {
    expect([...decodeContent("a", "é", "utf8")]).toEqual([0xc3, 0xa9]);
    expect([...decodeContent("a", "/+8=", "base64")]).toEqual([0xff, 0xef]);
    expect([...decodeContent("a", "_-8", "base64")]).toEqual([0xff, 0xef]);
    expect([...decodeContent("a", "", "base64")]).toEqual([]);
  });

  it("refuses what Node's decoder would silently mangle", () => {
    for (const bad of ["abc!", "a", "ab cd", "YQ==YQ=="]) {
      expect(() => decodeContent("f", bad, "base64"), bad).toThrow(
        expect.objectContaining({ code: "INVALID_INPUT" }),
      );
    }
  });
});

describe("encodeContent", () => {
  const binary = new Uint8Array([0xff, 0x00]);

  it("answers text as utf8 and anything else as base64 unless asked", () => {
    expect(encodeContent("t", new TextEncoder().encode("hé"), undefined)).toEqual({
      content: "hé",
      encoding: "utf8",
    });
    expect(encodeContent("b", binary, undefined)).toEqual({ content: "/wA=", encoding: "base64" });
    expect(encodeContent("t", new TextEncoder().encode("hi"), "base64")).toEqual({
      content: "aGk=",
      encoding: "base64",
    });
    expect(() => encodeContent("b", binary, "utf8")).toThrow(
      expect.objectContaining({ code: "INVALID_INPUT" }),
    );
  });
});
