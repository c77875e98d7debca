import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { imageId } from "./helpers/private-repository.js";

/*
 * DESTRUCTIVE: `cleanup --images --force` removes every isol8 image on the engine, those other test files run on
 * included. tests/docker/sequencer.ts runs files named zz-* after all others; never run this file while anything
 * else uses the engine. The next `vitest --project docker` rebuilds the images in its global setup.
 */

const PROBE = "isol8-cleanup-probe:keep";
// A user's image built FROM ours inherits every isol8 label; cleanup must still leave it alone.
const DERIVED = "isol8-cleanup-derived:keep";
const OS_IMAGE = "debian:bookworm-slim";

function docker(args: string[]): string[] {
  return execFileSync("docker", args, { stdio: ["ignore", "pipe", "pipe"] })
    .toString()
    .split("\n")
    .filter(Boolean);
}

/** Images isol8 built itself: our labels, and still (or no longer any) tag but the one the build gave. */
function managedImages(): string[] {
  return docker(["images", "-q", "--no-trunc", "--filter", "label=org.isol8.managed=true"]).filter((id) => {
    const [tags, ownTag] = docker([
      "image",
      "inspect",
      id,
      "--format",
      '{{json .RepoTags}}\n{{index .Config.Labels "org.isol8.tag"}}',
    ]);
    const list = JSON.parse(tags ?? "[]") as string[];
    return list.length === 0 || list.includes(ownTag ?? "");
  });
}
const containerExists = (name: string) => docker(["ps", "-aq", "--filter", `name=^${name}$`]).length > 0;

describe("isol8 cleanup", () => {
  // What a crashed isol8 leaves behind: a container with isol8's label, never removed.
  const orphan = `isol8-orphan-${randomBytes(4).toString("hex")}`;

  beforeAll(() => {
    docker(["tag", OS_IMAGE, PROBE]);
    execFileSync("docker", ["build", "-q", "-t", DERIVED, "-"], {
      input: 'FROM isol8:base\nLABEL org.example.app="mine"\n',
      stdio: ["pipe", "ignore", "pipe"],
      env: { ...process.env, DOCKER_BUILDKIT: "0" },
    });
    docker([
      "create",
      "--name",
      orphan,
      "--label",
      "org.isol8.managed=true",
      "--label",
      "org.isol8.kind=sandbox",
      "isol8:base",
    ]);
  });

  afterAll(() => {
    if (containerExists(orphan)) docker(["rm", "-f", orphan]);
    if (imageId(PROBE)) docker(["rmi", PROBE]);
    if (imageId(DERIVED)) docker(["rmi", DERIVED]);
  });

  it("removes nothing without --force when there is no terminal to ask, and says to pass --force", async () => {
    const imagesBefore = managedImages();
    expect(imagesBefore.length).toBeGreaterThan(0);

    const containersOnly = await runCli(["cleanup"]);
    expect(containersOnly.code).toBe(0);
    expect(containersOnly.stdout).toContain(orphan);
    expect(containersOnly.stdout).toContain("Nothing removed.");
    expect(containersOnly.stderr).toContain("pass --force");

    const withImages = await runCli(["cleanup", "--images"]);
    expect(withImages.code).toBe(0);
    expect(withImages.stdout).toContain("isol8:base");
    expect(withImages.stderr).toContain("pass --force");

    expect(containerExists(orphan)).toBe(true);
    expect(managedImages().sort()).toEqual(imagesBefore.sort());
  });

  it("removes every isol8 image and container with --images --force, and nothing else", async () => {
    const osImageId = imageId(OS_IMAGE);
    const result = await runCli(["cleanup", "--images", "--force"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Removed [1-9][0-9]* container\(s\) and [1-9][0-9]* image\(s\)\.$/m);
    expect(result.stdout).not.toContain("Kept (in use)");

    expect(containerExists(orphan)).toBe(false);
    expect(managedImages()).toEqual([]);
    expect(imageId(OS_IMAGE)).toBe(osImageId);
    expect(imageId(PROBE)).toBe(osImageId);
    expect(imageId(DERIVED)).toBeTruthy();

    const again = await runCli(["cleanup", "--images", "--force"]);
    expect(again.stdout).toBe("Nothing to clean up.\n");
  });
});
