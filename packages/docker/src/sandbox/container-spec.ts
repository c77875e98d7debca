import type { Limits } from "@isol8/core";
import type Docker from "dockerode";
import { LABELS } from "../labels.js";

/** uid:gid of the `sandbox` user of isol8:base. Forced even for images that say otherwise. */
export const SANDBOX_USER = "1000:1000";
export const SANDBOX_DIR = "/sandbox";

export interface ContainerSpecInput {
  image: string;
  runtime: string;
  limits: Limits;
  /** The seccomp profile's JSON text. */
  seccompProfile: string;
  /** "none" gives loopback only; "host" the host's network; else the (internal) network to create it on. */
  networkMode: string;
  /** DNS servers and resolver options; Docker's defaults when absent. */
  dns?: { servers: string[]; options: string[] } | undefined;
  /** The container outlives the host's connection (sessions, --persist); else it ends when the host goes away. */
  keepAlive?: boolean;
  /** A kept-alive sandbox ends itself (and is removed) after this long without a request. */
  idleTimeoutMs?: number;
  /** Container name (sessions are found by theirs). */
  name?: string;
  /** Extra labels (session id, pool key, …). */
  labels?: Record<string, string>;
}

/**
 * The hardened container every execution runs in: non-root, read-only root, tmpfs /sandbox (exec) and /tmp
 * (noexec), no capabilities, no-new-privileges, seccomp, memory without swap, CPU and PID limits.
 */
export function containerSpec(input: ContainerSpecInput): Docker.ContainerCreateOptions {
  const { limits } = input;
  return {
    Image: input.image,
    User: SANDBOX_USER,
    WorkingDir: SANDBOX_DIR,
    // The agent reads its requests from stdin; no TTY so stdout and stderr stay separate.
    OpenStdin: true,
    // Docker closes the agent's stdin when the host's attach ends, so a host that dies (SIGKILL, crash) makes the
    // agent quit and kill everything: the timeout is enforced by the host, which can no longer enforce it.
    StdinOnce: !input.keepAlive,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    ...(input.name ? { name: input.name } : {}),
    // Read by the agent only: commands get exactly the environment each request sends.
    ...(input.idleTimeoutMs ? { Env: [`ISOL8_IDLE_TIMEOUT_MS=${input.idleTimeoutMs}`] } : {}),
    Labels: {
      [LABELS.managed]: "true",
      [LABELS.kind]: "sandbox",
      [LABELS.runtime]: input.runtime,
      ...input.labels,
    },
    StopTimeout: 1,
    HostConfig: {
      NetworkMode: input.networkMode,
      ...(input.dns ? { Dns: input.dns.servers, DnsOptions: input.dns.options } : {}),
      // Single-use sandboxes and sessions remove themselves once their agent quits, so no one waits for a removal
      // (and a host that died leaves nothing); only --persist keeps its container until `isol8 cleanup`.
      AutoRemove: !input.keepAlive || input.idleTimeoutMs !== undefined,
      ReadonlyRootfs: true,
      Tmpfs: {
        [SANDBOX_DIR]: `rw,exec,nosuid,nodev,size=${limits.sandboxBytes},uid=1000,gid=1000,mode=0700`,
        "/tmp": `rw,noexec,nosuid,nodev,size=${limits.tmpBytes},mode=1777`,
      },
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges:true", `seccomp=${input.seccompProfile}`],
      Memory: limits.memoryBytes,
      // Equal to Memory: no swap, so a memory bomb meets the OOM killer instead of thrashing.
      MemorySwap: limits.memoryBytes,
      NanoCpus: Math.round(limits.cpus * 1e9),
      PidsLimit: limits.pids,
      IpcMode: "private",
      Ulimits: [
        { Name: "core", Soft: 0, Hard: 0 },
        { Name: "nofile", Soft: 4096, Hard: 4096 },
      ],
      Init: false,
      Privileged: false,
    },
  };
}
