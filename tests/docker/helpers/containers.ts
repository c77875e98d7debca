import { execFileSync } from "node:child_process";

/**
 * Ids of isol8's sandboxes and sessions (running or not). Egress proxies are left out: they are shared by every run
 * with the same policy and stay up until `isol8 cleanup` (network-*.docker.test.ts checks them); so are containers
 * that merely inherited isol8's labels from an isol8 image.
 */
export function isol8Containers(): string[] {
  const output = execFileSync("docker", [
    "ps",
    "-a",
    "--filter",
    "label=org.isol8.managed=true",
    "--format",
    '{{.ID}} {{.Label "org.isol8.kind"}}',
  ]).toString();
  return output
    .split("\n")
    .filter((line) => line.endsWith(" sandbox") || line.endsWith(" session"))
    .map((line) => line.split(" ")[0] ?? "");
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
