import { describe, expect, it } from "vitest";
import { inRegistry, parseImageRegistry } from "./image-registry.js";

const parse = (value: string) => parseImageRegistry(value, "--push");

describe("parseImageRegistry", () => {
  it.each([
    ["127.0.0.1:5000", "127.0.0.1:5000"],
    ["localhost:5000/team", "localhost:5000/team"],
    ["localhost", "localhost"],
    ["registry.example.com/team/sub", "registry.example.com/team/sub"],
    ["Registry.Example.com/team/", "Registry.Example.com/team"],
    ["docker.io/myteam", "docker.io/myteam"],
    ["[::1]:5000", "[::1]:5000"],
    ["ghcr.io/my-org/isol8_images", "ghcr.io/my-org/isol8_images"],
  ])("accepts %s", (value, expected) => {
    expect(parse(value)).toBe(expected);
  });

  it.each([
    ["not a registry!", /--push "not a registry!" is not a registry: expected host\[:port\]\[\/path\]/],
    ["http://127.0.0.1:5000", /it has a URL scheme/],
    ["myteam", /"myteam" is not a registry host \(no dot, no port\)/],
    ["registry.example.com/Team", /lowercase path components/],
    ["registry.example.com:99999", /port 99999 is out of range/],
    ["-bad.example.com", /expected host/],
    ["", /expected host/],
  ])("refuses %j with INVALID_INPUT and one line", (value, message) => {
    let thrown: unknown;
    try {
      parse(value);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: "INVALID_INPUT", message: expect.stringMatching(message) });
    expect((thrown as Error).message).not.toContain("\n");
    expect((thrown as { hint?: string }).hint).toBeTruthy();
  });

  it("refuses a name too long for Docker once isol8's tags are added", () => {
    expect(() => parse(`registry.example.com/${"a".repeat(230)}`)).toThrow(/expected host/);
  });
});

describe("inRegistry", () => {
  it("puts the registry in front of a tag, or leaves the tag alone", () => {
    expect(inRegistry("127.0.0.1:5000/", "isol8:python")).toBe("127.0.0.1:5000/isol8:python");
    expect(inRegistry(undefined, "isol8:python")).toBe("isol8:python");
  });
});
