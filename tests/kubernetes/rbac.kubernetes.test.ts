import { readFileSync } from "node:fs";
import { createRuntimeRegistry } from "@isol8/core";
import { createKubernetesEngine } from "@isol8/kubernetes";
import python from "@isol8/runtime-python";
import {
  CoreV1Api,
  loadAllYaml,
  RbacAuthorizationV1Api,
  type V1Role,
  type V1RoleBinding,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKubeClient } from "../../packages/kubernetes/src/kube-client.js";
import { loadKubeConfig } from "../../packages/kubernetes/src/kube-config.js";
import { serviceAccountConfig } from "./helpers/accounts.js";
import { TEST_KUBECONFIG } from "./helpers/engine.js";

/**
 * The Role that docs/kubernetes.md tells operators to bind, taken from the page itself and applied to a namespace of
 * its own: an account with exactly that Role runs everything isol8 does there. The same account before the binding
 * is refused, so the test cannot pass on a cluster that authorises everyone.
 */
const NAMESPACE = "isol8-rbac-test";
const admin = loadKubeConfig({ kubeconfig: TEST_KUBECONFIG });
const core = admin.makeApiClient(CoreV1Api);
const rbac = admin.makeApiClient(RbacAuthorizationV1Api);

function documentedRbac(): { role: V1Role; binding: V1RoleBinding } {
  const page = readFileSync(new URL("../../docs/kubernetes.md", import.meta.url), "utf8");
  const block = page
    .split("This Role, bound to the account isol8 uses:")[1]
    ?.match(/```yaml\n([\s\S]*?)```/)?.[1];
  if (!block) throw new Error("docs/kubernetes.md has no Role block where this test expects it");
  const objects = loadAllYaml(block) as { kind?: string }[];
  const role = objects.find((object) => object.kind === "Role") as V1Role | undefined;
  const binding = objects.find((object) => object.kind === "RoleBinding") as V1RoleBinding | undefined;
  if (!role?.metadata || !binding?.metadata)
    throw new Error("the documented block lacks its Role or RoleBinding");
  role.metadata.namespace = NAMESPACE;
  binding.metadata.namespace = NAMESPACE;
  for (const subject of binding.subjects ?? []) subject.namespace = NAMESPACE;
  return { role, binding };
}

const ignoreConflict = (error: { code?: number }) => {
  if (error.code !== 409) throw error;
};

describe("the RBAC Role of docs/kubernetes.md", () => {
  const { role, binding } = documentedRbac();
  const account = binding.subjects?.[0]?.name ?? "isol8";

  beforeAll(async () => {
    await core.createNamespace({ body: { metadata: { name: NAMESPACE } } }).catch(ignoreConflict);
    for (const name of ["default", account]) {
      await core
        .createNamespacedServiceAccount({ namespace: NAMESPACE, body: { metadata: { name } } })
        .catch(ignoreConflict);
    }
  });
  afterAll(async () => {
    // The namespace goes with everything in it; its deletion finishes in the background.
    await core.deleteNamespace({ name: NAMESPACE }).catch(() => undefined);
  });

  it("is what lets the account run sandboxes, sessions, filtered networks and cleanup", async () => {
    const runtimes = createRuntimeRegistry([python()]);
    const engineAs = async () =>
      createKubernetesEngine({
        runtimes,
        client: createKubeClient(await serviceAccountConfig(account, NAMESPACE), NAMESPACE),
        image: { pullPolicy: "Never" },
      });

    const unbound = await engineAs();
    await expect(unbound.execute({ runtime: "python", code: "print(1)" })).rejects.toMatchObject({
      message: expect.stringContaining(`Kubernetes refused to`),
    });
    await unbound.close();

    await rbac.createNamespacedRole({ namespace: NAMESPACE, body: role }).catch(ignoreConflict);
    await rbac.createNamespacedRoleBinding({ namespace: NAMESPACE, body: binding }).catch(ignoreConflict);
    // RBAC changes reach the authoriser through its informers: the first grant may take a moment.
    const engine = await engineAs();
    try {
      let result: Awaited<ReturnType<typeof engine.execute>> | undefined;
      for (let attempt = 0; attempt < 20 && !result; attempt++) {
        result = await engine
          .execute({ runtime: "python", code: "print('as the account')" })
          .catch(async () => {
            await new Promise((resolve) => setTimeout(resolve, 250));
            return undefined;
          });
      }
      expect(result?.stdout).toBe("as the account\n");

      const filtered = await engine.execute({
        runtime: "python",
        code: "import os\nprint(os.environ['HTTPS_PROXY'].startswith('http://'))",
        network: { mode: "filtered", allow: ["pypi.org"] },
      });
      expect(filtered.stdout).toBe("True\n");

      // A session patches its pod's idle deadline after each operation.
      const session = await engine.session("rbac", { runtime: "python" });
      const before = (
        await core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: "org.isol8.kind=session" })
      ).items[0]?.metadata?.annotations?.["org.isol8.session.expires-at"];
      await new Promise((resolve) => setTimeout(resolve, 20));
      await session.execute({ code: "print(2)" });
      const after = (
        await core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: "org.isol8.kind=session" })
      ).items[0]?.metadata?.annotations?.["org.isol8.session.expires-at"];
      expect(Number(after)).toBeGreaterThan(Number(before));
      session.detach();

      const leftovers = await engine.findLeftovers();
      expect(leftovers.pods.length).toBeGreaterThan(0);
      const removed = await engine.cleanup(leftovers);
      expect(removed.pods).toBeGreaterThan(0);
      expect(removed.networkPolicies).toBeGreaterThan(0);
    } finally {
      await engine.close();
    }
  });
});
