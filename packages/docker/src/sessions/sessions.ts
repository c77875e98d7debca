import {
  type ExecuteOptions,
  type ExecutionRequestInput,
  type ExecutionResult,
  Isol8Error,
  type LimitsInput,
  limitsSchema,
} from "@isol8/core";
import { isNotFound } from "../client.js";
import { LABELS } from "../labels.js";
import { containerSpec } from "../sandbox/container-spec.js";
import type { ExecutionContext } from "../sandbox/execute.js";
import { INSTALL_NETWORK, runOnSandbox } from "../sandbox/run-on-sandbox.js";
import { attachSandbox, type Sandbox, startSandbox } from "../sandbox/sandbox.js";
import { validateRequest } from "../sandbox/validate-request.js";

const SESSION_LABEL = "org.isol8.session";
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export interface SessionOptions {
  /** Runtime of the session's image; every execution in the session uses it. */
  runtime: string;
  /** Limits of the container (memory, CPU, PIDs, disk); per-run limits (timeout, output) come with each request. */
  limits?: LimitsInput;
  /** The session ends itself after this long without an execution. @default 900000 (15 min) */
  idleTimeoutMs?: number;
}

export interface SessionInfo {
  name: string;
  id: string;
  runtime: string;
  state: string;
  createdAt: Date;
}

/**
 * One container kept across executions, so files and installed packages persist: for stateful work such as a
 * notebook or an agent's scratch space. Each execution still runs as the sandbox user under the same hardening.
 */
export interface Session {
  readonly name: string;
  readonly runtime: string;
  /** Runs in the session's container; `runtime` may be left out (it must be the session's if given). */
  execute(
    request: Omit<ExecutionRequestInput, "runtime"> & { runtime?: string },
    options?: ExecuteOptions,
  ): Promise<ExecutionResult>;
  /** Lets go of the connection; the session lives on (until it idles out) for a later `session(name)`. */
  detach(): void;
  /** Ends the session and removes its container. */
  stop(): Promise<void>;
}

export function createSessions(context: ExecutionContext) {
  const { docker } = context;

  /** The running session of that name, or a new one. */
  async function open(name: string, options: SessionOptions): Promise<Session> {
    if (!NAME.test(name)) {
      throw new Isol8Error("INVALID_INPUT", `Session name "${name}" is not valid`, {
        hint: "Use letters, digits, '.', '_' and '-' (up to 63 characters).",
      });
    }
    const runtime = context.runtimes.get(options.runtime);
    const existing = await find(name);
    if (existing && existing.runtime !== runtime.name) {
      throw new Isol8Error(
        "INVALID_INPUT",
        `Session "${name}" runs ${existing.runtime}, not ${runtime.name}`,
        {
          hint: `Use another session name, or stop this one with \`isol8 sessions stop ${name}\`.`,
        },
      );
    }
    const image = await context.images.runtimeImage(runtime);
    let sandbox: Sandbox;
    if (existing?.state === "running") {
      sandbox = await attachSandbox(docker, existing.id);
    } else {
      if (existing) await docker.getContainer(existing.id).remove({ force: true }).catch(ignoreMissing);
      // Created on the install network, which it leaves at once: installs can join it again later, whereas a
      // container created without a network could never join one.
      sandbox = await startSandbox(
        docker,
        containerSpec({
          image,
          runtime: runtime.name,
          limits: limitsSchema.parse(options.limits ?? {}),
          seccompProfile: await context.seccompProfile(),
          networkMode: INSTALL_NETWORK,
          keepAlive: true,
          idleTimeoutMs: options.idleTimeoutMs ?? 900_000,
          name: containerName(name),
          labels: { [SESSION_LABEL]: name, [LABELS.kind]: "session" },
        }),
      );
      await sandbox.leaveNetwork(INSTALL_NETWORK);
    }
    const imageEnv = await context.images.environment(image);
    const installed = new Set<string>();

    return {
      name,
      runtime: runtime.name,
      async execute(input, executeOptions = {}) {
        const startedAt = performance.now();
        if (input.runtime !== undefined && input.runtime !== runtime.name) {
          throw new Isol8Error(
            "INVALID_INPUT",
            `Session "${name}" runs ${runtime.name}, not ${input.runtime}`,
          );
        }
        if (input.image !== undefined || input.persist) {
          throw new Isol8Error(
            "INVALID_INPUT",
            "A session runs in its own container: --image and --persist do not apply",
          );
        }
        const { request, fileName, workdir } = validateRequest(
          { ...input, runtime: runtime.name },
          context.runtimes,
        );
        const missing = request.install.filter((pkg) => !installed.has(pkg));
        const result = await runOnSandbox(
          context,
          sandbox,
          { request, runtime, fileName, workdir, image, imageEnv, missing, startedAt, sandboxMs: 0 },
          executeOptions,
        );
        for (const pkg of missing) installed.add(pkg);
        return result;
      },
      detach: () => sandbox.detach(),
      stop: async () => {
        sandbox.agent.close();
        await sandbox.remove();
      },
    };
  }

  async function list(): Promise<SessionInfo[]> {
    const containers = await docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: [`${LABELS.managed}=true`, SESSION_LABEL] }),
    });
    return containers.map((container) => ({
      name: container.Labels[SESSION_LABEL] ?? "",
      id: container.Id,
      runtime: container.Labels[LABELS.runtime] ?? "",
      state: container.State,
      createdAt: new Date(container.Created * 1000),
    }));
  }

  async function find(name: string): Promise<SessionInfo | undefined> {
    return (await list()).find((session) => session.name === name);
  }

  /** Ends a session by name; false when there was none. */
  async function stop(name: string): Promise<boolean> {
    const session = await find(name);
    if (!session) return false;
    await docker.getContainer(session.id).remove({ force: true }).catch(ignoreMissing);
    return true;
  }

  return { open, list, stop };
}

function containerName(session: string): string {
  return `isol8-session-${session}`;
}

function ignoreMissing(error: unknown): void {
  if (!isNotFound(error)) throw error;
}

export type Sessions = ReturnType<typeof createSessions>;
