import { type AgentConnection, Isol8Error } from "@isol8/core";
import type Docker from "dockerode";
import { isNotFound, watchRemoval } from "../client.js";
import { attachAgent } from "./attach-agent.js";

/** A started sandbox container with its agent connection. */
export interface Sandbox {
  id: string;
  agent: AgentConnection;
  /**
   * Stops the running program hard: SIGKILL of the whole container for a single-use sandbox (the guarantee behind
   * timeouts and output caps); for a kept-alive one (session, --persist), the agent kills every process of the
   * sandbox user and the container lives on.
   */
  kill(): Promise<void>;
  /** Puts the container on a network, at `address` when given, unless it is on it already. */
  joinNetwork(network: string, address?: string): Promise<void>;
  /** Takes the container off a network (the install network before the user's code runs). */
  leaveNetwork(network: string): Promise<void>;
  /** True when the kernel OOM-killed something in the container. */
  wasOomKilled(): Promise<boolean>;
  /** Outlives the host's connection (session, --persist): its processes are the user's to keep. */
  readonly keptAlive: boolean;
  /** Started before the execution asked for it (pool, spare): it may have died while it waited. */
  prestarted?: boolean;
  /** OOM kills already reported, so that a kept-alive sandbox reports only new ones. */
  oomKillsSeen: number;
  /** Ends a single-use sandbox: the agent quits, and the returned promise settles once the container is gone. */
  release(): Promise<void>;
  /** Lets go of the connection and leaves the container running (sessions, --persist). */
  detach(): void;
  /** Removes the container and everything in it. Safe to call twice. */
  remove(): Promise<void>;
}

/** How long a started container may take to say hello before the start counts as failed. */
const HELLO_TIMEOUT_MS = 30_000;
/** How long a released sandbox may take to remove itself before it is removed by force. */
const REMOVAL_GRACE_MS = 10_000;

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
      if (!isGone(error)) throw error;
    });
    return removed;
  };
  try {
    const agent = await attachAgent(docker, container);
    await container.start();
    await untilReady(agent, signal);
    return wrapSandbox(docker, container, agent, remove, spec);
  } catch (cause) {
    await remove().catch(() => undefined);
    if (cause instanceof Isol8Error) throw cause;
    throw new Isol8Error("SANDBOX_FAILED", `Cannot start the sandbox: ${(cause as Error).message}`, {
      cause,
    });
  }
}

/**
 * Attaches to a sandbox another process started (a session, a spare). A spare whose start has not happened yet
 * (`startIfCreated`) is started here; either way the agent must answer before the sandbox is handed out.
 */
export async function attachSandbox(
  docker: Docker,
  id: string,
  options: { startIfCreated?: boolean } = {},
): Promise<Sandbox> {
  const container = docker.getContainer(id);
  // Both at once: the claim of a spare is on the run's critical path.
  const [inspected, attached] = await Promise.allSettled([
    container.inspect(),
    attachAgent(docker, container),
  ]);
  if (attached.status === "rejected") throw attached.reason;
  const agent = attached.value;
  if (inspected.status === "rejected") {
    agent.close();
    throw inspected.reason;
  }
  const info = inspected.value;
  const created = info.State.Status === "created";
  try {
    if (!info.State.Running && !(created && options.startIfCreated)) {
      throw new Isol8Error("SANDBOX_FAILED", `The sandbox ${id} is ${info.State.Status}, not running`);
    }
    if (created) await container.start().catch(ignoreAlreadyStarted);
    await agent.sync();
  } catch (error) {
    agent.close();
    throw error;
  }
  const remove = () =>
    container.remove({ force: true, v: true }).catch((error: unknown) => {
      if (!isGone(error)) throw error;
    });
  const spec: Docker.ContainerCreateOptions = {
    OpenStdin: info.Config.OpenStdin,
    StdinOnce: info.Config.StdinOnce,
    HostConfig: {
      NetworkMode: Object.keys(info.NetworkSettings.Networks ?? {})[0] ?? "none",
      AutoRemove: info.HostConfig.AutoRemove,
    },
  };
  return wrapSandbox(docker, container, agent, remove, spec);
}

/** 304: another process started it meanwhile, which is just as good. */
function ignoreAlreadyStarted(error: unknown): void {
  if ((error as { statusCode?: number }).statusCode !== 304) throw error;
}

/** The container is gone or going: Docker's auto-removal may already be running. */
function isGone(error: unknown): boolean {
  return isNotFound(error) || String((error as Error).message).includes("already in progress");
}

function wrapSandbox(
  docker: Docker,
  container: Docker.Container,
  agent: AgentConnection,
  remove: () => Promise<void>,
  spec: Docker.ContainerCreateOptions,
): Sandbox {
  const keptAlive = spec.StdinOnce === false;
  const networks = new Set<string>();
  const mode = spec.HostConfig?.NetworkMode;
  if (mode && mode !== "none" && mode !== "host") networks.add(mode);
  return {
    id: container.id,
    agent,
    remove,
    keptAlive,
    oomKillsSeen: 0,
    kill: async () => {
      if (keptAlive) {
        if (agent.alive) agent.kill();
        return;
      }
      await container.kill({ signal: "SIGKILL" }).catch(() => {
        // Already stopped: nothing left to kill.
      });
    },
    joinNetwork: async (network, address) => {
      if (networks.has(network)) return;
      await docker.getNetwork(network).connect({
        Container: container.id,
        ...(address ? { EndpointConfig: { IPAMConfig: { IPv4Address: address } } } : {}),
      });
      networks.add(network);
    },
    leaveNetwork: async (network) => {
      if (!networks.has(network)) return;
      await docker.getNetwork(network).disconnect({ Container: container.id, Force: true });
      networks.delete(network);
    },
    release: () => {
      if (spec.HostConfig?.AutoRemove !== true) {
        agent.close();
        return remove();
      }
      // The agent quits and Docker removes the container itself; this settles once it is gone. Should it not
      // go (an agent that does not quit), it is removed by force. Docker 20.10 may never answer a wait for a
      // removal that was already under way: the request is abandoned then, or it would hold the process open.
      const abandon = new AbortController();
      const watch = watchRemoval(docker, container.id, abandon.signal);
      const gone = watch.removed.then(
        () => undefined,
        (error: unknown) => (abandon.signal.aborted || isNotFound(error) ? undefined : remove()),
      );
      // The agent quits once the engine watches (a round trip): a removal it saw starting is never missed.
      const quit = watch.registered.then(() => agent.close());
      return settleWithin(
        quit.then(() => gone),
        REMOVAL_GRACE_MS,
        remove,
      ).finally(() => abandon.abort());
    },
    detach: () => agent.detach(),
    wasOomKilled: async () => {
      try {
        return (await container.inspect()).State.OOMKilled === true;
      } catch {
        return false;
      }
    },
  };
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

/** `work`, unless it takes longer than `ms`: then `fallback` instead. */
async function settleWithin(work: Promise<void>, ms: number, fallback: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), ms);
    timer.unref();
  });
  try {
    if ((await Promise.race([work, late])) === "late") await fallback();
  } finally {
    clearTimeout(timer);
  }
}
