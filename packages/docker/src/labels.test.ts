import { describe, expect, it } from "vitest";
import { isOwnImage } from "./labels.js";

const ours = { "org.isol8.managed": "true", "org.isol8.tag": "isol8:python" };

describe("isOwnImage", () => {
  it("recognises an image isol8 built, under the tag it built", () => {
    expect(isOwnImage(["isol8:python"], ours)).toBe(true);
    expect(isOwnImage(["isol8:python", "team/python:1"], ours)).toBe(true);
  });

  it("counts an untagged image with our labels as a superseded one of ours", () => {
    expect(isOwnImage([], ours)).toBe(true);
  });

  it("does not claim a user's image built FROM ours, which inherits every label", () => {
    expect(isOwnImage(["myapp:latest"], ours)).toBe(false);
  });

  it("does not claim images without our labels", () => {
    expect(isOwnImage(["debian:bookworm-slim"], undefined)).toBe(false);
    expect(isOwnImage([], {})).toBe(false);
  });
});
