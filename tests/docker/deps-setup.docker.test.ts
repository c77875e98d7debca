import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { customImageTag } from "@isol8/docker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { removeSparesOfImages } from "./helpers/containers.js";
import { type EngineSpy, spyOnEngine } from "./helpers/engine-spy.js";

const NUMPY_PANDAS = customImageTag("isol8", "python", ["numpy", "pandas"]);
const WITH_SIX = customImageTag("isol8", "python", ["numpy", "pandas", "six"]);

function imageId(tag: string): string | undefined {
  try {
    return execFileSync("docker", ["image", "inspect", "--format", "{{.Id}}", tag], {
      stdio: ["ignore", "pipe", "ignore"],
    })
      .toString()
      .trim();
  } catch {
    return undefined;
  }
}

function imageLabels(tag: string): Record<string, string> {
  const json = execFileSync("docker", ["image", "inspect", "--format", "{{json .Config.Labels}}", tag]);
  return JSON.parse(json.toString());
}

interface Report {
  tag: string;
  kind: string;
  status: string;
  id: string;
}

/**
 * Baked dependencies: `isol8 setup` builds `isol8:python-custom-<hash12>` from the config and from flags, runs then
 * pick it and install nothing, and a changed package set replaces it. Only the custom images this file created are
 * removed afterwards (other suites share the engine).
 */
describe("isol8 setup: custom images that runs pick up", () => {
  let configured: string;
  let bare: string;
  let spy: EngineSpy;
  const existedBefore = new Set<string>();

  beforeAll(async () => {
    for (const tag of [NUMPY_PANDAS, WITH_SIX]) if (imageId(tag)) existedBefore.add(tag);
    configured = mkdtempSync(join(tmpdir(), "isol8-deps-config-"));
    writeFileSync(
      join(configured, "isol8.config.json"),
      JSON.stringify({ dependencies: { python: ["numpy", "pandas"] } }),
    );
    bare = mkdtempSync(join(tmpdir(), "isol8-deps-bare-"));
    spy = await spyOnEngine();
  });

  afterAll(async () => {
    await spy?.close();
    for (const tag of [NUMPY_PANDAS, WITH_SIX]) {
      if (existedBefore.has(tag) || !imageId(tag)) continue;
      removeSparesOfImages([tag]);
      execFileSync("docker", ["rmi", tag], { stdio: "ignore" });
    }
    rmSync(configured, { recursive: true, force: true });
    rmSync(bare, { recursive: true, force: true });
  });

  it("builds the config's dependencies into isol8:python-custom-<hash12>, labelled", async () => {
    const result = await runCli(["setup", "--runtime", "python", "--json"], { cwd: configured });
    expect(result.code).toBe(0);
    const reports: Report[] = JSON.parse(result.stdout);
    const custom = reports.find((report) => report.kind === "custom");
    expect(custom).toMatchObject({ tag: NUMPY_PANDAS });
    expect(NUMPY_PANDAS).toMatch(/^isol8:python-custom-[0-9a-f]{12}$/);
    expect(imageLabels(NUMPY_PANDAS)).toMatchObject({
      "org.isol8.managed": "true",
      "org.isol8.kind": "custom",
      "org.isol8.runtime": "python",
      "org.isol8.dependencies": '["numpy","pandas"]',
      "org.isol8.deps.hash": expect.stringMatching(new RegExp(`^${NUMPY_PANDAS.slice(-12)}[0-9a-f]{52}$`)),
      "org.isol8.build.hash": expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it("runs in that directory use the custom image and install nothing, without any flag", async () => {
    const code = "import numpy, pandas; print('ok', pandas.DataFrame({'a': [1, 2]}).a.sum())";
    const result = await runCli(["run", "-e", code, "--runtime", "python", "--json"], { cwd: configured });
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout);
    expect(parsed).toMatchObject({ stdout: "ok 3\n", image: NUMPY_PANDAS, installed: [] });
    expect(parsed.durations.installMs).toBe(0);
  });

  it("a run that adds a package starts from the custom image and installs only that package", async () => {
    const code = "import numpy, pandas, six; print('ok')";
    const result = await runCli(["run", "-e", code, "-r", "python", "--install", "six", "--json"], {
      cwd: configured,
    });
    expect(JSON.parse(result.stdout)).toMatchObject({
      stdout: "ok\n",
      image: NUMPY_PANDAS,
      installed: ["six"],
    });
  });

  it("without a config, --install of baked packages picks the custom image too (smallest superset)", async () => {
    const result = await runCli(
      ["run", "-e", "import numpy; print('ok')", "-r", "python", "--install", "numpy", "--json"],
      { cwd: bare },
    );
    expect(JSON.parse(result.stdout)).toMatchObject({ stdout: "ok\n", image: NUMPY_PANDAS, installed: [] });
    const plain = await runCli(["run", "-e", "print('plain')", "-r", "python", "--json"], { cwd: bare });
    expect(JSON.parse(plain.stdout)).toMatchObject({ image: "isol8:python", installed: [] });
  });

  it("setup by flag in another order names the same image, up to date", async () => {
    const result = await runCli(["setup", "--python", "pandas,numpy", "--json"], { cwd: bare });
    expect(result.code).toBe(0);
    const reports: Report[] = JSON.parse(result.stdout);
    expect(reports.filter((report) => report.kind === "custom")).toEqual([
      expect.objectContaining({ tag: NUMPY_PANDAS, status: "up-to-date" }),
    ]);
  });

  it("a failed build of a new package set leaves the current custom image in place", async () => {
    const before = imageId(NUMPY_PANDAS);
    const result = await runCli(["setup", "--python", "numpy,pandas,isol8-surely-missing-pkg-zzz"], {
      cwd: bare,
    });
    expect(result.code).toBe(125);
    expect(result.stderr).toMatch(/^isol8: .*isol8:python-custom-[0-9a-f]{12}/m);
    expect(result.stderr).toContain("No matching distribution found for isol8-surely-missing-pkg-zzz");
    expect(imageId(NUMPY_PANDAS)).toBe(before);
  });

  it("a changed package set builds a new image, then removes the one it replaces", async () => {
    const oldId = imageId(NUMPY_PANDAS);
    expect(oldId).toBeDefined();
    spy.reset();
    const result = await runCli(["setup", "--python", "numpy,pandas,six", "--json"], {
      cwd: bare,
      env: spy.env,
    });
    expect(result.code).toBe(0);
    const reports: Report[] = JSON.parse(result.stdout);
    expect(reports.filter((report) => report.kind === "custom")).toEqual([
      expect.objectContaining({ tag: WITH_SIX, status: "built" }),
    ]);
    expect(imageId(WITH_SIX)).toBeDefined();
    expect(imageId(NUMPY_PANDAS)).toBeUndefined();
    // Order on the wire: the new image's build finished before the old image was deleted.
    const build = spy.requests.findIndex((r) => r.startsWith("POST ") && r.includes(`t=${WITH_SIX}`));
    const removal = spy.requests.findIndex((r) => r.startsWith("DELETE ") && r.includes(`/images/${oldId}`));
    expect(build).toBeGreaterThanOrEqual(0);
    expect(removal).toBeGreaterThan(build);
    const inspectNew = spy.requests.findIndex((r, i) => i > build && r.includes(`/images/${WITH_SIX}/json`));
    expect(inspectNew).toBeGreaterThan(build);
    expect(removal).toBeGreaterThan(inspectNew);
  });
});
