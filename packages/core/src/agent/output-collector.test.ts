import { describe, expect, it } from "vitest";
import { OutputCollector } from "./output-collector.js";

describe("OutputCollector", () => {
  it("keeps stdout and stderr apart and reports text live", () => {
    const live: string[] = [];
    const collector = new OutputCollector({
      maxBytes: 1024,
      secrets: [],
      onText: (stream, text) => live.push(`${stream}:${text}`),
    });
    collector.push("stdout", Buffer.from("out\n"));
    collector.push("stderr", Buffer.from("err\n"));
    expect(collector.finish()).toEqual({ stdout: "out\n", stderr: "err\n" });
    expect(live).toEqual(["stdout:out\n", "stderr:err\n"]);
  });

  it("caps stdout plus stderr, flags truncation and calls onLimit once", () => {
    let limits = 0;
    const collector = new OutputCollector({ maxBytes: 10, secrets: [], onLimit: () => limits++ });
    collector.push("stdout", Buffer.from("123456"));
    collector.push("stderr", Buffer.from("abcdef"));
    collector.push("stdout", Buffer.from("more"));
    const { stdout, stderr } = collector.finish();
    expect(stdout + stderr).toHaveLength(10);
    expect(collector.truncated).toBe(true);
    expect(limits).toBe(1);
  });

  it("does not break a UTF-8 character split across chunks", () => {
    const collector = new OutputCollector({ maxBytes: 100, secrets: [] });
    const bytes = Buffer.from("héllo");
    collector.push("stdout", bytes.subarray(0, 2));
    collector.push("stdout", bytes.subarray(2));
    expect(collector.finish().stdout).toBe("héllo");
  });

  it("masks secrets in both streams", () => {
    const collector = new OutputCollector({ maxBytes: 100, secrets: ["tok123"] });
    collector.push("stdout", Buffer.from("a tok"));
    collector.push("stdout", Buffer.from("123 b"));
    collector.push("stderr", Buffer.from("tok123"));
    expect(collector.finish()).toEqual({ stdout: "a *** b", stderr: "***" });
  });

  it("does not leak the prefix of a secret that the cap cut off", () => {
    const collector = new OutputCollector({ maxBytes: 12, secrets: ["sup3r-s3cret"] });
    collector.push("stderr", Buffer.from("sup"));
    collector.push("stdout", Buffer.from("xxxxsup3r-s3cret\n"));
    expect(collector.finish()).toEqual({ stdout: "xxxx", stderr: "" });
    expect(collector.truncated).toBe(true);
  });

  it("releases a held-back prefix when the stream simply ends", () => {
    const collector = new OutputCollector({ maxBytes: 100, secrets: ["sup3r-s3cret"] });
    collector.push("stdout", Buffer.from("ends with sup"));
    expect(collector.finish().stdout).toBe("ends with sup");
  });
});
