import { Isol8Error } from "@isol8/core";
import type Docker from "dockerode";
import { isNotFound } from "../client.js";
import { AgentConnection } from "./agent-connection.js";

/** A started sandbox container with its agent connection. */
export interface Sandbox {
  id: string;
  agent: AgentConnection;
  /** SIGKILLs the whole container: the guarantee behind timeouts and output caps. */
  kill(): Promise<void>;
  /** Takes the container off a network (the install network before the user's code runs). */
  disconnect(network: string): Promise<void>;
  /** True when the kernel OOM-killed something in the container. */
  wasOomKilled(): Promise<boolean>;
  /** Removes the container and everything in it. Safe to call twice. */
  remove(): Promise<void>;
}

/** How long a started container may take to say hello before the start counts as failed. */
const HELLO_TIMEOUT_MS = 30_000;

/**
 * Creates, attaches to and starts a container; resolves once the agent inside has said hello. On any failure or
 * abort on the way, the container is removed before the error surfaces: nothing is left behind.
 */
export async function startSandbox(
  docker: Docker,
  spec: Docker.ContainerCreateOptions,
  signal?: AbortSignal,
): Promise<Sandbox> {
  let container: Docker.Container;
  try {
    container = await docker.createContainer(spec);
  } catch (cause) {
    throw new Isol8Error("SANDBOX_FAILED", `Cannot create the sandbox: ${(cause as Error).message}`, {
      cause,
    });
  }
  let removed: Promise<void> | undefined;
  const remove = () => {
    removed ??= container.remove({ force: true, v: true }).catch((error: unknown) => {
      if (!isNotFound(error) && !String((error as Error).message).includes("already in progress"))
        throw error;
    });
    return removed;
  };
  try {
    const agent = await AgentConnection.attach(docker, container);
    await container.start();
    await untilReady(agent, signal);
    return {
      id: container.id,
      agent,
      remove,
      kill: () =>
        container.kill({ signal: "SIGKILL" }).catch(() => {
          // Already stopped: nothing left to kill.
        }),
      disconnect: (network) =>
        docker.getNetwork(network).disconnect({ Container: container.id, Force: true }),
      wasOomKilled: async () => {
        try {
          return (await container.inspect()).State.OOMKilled === true;
        } catch {
          return false;
        }
      },
    };
  } catch (cause) {
    await remove().catch(() => undefined);
    if (cause instanceof Isol8Error) throw cause;
    throw new Isol8Error("SANDBOX_FAILED", `Cannot start the sandbox: ${(cause as Error).message}`, {
      cause,
    });
  }
}

async function untilReady(agent: AgentConnection, signal: AbortSignal | undefined): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const detail = agent.diagnosticText ? `: ${agent.diagnosticText}` : "";
      reject(
        new Isol8Error(
          "SANDBOX_FAILED",
          `The sandbox did not start within ${HELLO_TIMEOUT_MS / 1000} s${detail}`,
        ),
      );
    }, HELLO_TIMEOUT_MS);
    onAbort = () => reject(new Isol8Error("CANCELLED", "The execution was cancelled"));
    if (signal?.aborted) onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  try {
    await Promise.race([agent.ready(), stop]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  }
}
