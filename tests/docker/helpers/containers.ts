import { execFileSync } from "node:child_process";

/**
 * Ids of isol8's sandboxes and sessions (running or not). Egress proxies are left out: they are shared by every run
 * with the same policy and stay up until `isol8 cleanup` (network-*.docker.test.ts checks them); so are the CLI's
 * unclaimed spares (kept on purpose for the next run, spare.docker.test.ts checks them) and containers that merely
 * inherited isol8's labels from an isol8 image. A spare that was claimed has lost its spare name and counts.
 */
export function isol8Containers(): string[] {
  const output = execFileSync("docker", [
    "ps",
    "-a",
    "--filter",
    "label=org.isol8.managed=true",
    "--format",
    '{{.ID}} {{.Names}} {{.Label "org.isol8.kind"}}',
  ]).toString();
  return output
    .split("\n")
    .map((line) => line.split(" "))
    .filter(
      ([, name, kind]) => !name?.startsWith("isol8-spare-") && (kind === "sandbox" || kind === "session"),
    )
    .map(([id]) => id ?? "");
}

/** Names of the CLI's unclaimed spare sandboxes. */
export function spareNames(): string[] {
  return execFileSync("docker", ["ps", "-a", "--filter", "name=^isol8-spare-", "--format", "{{.Names}}"])
    .toString()
    .split("\n")
    .filter(Boolean);
}

/** Polls until no isol8 container remains (removal runs off the critical path) or the deadline passes. */
export async function waitForNoContainers(timeoutMs = 20_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let left = isol8Containers();
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    left = isol8Containers();
  }
  return left;
}

/**
 * Removes the CLI's unclaimed spares of these images, which hold them: a test that removes an image it made must
 * remove those first (as `isol8 setup` does for the images it replaces).
 */
export function removeSparesOfImages(images: readonly string[]): void {
  for (const image of images) {
    const ids = execFileSync("docker", [
      "ps",
      "-aq",
      "--filter",
      `ancestor=${image}`,
      "--filter",
      "name=^isol8-spare-",
    ])
      .toString()
      .split("\n")
      .filter(Boolean);
    if (ids.length > 0) execFileSync("docker", ["rm", "-f", ...ids], { stdio: "ignore" });
  }
}

/**
 * Removes images a test made, with the spare sandboxes that hold them. A spare that a CLI run was still leaving, or
 * a sandbox still removing itself, can hold an image for a moment after the run returned: retried for a while.
 */
export async function removeImagesEventually(tags: readonly string[], timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let left = [...tags];
  while (left.length > 0) {
    removeSparesOfImages(left);
    left = left.filter((tag) => {
      try {
        execFileSync("docker", ["rmi", tag], { stdio: "ignore" });
        return false;
      } catch {
        try {
          execFileSync("docker", ["image", "inspect", tag], { stdio: "ignore" });
          return true;
        } catch {
          return false;
        }
      }
    });
    if (left.length === 0) return;
    if (Date.now() > deadline) throw new Error(`could not remove ${left.join(", ")}: still in use`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
