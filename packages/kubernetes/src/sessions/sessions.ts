import {
  assertInsideSandbox,
  assertSessionName,
  type DownloadedFile,
  type ExecuteOptions,
  type ExecutionResult,
  eventStream,
  Isol8Error,
  type RuntimeRegistry,
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
import type { V1Pod } from "@kubernetes/client-node";
import type { KubeClient } from "../kube-client.js";
import { LABELS, managedSelector } from "../labels.js";
import { runInPod } from "../pod/run-in-pod.js";
import { connectPodSandbox, type PodSandbox, startPodSandbox } from "../pod/sandbox-pod.js";
import { assertSupported } from "../unsupported.js";
import {
  SESSION_EXPIRES_ANNOTATION,
  SESSION_NAME_ANNOTATION,
  sessionExpired,
  sessionIdleMs,
  sessionKey,
  sessionState,
} from "./session-pods.js";

/** How long a file operation may hold a session before an idle sweep elsewhere may count it idle. */
const FILE_OPERATION_HOLD_MS = 300_000;

export interface SessionsContext {
  client: KubeClient;
  runtimes: RuntimeRegistry;
  /** The session's pod (hardened like every sandbox), named and labelled as the session's. */
  sessionPod: (input: { name: string; runtime: string; options: SessionOptions }) => V1Pod;
  /** The runtime image, for results. */
  imageOf: (runtime: string) => string;
  /** Network policy prerequisites of a sandbox pod (the deny-all policy) before it exists. */
  beforePod: () => Promise<void>;
  /** Proves the pod's policy is enforced before anything of the user's runs in it (isolation-check.ts). */
  verifyIsolation: (sandbox: PodSandbox) => Promise<void>;
}

/**
 * Sessions: one pod kept per session, found again by its label. Each pod carries the time its idle timeout runs out
 * (an annotation, moved on by every operation): the process that opened it deletes it then, and any isol8 that opens
 * or lists sessions later deletes those whose time has passed — a CLI run ends long before its session does. The
 * pod's activeDeadlineSeconds is the last backstop.
 */
export function createSessions(context: SessionsContext) {
  const { client } = context;
  const idleTimers = new Map<string, NodeJS.Timeout>();

  /** Every session pod, once those idle past their time are deleted. */
  async function liveSessionPods(): Promise<V1Pod[]> {
    const now = Date.now();
    const pods = await client.listPods(managedSelector("session"));
    const expired = pods.filter((pod) => sessionExpired(pod, now));
    await Promise.all(expired.map((pod) => client.deletePod(pod.metadata?.name ?? "")));
    return pods.filter((pod) => !expired.includes(pod));
  }

  const find = async (name: string): Promise<V1Pod | undefined> =>
    (await liveSessionPods()).find((pod) => pod.metadata?.labels?.[LABELS.session] === sessionKey(name));

  /** Moves the session's idle deadline: none of its pods' readers may remove it before `expiresAt`. */
  const expireAt = (pod: string, expiresAt: number) =>
    client.annotatePod(pod, SESSION_EXPIRES_ANNOTATION, String(expiresAt)).then(
      () => undefined,
      () => undefined,
    );

  function armIdle(name: string, pod: string, idleTimeoutMs: number): void {
    clearTimeout(idleTimers.get(name));
    const timer = setTimeout(() => {
      idleTimers.delete(name);
      void client.deletePod(pod).catch(() => undefined);
    }, idleTimeoutMs);
    timer.unref();
    idleTimers.set(name, timer);
  }

  async function open(name: string, options: SessionOptions): Promise<Session> {
    assertSessionName(name);
    const runtime = context.runtimes.get(options.runtime);
    const existing = await find(name);
    const existingRuntime = existing?.metadata?.labels?.[LABELS.runtime];
    if (existing && existingRuntime !== runtime.name) {
      throw new Isol8Error(
        "INVALID_INPUT",
        `Session "${name}" runs ${existingRuntime}, not ${runtime.name}`,
        {
          hint: `Use another session name, or stop this one with \`isol8 sessions stop ${name}\`.`,
        },
      );
    }
    let sandbox: PodSandbox;
    if (existing && sessionState(existing) === "running") {
      sandbox = await connectPodSandbox(client, existing.metadata?.name ?? "", { keptAlive: true });
    } else {
      if (existing) await client.deletePod(existing.metadata?.name ?? "");
      await context.beforePod();
      sandbox = await startPodSandbox(client, context.sessionPod({ name, runtime: runtime.name, options }), {
        keptAlive: true,
      });
    }
    try {
      await context.verifyIsolation(sandbox);
    } catch (error) {
      sandbox.detach();
      await client.deletePod(sandbox.id);
      throw error;
    }
    const idleTimeoutMs = sessionIdleMs(options);
    armIdle(name, sandbox.id, idleTimeoutMs);
    if (existing) await expireAt(sandbox.id, Date.now() + idleTimeoutMs);
    const image = context.imageOf(runtime.name);
    // One agent, one command at a time: a session's executions and file operations wait for each other. While one
    // runs, the deadline covers its longest possible run; after it, the idle time starts again.
    const serial = serialQueue();
    const busy = <T>(holdMs: number, work: () => Promise<T>) =>
      serial.run(async () => {
        clearTimeout(idleTimers.get(name));
        const held = expireAt(sandbox.id, Date.now() + holdMs + idleTimeoutMs);
        try {
          return await work();
        } finally {
          await held;
          await expireAt(sandbox.id, Date.now() + idleTimeoutMs);
          armIdle(name, sandbox.id, idleTimeoutMs);
        }
      });

    async function execute(
      input: SessionExecutionInput,
      executeOptions: ExecuteOptions = {},
    ): Promise<ExecutionResult> {
      const startedAt = performance.now();
      const { request, fileName, workdir } = validateSessionExecution(
        { name, runtime },
        input,
        context.runtimes,
        "pod",
      );
      assertSupported(request, false);
      if (request.install.length > 0) {
        throw new Isol8Error("INVALID_INPUT", "A Kubernetes session cannot install packages at run time", {
          hint: "Bake them into the runtime image the session uses (`isol8 setup`), and load it into the cluster.",
        });
      }
      return busy(request.limits.timeoutMs, () =>
        runInPod(
          sandbox,
          {
            request,
            runtime,
            fileName,
            workdir,
            image,
            imageMatch: "session",
            networkEnv: [],
            startedAt,
            sandboxMs: 0,
          },
          executeOptions,
        ),
      );
    }

    return {
      name,
      runtime: runtime.name,
      execute,
      executeStream: (input, streamOptions) =>
        eventStream((onEvent) => execute(input, { ...streamOptions, onEvent })),
      writeFiles: async (files: SandboxFileInput[]) => {
        const parsed = validateSessionFiles(files);
        await busy(FILE_OPERATION_HOLD_MS, async () => {
          for (const file of parsed)
            await sandbox.agent.writeFile(file.path, file.content, file.executable ? 0o755 : 0o644);
        });
      },
      readFiles: async (paths: string[]): Promise<DownloadedFile[]> => {
        for (const path of paths) assertInsideSandbox(path);
        return busy(FILE_OPERATION_HOLD_MS, () => readSandboxFiles(sandbox.agent, paths));
      },
      detach: () => sandbox.detach(),
      stop: async () => {
        clearTimeout(idleTimers.get(name));
        idleTimers.delete(name);
        sandbox.detach();
        await client.deletePod(sandbox.id);
      },
    };
  }

  async function list(): Promise<SessionInfo[]> {
    return (await liveSessionPods()).map((pod) => ({
      name: pod.metadata?.annotations?.[SESSION_NAME_ANNOTATION] ?? pod.metadata?.name ?? "",
      id: pod.metadata?.name ?? "",
      runtime: pod.metadata?.labels?.[LABELS.runtime] ?? "",
      state: sessionState(pod),
      createdAt: pod.metadata?.creationTimestamp ? new Date(pod.metadata.creationTimestamp) : new Date(0),
    }));
  }

  async function stop(name: string): Promise<boolean> {
    assertSessionName(name);
    const pod = await find(name);
    clearTimeout(idleTimers.get(name));
    idleTimers.delete(name);
    return pod ? client.deletePod(pod.metadata?.name ?? "") : false;
  }

  return {
    open,
    list,
    stop,
    close: () => {
      for (const timer of idleTimers.values()) clearTimeout(timer);
      idleTimers.clear();
    },
  };
}
