import { describe, expect, it } from "vitest";
import { parseCpus, parseDuration, parsePositiveInt, parseSize } from "./limits.js";

describe("limit parsing", () => {
  it("parses sizes in binary units", () => {
    expect(parseSize("512m", "--memory")).toBe(512 * 1024 ** 2);
    expect(parseSize("1g", "--memory")).toBe(1024 ** 3);
    expect(parseSize("64MiB", "--memory")).toBe(64 * 1024 ** 2);
    expect(parseSize("1.5k", "--memory")).toBe(1536);
    expect(parseSize("4096", "--memory")).toBe(4096);
  });

  it("rejects a malformed size with a one-line message naming the flag and the value", () => {
    expect(() => parseSize("12parsecs", "--memory")).toThrow(
      '--memory "12parsecs" is not valid: expected a size such as "512m", "1g" or a byte count',
    );
    expect(() => parseSize("0", "--memory")).toThrow(/greater than zero/);
  });

  it("parses durations", () => {
    expect(parseDuration("30s", "--timeout")).toBe(30_000);
    expect(parseDuration("500ms", "--timeout")).toBe(500);
    expect(parseDuration("2m", "--timeout")).toBe(120_000);
    expect(parseDuration("250", "--timeout")).toBe(250);
    expect(() => parseDuration("soon", "--timeout")).toThrow(/--timeout "soon" is not valid/);
  });

  it("parses CPU counts and PID limits", () => {
    expect(parseCpus("0.5", "--cpu")).toBe(0.5);
    expect(() => parseCpus("lots", "--cpu")).toThrow(/--cpu "lots"/);
    expect(parsePositiveInt("64", "--pids-limit")).toBe(64);
    expect(() => parsePositiveInt("6.5", "--pids-limit")).toThrow(/--pids-limit/);
  });
});
