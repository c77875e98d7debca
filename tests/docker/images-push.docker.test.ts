import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { customImageTag } from "@isol8/docker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { removeSparesOfImages } from "./helpers/containers.js";
import {
  assertRegistryAnswers,
  dockerTagsUnder,
  freePort,
  registryDigest,
  registryTags,
  TEST_REGISTRY,
} from "./helpers/registry.js";

const SIX = customImageTag("isol8", "python", ["six"]);
const SIX_TAG = SIX.split(":")[1] ?? "";

function hasImage(tag: string): boolean {
  try {
    execFileSync("docker", ["image", "inspect", tag], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * `isol8 setup --push` against a real registry (tooling/ensure-registry.sh on 127.0.0.1:5000): the runtime and the
 * custom image land there, and bad registries fail with one line, before or without leaving a tag behind.
 */
describe("isol8 setup --push", () => {
  let project: string;
  let configured: string;
  let sixExisted = false;

  beforeAll(async () => {
    await assertRegistryAnswers();
    sixExisted = hasImage(SIX);
    project = mkdtempSync(join(tmpdir(), "isol8-push-"));
    configured = mkdtempSync(join(tmpdir(), "isol8-push-config-"));
    writeFileSync(
      join(configured, "isol8.config.json"),
      JSON.stringify({ kubernetes: { image: { registry: `${TEST_REGISTRY}/isol8-push-test` } } }),
    );
  });

  afterAll(() => {
    if (!sixExisted && hasImage(SIX)) {
      removeSparesOfImages([SIX]);
      execFileSync("docker", ["rmi", SIX], { stdio: "ignore" });
    }
    rmSync(project, { recursive: true, force: true });
    rmSync(configured, { recursive: true, force: true });
  });

  it("pushes the runtime and the custom image, one line each with the digest the registry stored", async () => {
    const result = await runCli(
      ["setup", "--runtime", "python", "--python", "six", "--push", TEST_REGISTRY],
      {
        cwd: project,
      },
    );
    expect(result.stderr).not.toMatch(/^isol8:/m);
    expect(result.code).toBe(0);
    const pushed = result.stdout.split("\n").filter((line) => line.startsWith("pushed "));
    expect(pushed.map((line) => line.split(" ")[1])).toEqual(
      ["base", "proxy", "python", SIX_TAG].map((tag) => `${TEST_REGISTRY}/isol8:${tag}`),
    );
    expect(await registryTags("isol8")).toEqual(expect.arrayContaining(["python", SIX_TAG, "proxy"]));
    for (const line of pushed) {
      const [, image = "", digest] = line.split(" ");
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(await registryDigest("isol8", image.split(":").pop() ?? "")).toBe(digest);
    }
    // The registry names were only for the push.
    expect(dockerTagsUnder(`${TEST_REGISTRY}/`)).toEqual([]);
  });

  it("a bare --push takes the config's kubernetes.image.registry, and --json says where each image went", async () => {
    const result = await runCli(["setup", "--runtime", "python", "--push", "--json"], { cwd: configured });
    expect(result.code).toBe(0);
    const reports = JSON.parse(result.stdout) as {
      tag: string;
      pushed?: { image: string; digest: string };
    }[];
    const python = reports.find((report) => report.tag === "isol8:python");
    expect(python?.pushed).toEqual({
      image: `${TEST_REGISTRY}/isol8-push-test/isol8:python`,
      digest: expect.stringMatching(/^sha256:/),
    });
    expect(await registryTags("isol8-push-test/isol8")).toEqual(expect.arrayContaining(["python", "base"]));
    expect(dockerTagsUnder(`${TEST_REGISTRY}/`)).toEqual([]);
  });

  it("refuses a name that is not a registry with exit code 2, before building or tagging anything", async () => {
    const result = await runCli(["setup", "--runtime", "python", "--push", "not a registry!"], {
      cwd: project,
    });
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe(
      'isol8: --push "not a registry!" is not a registry: expected host[:port][/path] with lowercase path components',
    );
    expect(result.stdout).toBe("");
    expect(dockerTagsUnder("not")).toEqual([]);
  });

  it("a registry that does not answer fails with exit code 125, one line naming it, and no tag left", async () => {
    const port = await freePort();
    const registry = `127.0.0.1:${port}`;
    const result = await runCli(["setup", "--runtime", "python", "--push", registry], { cwd: project });
    expect(result.code).toBe(125);
    const [message, hint] = result.stderr.split("\n").filter((line) => /^(isol8:| {2}\S)/.test(line));
    expect(message).toMatch(
      new RegExp(`^isol8: Pushing isol8:base to ${registry} failed: .*connect: connection refused$`),
    );
    expect(hint).toContain(`Nothing answers at ${registry}`);
    expect(result.stdout).not.toMatch(/^pushed /m);
    expect(dockerTagsUnder(`${registry}/`)).toEqual([]);
  });
});
