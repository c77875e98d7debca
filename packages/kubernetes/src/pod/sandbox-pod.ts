import { AgentConnection, Isol8Error } from "@isol8/core";
import type { V1Pod } from "@kubernetes/client-node";
import type { KubeClient } from "../kube-client.js";
import { podReadiness } from "./pod-readiness.js";
import { AGENT_PATH, SANDBOX_CONTAINER } from "./pod-spec.js";

/** A running sandbox pod with a connection to an agent exec'd into it. */
export interface PodSandbox {
  /** The pod's name (its id for the contract). */
  id: string;
  agent: AgentConnection;
  /** Outlives this connection (a session): a kill stops the user's processes, not the pod. */
  readonly keptAlive: boolean;
  /** Started before the execution asked for it (pool). */
  prestarted?: boolean;
  /** OOM kills already reported, so that a kept-alive sandbox reports only new ones. */
  oomKillsSeen: number;
  /** Stops the running program hard: the agent kills every process of the sandbox user; a single-use pod goes too. */
  kill(): Promise<void>;
  /** Ends a single-use sandbox: the agent quits and the pod is deleted. */
  release(): Promise<void>;
  /** Lets go of the connection; the pod lives on (sessions). */
  detach(): void;
}

export interface StartTimings {
  /** How long a pod may take to run before the start counts as failed. @default 120000 */
  startTimeoutMs?: number;
  /** How often the pod's status is read while it starts. @default 100 */
  pollMs?: number;
}

/**
 * Creates the pod, waits until its container runs, and connects to an agent in it. On any failure or abort on the
 * way, the pod is deleted before the error surfaces: nothing is left behind.
 */
export async function startPodSandbox(
  client: KubeClient,
  pod: V1Pod,
  options: StartTimings & { signal?: AbortSignal | undefined; keptAlive?: boolean } = {},
): Promise<PodSandbox> {
  const name = pod.metadata?.name ?? "";
  await client.createPod(pod);
  try {
    await untilRunning(client, name, pod.spec?.containers[0]?.image ?? "", options);
    return await connectPodSandbox(client, name, { keptAlive: options.keptAlive ?? false });
  } catch (error) {
    await client.deletePod(name).catch(() => undefined);
    throw error;
  }
}

/** Connects to an agent in a pod that runs already (a session's, a pooled one). */
export async function connectPodSandbox(
  client: KubeClient,
  name: string,
  options: { keptAlive: boolean },
): Promise<PodSandbox> {
  const agent = new AgentConnection(await client.exec(name, SANDBOX_CONTAINER, [AGENT_PATH]));
  try {
    await withTimeout(agent.ready(), 30_000, () => {
      const detail = agent.diagnosticText ? `: ${agent.diagnosticText}` : "";
      return new Isol8Error("SANDBOX_FAILED", `The agent in pod ${name} did not answer within 30 s${detail}`);
    });
  } catch (error) {
    agent.detach();
    throw error;
  }
  const remove = () => client.deletePod(name).then(() => undefined);
  const sandbox: PodSandbox = {
    id: name,
    agent,
    keptAlive: options.keptAlive,
    oomKillsSeen: 0,
    kill: async () => {
      if (agent.alive) agent.kill();
      // Should the agent itself be gone (the program can signal it: same uid), the pod's deletion still stops all.
      if (!options.keptAlive) await remove().catch(() => undefined);
    },
    release: async () => {
      if (agent.alive) agent.close();
      else agent.detach();
      await remove();
    },
    detach: () => agent.detach(),
  };
  return sandbox;
}

async function untilRunning(
  client: KubeClient,
  name: string,
  image: string,
  options: StartTimings & { signal?: AbortSignal | undefined },
): Promise<void> {
  const timeoutMs = options.startTimeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (options.signal?.aborted) throw new Isol8Error("CANCELLED", "The execution was cancelled");
    const readiness = podReadiness(await client.readPod(name), image);
    if (readiness.state === "running") return;
    if (readiness.state === "failed") throw readiness.error;
    if (Date.now() > deadline) {
      throw new Isol8Error(
        "SANDBOX_FAILED",
        `The sandbox pod did not start within ${timeoutMs / 1000} s (${readiness.why})`,
        {
          hint: "`kubectl describe pod` in the namespace shows why; is a node ready, with room for the sandbox's memory?",
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(error()), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
