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

/** Creates, attaches to and starts a container; resolves once the agent inside has said hello. */
export async function startSandbox(docker: Docker, spec: Docker.ContainerCreateOptions): Promise<Sandbox> {
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
    await agent.ready();
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
