import { execFileSync } from "node:child_process";
import { createServer } from "node:net";

/** The loopback registry of tooling/ensure-registry.sh, which tooling/test.sh starts before the suites. */
export const TEST_REGISTRY = process.env.ISOL8_REGISTRY_ADDRESS || "127.0.0.1:5000";

/** Fails (never skips) when the registry does not answer, with the command that starts it. */
export async function assertRegistryAnswers(): Promise<void> {
  const answer = await fetch(`http://${TEST_REGISTRY}/v2/`).catch((error: Error) => error);
  if (answer instanceof Error || !answer.ok) {
    throw new Error(
      `These tests need the registry on ${TEST_REGISTRY} (${answer instanceof Error ? answer.message : answer.status}): run \`bash tooling/ensure-registry.sh\` as root, then retry.`,
    );
  }
}

/** The tags the registry holds for a repository (`isol8`, `team/isol8`), from its HTTP API. */
export async function registryTags(repository: string): Promise<string[]> {
  const response = await fetch(`http://${TEST_REGISTRY}/v2/${repository}/tags/list`);
  if (response.status === 404) return [];
  const body = (await response.json()) as { tags?: string[] | null };
  return body.tags ?? [];
}

/** The digest of the manifest the registry serves for `repository:tag`. */
export async function registryDigest(repository: string, tag: string): Promise<string | null> {
  const response = await fetch(`http://${TEST_REGISTRY}/v2/${repository}/manifests/${tag}`, {
    method: "HEAD",
    headers: {
      accept: [
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
      ].join(", "),
    },
  });
  return response.headers.get("docker-content-digest");
}

/** Removes `repository:tag` from the registry (its blobs stay until the registry's garbage collection). */
export async function deleteFromRegistry(repository: string, tag: string): Promise<void> {
  const digest = await registryDigest(repository, tag);
  if (digest)
    await fetch(`http://${TEST_REGISTRY}/v2/${repository}/manifests/${digest}`, { method: "DELETE" });
}

/** Local Docker tags under a registry prefix: what a push must not leave behind. */
export function dockerTagsUnder(prefix: string): string[] {
  const out = execFileSync("docker", ["images", "--format", "{{.Repository}}:{{.Tag}}"]).toString();
  return out.split("\n").filter((line) => line.startsWith(prefix));
}

/** A loopback port nothing listens on (taken from the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
