import { PassThrough } from "node:stream";
import type { AgentStreams } from "@isol8/core";
import {
  AppsV1Api,
  CoreV1Api,
  Exec,
  type KubeConfig,
  NetworkingV1Api,
  type V1Deployment,
  type V1NetworkPolicy,
  type V1Pod,
  type V1Service,
} from "@kubernetes/client-node";
import { type ApiTarget, explainApiError, statusOf } from "./api-errors.js";

/**
 * The few API calls the adapter makes, behind an interface so that unit tests run against a fake. Every failure
 * comes out as an Isol8Error (see explainApiError); "not found" on reads and deletes is an answer, not a failure.
 */
export interface KubeClient {
  readonly target: ApiTarget;
  createPod(pod: V1Pod): Promise<void>;
  readPod(name: string): Promise<V1Pod | undefined>;
  listPods(labelSelector: string): Promise<V1Pod[]>;
  /** False when it was already gone. */
  deletePod(name: string, gracePeriodSeconds?: number): Promise<boolean>;
  /** Sets one annotation of a pod that has annotations; false when the pod is gone. */
  annotatePod(name: string, key: string, value: string): Promise<boolean>;
  /** Runs `argv` in the pod's container with stdin, stdout and stderr on one exec stream. */
  exec(pod: string, container: string, argv: string[]): Promise<AgentStreams>;
  /** Creates it, or leaves the existing one of that name as it is. */
  ensureNetworkPolicy(policy: V1NetworkPolicy): Promise<void>;
  listNetworkPolicies(labelSelector: string): Promise<V1NetworkPolicy[]>;
  deleteNetworkPolicy(name: string): Promise<boolean>;
  ensureDeployment(deployment: V1Deployment): Promise<void>;
  listDeployments(labelSelector: string): Promise<V1Deployment[]>;
  deleteDeployment(name: string): Promise<boolean>;
  ensureService(service: V1Service): Promise<void>;
  listServices(labelSelector: string): Promise<V1Service[]>;
  deleteService(name: string): Promise<boolean>;
}

/** The real client, over @kubernetes/client-node's promise API. */
export function createKubeClient(config: KubeConfig, namespace: string): KubeClient {
  const core = config.makeApiClient(CoreV1Api);
  const networking = config.makeApiClient(NetworkingV1Api);
  const apps = config.makeApiClient(AppsV1Api);
  const exec = new Exec(config);
  const target: ApiTarget = { server: config.getCurrentCluster()?.server ?? "(no server)", namespace };
  const call = async <T>(doing: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw explainApiError(error, doing, target);
    }
  };
  /** Reads and deletes answer "not there" as undefined / false. */
  const absent = async <T>(doing: string, work: () => Promise<T>, none: T): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (statusOf(error) === 404) return none;
      throw explainApiError(error, doing, target);
    }
  };
  /** Creates that may meet an object another process created first: theirs is as good as ours. */
  const ensure = async (doing: string, work: () => Promise<unknown>): Promise<void> => {
    try {
      await work();
    } catch (error) {
      if (statusOf(error) !== 409) throw explainApiError(error, doing, target);
    }
  };
  return {
    target,
    createPod: (body) =>
      call("create a pod", () => core.createNamespacedPod({ namespace, body })).then(() => undefined),
    readPod: (name) => absent("read a pod", () => core.readNamespacedPod({ name, namespace }), undefined),
    listPods: (labelSelector) =>
      call("list pods", () => core.listNamespacedPod({ namespace, labelSelector })).then(
        (list) => list.items,
      ),
    deletePod: (name, gracePeriodSeconds = 0) =>
      absent(
        "delete a pod",
        () => core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds }).then(() => true),
        false,
      ),
    // A JSON patch (the client's default patch type): "add" replaces the value when the key is there already.
    annotatePod: (name, key, value) =>
      absent(
        "annotate a pod",
        () =>
          core
            .patchNamespacedPod({
              name,
              namespace,
              body: [
                {
                  op: "add",
                  path: `/metadata/annotations/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`,
                  value,
                },
              ],
            })
            .then(() => true),
        false,
      ),
    exec: (pod, container, argv) =>
      call("exec into a pod", () => openExec(exec, namespace, pod, container, argv)),
    // Read first: an operator may have created the policy and granted no right to create one.
    ensureNetworkPolicy: async (body) => {
      const name = body.metadata?.name ?? "";
      const found = await absent(
        "read a network policy",
        () => networking.readNamespacedNetworkPolicy({ name, namespace }).then(() => true),
        false,
      );
      if (!found) {
        await ensure("create a network policy", () =>
          networking.createNamespacedNetworkPolicy({ namespace, body }),
        );
      }
    },
    listNetworkPolicies: (labelSelector) =>
      call("list network policies", () =>
        networking.listNamespacedNetworkPolicy({ namespace, labelSelector }),
      ).then((list) => list.items),
    deleteNetworkPolicy: (name) =>
      absent(
        "delete a network policy",
        () => networking.deleteNamespacedNetworkPolicy({ name, namespace }).then(() => true),
        false,
      ),
    ensureDeployment: (body) =>
      ensure("create a deployment", () => apps.createNamespacedDeployment({ namespace, body })),
    listDeployments: (labelSelector) =>
      call("list deployments", () => apps.listNamespacedDeployment({ namespace, labelSelector })).then(
        (list) => list.items,
      ),
    deleteDeployment: (name) =>
      absent(
        "delete a deployment",
        () =>
          apps
            .deleteNamespacedDeployment({ name, namespace, propagationPolicy: "Background" })
            .then(() => true),
        false,
      ),
    ensureService: (body) =>
      ensure("create a service", () => core.createNamespacedService({ namespace, body })),
    listServices: (labelSelector) =>
      call("list services", () => core.listNamespacedService({ namespace, labelSelector })).then(
        (list) => list.items,
      ),
    deleteService: (name) =>
      absent(
        "delete a service",
        () => core.deleteNamespacedService({ name, namespace }).then(() => true),
        false,
      ),
  };
}

/**
 * Opens an exec and presents it as the agent's stdio. The client's promise resolves when the socket opens, not when
 * the command ends: the end is the status channel (3), after which the client ends stdout — so the end is reported
 * only once every byte of output was read, and an exit frame is never lost to the status arriving first.
 */
async function openExec(
  exec: Exec,
  namespace: string,
  pod: string,
  container: string,
  argv: string[],
): Promise<AgentStreams> {
  const input = new PassThrough();
  const output = new PassThrough();
  const diagnostics = new PassThrough();
  const listeners: Array<(error?: Error) => void> = [];
  let ended: { error?: Error } | undefined;
  const end = (error?: Error) => {
    if (ended) return;
    ended = error ? { error } : {};
    for (const listener of listeners.splice(0)) listener(error);
  };
  output.on("end", () => end());
  const socket = await exec.exec(namespace, pod, container, argv, output, diagnostics, input, false);
  // A socket that closes without a status (the pod was deleted, the connection broke) ends the output too.
  socket.on("close", () => output.end());
  socket.on("error", (error: Error) => {
    output.end();
    end(error);
  });
  return {
    input,
    output,
    diagnostics,
    close: () => {
      input.end();
      socket.close();
    },
    onEnd: (listener) => {
      if (ended) listener(ended.error);
      else listeners.push(listener);
    },
  };
}
