import { describe, expect, it } from "vitest";
import { pushRegistry } from "./push-target.js";

describe("pushRegistry", () => {
  it("is off without --push", () => {
    expect(pushRegistry(undefined, "127.0.0.1:5000")).toBeUndefined();
  });

  it("takes the flag's registry over the config's", () => {
    expect(pushRegistry("registry.example.com/team/", "127.0.0.1:5000")).toBe("registry.example.com/team");
  });

  it("a bare --push uses kubernetes.image.registry, checked like the flag", () => {
    expect(pushRegistry("", "127.0.0.1:5000")).toBe("127.0.0.1:5000");
    expect(() => pushRegistry("", "not a registry")).toThrow(
      /kubernetes.image.registry in the config "not a registry" is not a registry/,
    );
  });

  it("a bare --push without a configured registry is bad input", () => {
    expect(() => pushRegistry("", undefined)).toThrow(
      expect.objectContaining({
        code: "INVALID_INPUT",
        message: "--push was given no registry and the config names none",
      }),
    );
  });
});
