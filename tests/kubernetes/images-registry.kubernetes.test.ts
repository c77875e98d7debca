import { execFileSync } from "node:child_process";
import { customImageTag, inRegistry } from "@isol8/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestEngine as buildDockerEngine } from "../docker/helpers/engine.js";
import {
  assertRegistryAnswers,
  deleteFromRegistry,
  registryTags,
  TEST_REGISTRY,
} from "../docker/helpers/registry.js";
import { buildTestEngine } from "./helpers/engine.js";

/** The node's containerd (tooling/ensure-kubernetes.sh), which pulls from the registry over plain HTTP. */
const CONTAINERD = process.env.ISOL8_TEST_CONTAINERD || "/run/isol8-kubernetes/containerd/containerd.sock";
const IDNA = customImageTag("isol8", "python", ["idna"]);
const IN_REGISTRY = inRegistry(TEST_REGISTRY, IDNA);

function nodeImages(): string[] {
  return execFileSync("ctr", ["--address", CONTAINERD, "-n", "k8s.io", "images", "ls", "-q"])
    .toString()
    .split("\n");
}

function removeFromNode(image: string): void {
  if (nodeImages().includes(image)) {
    execFileSync("ctr", ["--address", CONTAINERD, "-n", "k8s.io", "images", "rm", image], {
      stdio: "ignore",
    });
  }
}

function hasDockerImage(tag: string): boolean {
  try {
    execFileSync("docker", ["image", "inspect", tag], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Images from a registry instead of loaded onto the node: a custom image built and pushed the way `isol8 setup
 * --push` does, never imported into the node, runs once the engine names the registry (`image.registry`) and lets
 * the kubelet pull (`IfNotPresent`).
 */
describe("the Kubernetes engine pulls its images from a registry", () => {
  const engine = buildTestEngine({ image: { registry: TEST_REGISTRY, pullPolicy: "IfNotPresent" } });
  let builtHere = false;

  beforeAll(async () => {
    await assertRegistryAnswers();
    const docker = buildDockerEngine();
    try {
      builtHere = !hasDockerImage(IDNA);
      await docker.build({ runtime: "python", packages: ["idna"], tag: IDNA });
      const [pushed] = await docker.push({ registry: TEST_REGISTRY, tags: [IDNA] });
      expect(pushed?.image).toBe(IN_REGISTRY);
    } finally {
      await docker.close();
    }
    // Only the registry has it now: not Docker (when this file built it), not the node.
    if (builtHere) execFileSync("docker", ["rmi", IDNA], { stdio: "ignore" });
    removeFromNode(IN_REGISTRY);
    expect(nodeImages()).not.toContain(IN_REGISTRY);
    expect(nodeImages()).not.toContain(`docker.io/library/${IDNA}`);
    expect(await registryTags("isol8")).toContain(IDNA.split(":")[1]);
  });

  afterAll(async () => {
    await engine.close();
    removeFromNode(IN_REGISTRY);
    await deleteFromRegistry("isol8", IDNA.split(":")[1] ?? "");
  });

  it("runs a sandbox whose image only the registry holds: the node pulls it", async () => {
    const result = await engine.execute({
      runtime: "python",
      code: "import idna; print(idna.encode('bücher.example').decode())",
      install: ["idna"],
      limits: { timeoutMs: 120_000 },
    });
    expect(result).toMatchObject({ exitCode: 0, stdout: "xn--bcher-kva.example\n", stderr: "" });
    expect(result.image).toBe(IN_REGISTRY);
    expect(nodeImages()).toContain(IN_REGISTRY);
  });

  it("an image the registry does not have fails with IMAGE_MISSING, pointing at setup --push", async () => {
    const failure = engine.execute({
      runtime: "python",
      code: "print(1)",
      install: ["isol8-never-pushed"],
      limits: { timeoutMs: 60_000 },
    });
    await expect(failure).rejects.toMatchObject({
      code: "IMAGE_MISSING",
      message: expect.stringContaining(
        inRegistry(TEST_REGISTRY, customImageTag("isol8", "python", ["isol8-never-pushed"])),
      ),
      hint: expect.stringContaining("isol8 setup --push"),
    });
  });
});
