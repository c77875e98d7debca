import {
  assertInsideSandbox,
  assertSessionName,
  type DownloadedFile,
  type ExecuteOptions,
  type ExecutionResult,
  eventStream,
  Isol8Error,
  limitsSchema,
  readSandboxFiles,
  type SandboxFileInput,
  type Session,
  type SessionExecutionInput,
  type SessionInfo,
  type SessionOptions,
  serialQueue,
  validateSessionExecution,
  validateSessionFiles,
} from "@isol8/core";
import { isNotFound } from "../client.js";
import { LABELS } from "../labels.js";
import { containerSpec } from "../sandbox/container-spec.js";
import type { ExecutionContext } from "../sandbox/execute.js";
import { INSTALL_NETWORK, runOnSandbox } from "../sandbox/run-on-sandbox.js";
import { attachSandbox, type Sandbox, startSandbox } from "../sandbox/sandbox.js";

const SESSION_LABEL = "org.isol8.session";

export function createSessions(context: ExecutionContext) {
  const { docker } = context;

  /** The running session of that name, or a new one. */
  async function open(name: string, options: SessionOptions): Promise<Session> {
    assertSessionName(name);
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

    // One agent, one command at a time: a session's executions and file operations wait for each other.
    const serial = serialQueue();

    async function execute(
      input: SessionExecutionInput,
      executeOptions: ExecuteOptions = {},
    ): Promise<ExecutionResult> {
      const startedAt = performance.now();
      const { request, fileName, workdir } = validateSessionExecution(
        { name, runtime },
        input,
        context.runtimes,
        "container",
      );
      return serial.run(async () => {
        const missing = request.install.filter((pkg) => !installed.has(pkg));
        const result = await runOnSandbox(
          context,
          sandbox,
          {
            request,
            runtime,
            fileName,
            workdir,
            image,
            imageMatch: "session",
            imageEnv,
            missing,
            startedAt,
            sandboxMs: 0,
          },
          executeOptions,
        );
        for (const pkg of missing) installed.add(pkg);
        return result;
      });
    }

    const session: Session = {
      name,
      runtime: runtime.name,
      execute,
      executeStream: (input, streamOptions) =>
        eventStream((onEvent) => execute(input, { ...streamOptions, onEvent })),
      async writeFiles(files: SandboxFileInput[]) {
        const parsed = validateSessionFiles(files);
        await serial.run(() =>
          Promise.all(
            parsed.map((file) =>
              sandbox.agent.writeFile(file.path, file.content, file.executable ? 0o755 : 0o644),
            ),
          ),
        );
      },
      async readFiles(paths: string[]): Promise<DownloadedFile[]> {
        for (const path of paths) assertInsideSandbox(path);
        return serial.run(() => readSandboxFiles(sandbox.agent, paths));
      },
      detach: () => sandbox.detach(),
      stop: async () => {
        sandbox.agent.close();
        await sandbox.remove();
      },
    };
    return session;
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
