import type { ImageReport } from "@isol8/docker";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { buildTestEngine } from "./helpers/engine.js";

const IMAGES = [
  "isol8:base",
  "isol8:proxy",
  "isol8:python",
  "isol8:node",
  "isol8:bun",
  "isol8:deno",
  "isol8:bash",
];

const KINDS: Record<string, string> = { "isol8:base": "base", "isol8:proxy": "proxy" };

describe("isol8 setup on the real repository", () => {
  it("reports base and every runtime, and a second run finds them all up to date", async () => {
    const engine = buildTestEngine();
    try {
      const first = await engine.setup();
      expect(first.map((report) => report.tag)).toEqual(IMAGES);
      for (const report of first) expect(["up-to-date", "built", "rebuilt"]).toContain(report.status);

      const started = performance.now();
      const second = await engine.setup();
      const seconds = (performance.now() - started) / 1000;
      expect(second.map((report: ImageReport) => [report.tag, report.status])).toEqual(
        IMAGES.map((tag) => [tag, "up-to-date"]),
      );
      expect(second.map((report) => report.id)).toEqual(first.map((report) => report.id));
      process.stderr.write(
        `[images-setup] up-to-date setup of ${IMAGES.length} images: ${seconds.toFixed(2)} s\n`,
      );
    } finally {
      await engine.close();
    }
  });

  it("prints each image as up-to-date through the CLI, and --json parses", async () => {
    const text = await runCli(["setup"]);
    expect(text.code).toBe(0);
    const lines = text.stdout.trim().split("\n");
    expect(lines).toHaveLength(IMAGES.length);
    IMAGES.forEach((tag, index) => {
      expect(lines[index]).toMatch(new RegExp(`^${tag.replace(".", "\\.")}\\s+up-to-date\\s+[0-9.]+ s$`));
    });

    const json = await runCli(["setup", "--json"]);
    expect(json.code).toBe(0);
    const reports = JSON.parse(json.stdout) as ImageReport[];
    expect(reports.map((report) => [report.tag, report.kind, report.status])).toEqual(
      IMAGES.map((tag) => [tag, KINDS[tag] ?? "runtime", "up-to-date"]),
    );
    for (const report of reports) expect(report.id).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
