import {
  type CommandExit,
  commandEnvironment,
  type ExecuteOptions,
  type ExecutionEvent,
  type ExecutionRequest,
  type ExecutionResult,
  type ImageMatch,
  Isol8Error,
  OutputCollector,
  type RuntimeDefinition,
  readSandboxFiles,
  runQuietly,
  runSetup,
  signalName,
} from "@isol8/core";
import { SANDBOX_DIR } from "./pod-spec.js";
import type { PodSandbox } from "./sandbox-pod.js";

/** Linux caps one argument at 128 KiB; larger inline code runs from its file instead. */
const MAX_INLINE_BYTES = 64 * 1024;

/** A validated request with its image chosen, ready to run in a pod. */
export interface PreparedPodRun {
  request: ExecutionRequest;
  runtime: RuntimeDefinition;
  fileName: string;
  workdir: string;
  image: string;
  imageMatch: ImageMatch;
  /** Variables of the network policy (the egress proxy's), under the runtime's and the user's. */
  networkEnv: string[];
  startedAt: number;
  sandboxMs: number;
}

/**
 * Kubernetes has no per-pod PID limit in the pod spec (only the kubelet's node-wide podPidsLimit): the program runs
 * under RLIMIT_NPROC instead, which counts the sandbox uid's processes and threads. See docs/kubernetes.md.
 */
export function underPidLimit(argv: string[], pids: number): string[] {
  return ["prlimit", `--nproc=${pids}`, "--", ...argv];
}

/**
 * The phases of one execution on a running pod (fresh, pooled or a session's): files in, setup, the program under
 * the timeout and the output cap, files out, an honest result. The agent does the framing, exit codes and signals
 * exactly as in Docker; this only drives it. Does not release the pod.
 */
export async function runInPod(
  sandbox: PodSandbox,
  prepared: PreparedPodRun,
  options: ExecuteOptions = {},
): Promise<ExecutionResult> {
  const { request, runtime, fileName, workdir, startedAt, sandboxMs } = prepared;
  const emit = (event: ExecutionEvent) => options.onEvent?.(event);
  const onAbort = () => void sandbox.kill();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const inline = !request.fromFile && Buffer.byteLength(request.code) <= MAX_INLINE_BYTES;
    // Writes go out together (the agent answers in order).
    await Promise.all([
      sandbox.agent.writeFile(`${SANDBOX_DIR}/${fileName}`, Buffer.from(request.code), 0o644),
      ...request.files.map((file) =>
        sandbox.agent.writeFile(file.path, file.content, file.executable ? 0o755 : 0o644),
      ),
    ]);
    const env = commandEnvironment(prepared.networkEnv, runtime, request);
    if (workdir !== SANDBOX_DIR) {
      await runQuietly(sandbox.agent, { argv: ["mkdir", "-p", "--", workdir], env, cwd: SANDBOX_DIR });
    }
    throwIfAborted(options.signal);

    emit({ type: "phase", phase: "run" });
    const program =
      inline && runtime.runInline
        ? runtime.runInline(request.code)
        : runtime.runFile(`${SANDBOX_DIR}/${fileName}`);
    const collector = new OutputCollector({
      maxBytes: request.limits.maxOutputBytes,
      secrets: Object.values(request.secrets),
      onText: (stream, data) => emit({ type: stream, data }),
      onLimit: () => void sandbox.kill(),
    });
    let timedOut = false;
    const runStarted = performance.now();
    const timer = setTimeout(() => {
      timedOut = true;
      void sandbox.kill();
    }, request.limits.timeoutMs);
    let exit: CommandExit | undefined;
    let setupMs: number | undefined;
    try {
      if (request.setup.length > 0) {
        emit({ type: "phase", phase: "setup", detail: `${request.setup.length} command(s)` });
        const setupStarted = performance.now();
        exit = await runSetup(sandbox.agent, request.setup, { env, cwd: workdir, collector });
        setupMs = performance.now() - setupStarted;
        if (!exit) emit({ type: "phase", phase: "run" });
      }
      exit ??= await sandbox.agent.run(
        {
          argv: underPidLimit(program, request.limits.pids),
          env,
          cwd: workdir,
          stdin: request.stdin === undefined ? undefined : Buffer.from(request.stdin),
          input: options.input,
        },
        {
          onStdout: (chunk) => collector.push("stdout", chunk),
          onStderr: (chunk) => collector.push("stderr", chunk),
        },
      );
    } catch (error) {
      // The connection went with the pod (timeout, output cap, abort): the program was killed.
      if (!(timedOut || collector.truncated || options.signal?.aborted)) throw error;
      exit = { code: 137, signal: 9, oomKills: 0 };
    } finally {
      clearTimeout(timer);
    }
    const runMs = performance.now() - runStarted;
    throwIfAborted(options.signal);

    // The agent's count is the container's memory cgroup's, cumulative over a session's life.
    const newOomKills = exit.oomKills > sandbox.oomKillsSeen;
    sandbox.oomKillsSeen = Math.max(sandbox.oomKillsSeen, exit.oomKills);
    const oomKilled = !timedOut && exit.signal === 9 && newOomKills;
    const { stdout, stderr } = collector.finish();
    const files =
      request.download.length > 0 && !sandbox.agent.alive
        ? request.download.map((path) => ({
            path,
            error: "the sandbox was stopped (timeout, output cap or memory)",
          }))
        : await readSandboxFiles(sandbox.agent, request.download);
    const result: ExecutionResult = {
      exitCode: exit.code,
      signal: exit.signal ? signalName(exit.signal) : undefined,
      stdout,
      stderr,
      truncated: collector.truncated,
      timedOut,
      oomKilled,
      durations: {
        totalMs: performance.now() - startedAt,
        sandboxMs,
        installMs: 0,
        runMs: runMs - (setupMs ?? 0),
        ...(setupMs === undefined ? {} : { setupMs }),
      },
      image: prepared.image,
      imageMatch: prepared.imageMatch,
      installed: [],
      files,
      containerId: undefined,
    };
    emit({ type: "result", result });
    return result;
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Isol8Error("CANCELLED", "The execution was cancelled");
}
