import { execFileSync } from "node:child_process";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import type { DockerEngine, ImageReport } from "@isol8/docker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestEngine } from "./helpers/engine.js";
import { createPrivateRepository, imageId, type PrivateRepository } from "./helpers/private-repository.js";

/** Untagged images labelled as isol8's build stage: none should outlive a successful setup. */
function buildStages(): string[] {
  const out = execFileSync(
    "docker",
    ["images", "--filter", "label=org.isol8.kind=build-stage", "--filter", "dangling=true", "-q"],
    { encoding: "utf8" },
  );
  return out.split("\n").filter(Boolean);
}

const statuses = (reports: ImageReport[]) => reports.map((report) => [report.tag, report.status]);

describe("isol8 setup after a change in docker/", () => {
  let repo: PrivateRepository;
  let engine: DockerEngine;

  beforeAll(() => {
    repo = createPrivateRepository();
    engine = buildTestEngine({ repository: repo.repository, assetsDir: repo.assetsDir });
  });

  afterAll(async () => {
    await engine?.close();
    repo?.remove();
  });

  it("rebuilds base and runtime, removes the superseded images, and the new image runs code", async () => {
    const first = await engine.setup({ runtimes: ["bash"] });
    expect(statuses(first)).toEqual([
      [`${repo.repository}:base`, "built"],
      [`${repo.repository}:proxy`, "built"],
      [`${repo.repository}:bash`, "built"],
    ]);
    const before = first.map((report) => report.id);

    const unchanged = await engine.setup({ runtimes: ["bash"] });
    expect(unchanged.map((report) => report.status)).toEqual(["up-to-date", "up-to-date", "up-to-date"]);

    appendFileSync(join(repo.assetsDir, "Dockerfile"), "# a comment changes the build hash, not the image\n");
    const second = await engine.setup({ runtimes: ["bash"] });
    expect(statuses(second)).toEqual([
      [`${repo.repository}:base`, "rebuilt"],
      [`${repo.repository}:proxy`, "rebuilt"],
      [`${repo.repository}:bash`, "rebuilt"],
    ]);
    expect(second.map((report) => report.supersededId)).toEqual(before);
    for (const report of second) expect(imageId(report.tag)).toBe(report.id);
    for (const id of before) {
      expect(second.map((report) => report.id)).not.toContain(id);
      expect(imageId(id), `superseded image ${id} still exists`).toBeUndefined();
    }
    process.stderr.write(
      `[images-rebuild] first build ${first.map((r) => `${r.tag} ${r.seconds.toFixed(1)} s`).join(", ")}; ` +
        `rebuild ${second.map((r) => `${r.tag} ${r.seconds.toFixed(1)} s`).join(", ")}\n`,
    );

    // The agent's compile stage (labelled build-stage, ~440 MB) is removed once each base build succeeded.
    expect(buildStages(), "build stages left behind").toEqual([]);

    const result = await engine.execute({ runtime: "bash", code: "echo ok" });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("ok\n");
    expect(result.exitCode).toBe(0);
  });
});
