import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./cli.js";

/**
 * Images under a repository of their own (`isol8test-<random>:base`, …) built from a private copy of docker/:
 * tests that rebuild or break images must never touch the `isol8:*` images other test files run on.
 */
export interface PrivateRepository {
  repository: string;
  /** A copy of the repository's docker/ folder, free to edit. */
  assetsDir: string;
  /** Removes every image of the repository (tagged or superseded) and the copied folder. */
  remove(): void;
}

export function createPrivateRepository(): PrivateRepository {
  const repository = `isol8test-${randomBytes(4).toString("hex")}`;
  const assetsDir = join(mkdtempSync(join(tmpdir(), `${repository}-`)), "docker");
  cpSync(join(repoRoot, "docker"), assetsDir, { recursive: true });
  return {
    repository,
    assetsDir,
    remove() {
      removeContainersOf(repository);
      const base = imageId(`${repository}:base`);
      const leftovers = base ? danglingDescendantsOf(base) : [];
      if (leftovers.length > 0) dockerQuiet(["rmi", ...leftovers]);
      // Tags first (children before parents, newest first), then whatever carries our repository label untagged.
      const tagged = docker(["images", "--format", "{{.Repository}}:{{.Tag}}", repository]);
      if (tagged.length > 0) dockerQuiet(["rmi", ...tagged]);
      const labelled = docker(["images", "-q", "--filter", `label=org.isol8.repository=${repository}`]);
      if (labelled.length > 0) dockerQuiet(["rmi", ...new Set(labelled)]);
      rmSync(join(assetsDir, ".."), { recursive: true, force: true });
    },
  };
}

/** Full id of the image a reference points at, or undefined when there is none. */
export function imageId(reference: string): string | undefined {
  try {
    return execFileSync("docker", ["image", "inspect", "--format", "{{.Id}}", reference], {
      stdio: ["ignore", "pipe", "ignore"],
    })
      .toString()
      .trim();
  } catch {
    return undefined;
  }
}

/**
 * Untagged top-level images descending from `ancestorId`: what a failed classic-builder build leaves behind.
 * Ancestry keeps the check to our own builds while other test files build on the same engine.
 */
export function danglingDescendantsOf(ancestorId: string): string[] {
  const dangling = docker(["images", "-q", "--no-trunc", "--filter", "dangling=true"]);
  return dangling.filter((id) => {
    for (let current = parentOf(id); current; current = parentOf(current)) {
      if (current === ancestorId) return true;
    }
    return false;
  });
}

function parentOf(id: string): string | undefined {
  try {
    const parent = execFileSync("docker", ["image", "inspect", "--format", "{{.Parent}}", id], {
      stdio: ["ignore", "pipe", "ignore"],
    })
      .toString()
      .trim();
    return parent === "" ? undefined : parent;
  } catch {
    return undefined;
  }
}

function removeContainersOf(repository: string): void {
  const ids = docker(["ps", "-aq", "--filter", `label=org.isol8.managed=true`]).filter((id) =>
    docker(["inspect", "--format", "{{.Config.Image}}", id]).some((image) =>
      image.startsWith(`${repository}:`),
    ),
  );
  if (ids.length > 0) dockerQuiet(["rm", "-f", ...ids]);
}

function docker(args: string[]): string[] {
  try {
    return execFileSync("docker", args, { stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
  } catch {
    return [];
  }
}

function dockerQuiet(args: string[]): void {
  try {
    execFileSync("docker", args, { stdio: "ignore" });
  } catch {
    // Already gone, or still used by an image of another repository: nothing of ours to free then.
  }
}
