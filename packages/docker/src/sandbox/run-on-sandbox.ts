import {
  type CommandExit,
  commandEnvironment,
  type DownloadedFile,
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
import {
  assertJoinable,
  collectRequests,
  enterInstallNetwork,
  enterRunNetwork,
  leaveRunNetwork,
  planSandboxNetwork,
  type SandboxNetworkPlan,
} from "../network/sandbox-network.js";
import { tlsHintFor } from "../tls-hint.js";
import { SANDBOX_DIR } from "./container-spec.js";
import type { ExecutionContext } from "./execute.js";
import type { Sandbox } from "./sandbox.js";

/** Install output kept for error messages: enough to quote the package manager. */
const INSTALL_OUTPUT_BYTES = 256 * 1024;
/** Linux caps one argument at 128 KiB; larger inline code runs from its file instead. */
const MAX_INLINE_BYTES = 64 * 1024;
/** Network a session is created on and leaves at once: a container created without one could never join one. */
export const INSTALL_NETWORK = "bridge";

/** A validated request with its image resolved, ready to run on a sandbox. */
export interface PreparedRun {
  request: ExecutionRequest;
  runtime: RuntimeDefinition;
  fileName: string;
  workdir: string;
  image: string;
  /** The image's id (`sha256:…`), where known. */
  imageId?: string;
  /** Why that image. */
  imageMatch: ImageMatch;
  imageEnv: string[];
  /** Packages the image lacks: installed before the run. */
  missing: string[];
  startedAt: number;
  sandboxMs: number;
  /** The networks the sandbox was created for; a session's are planned per execution. */
  network?: SandboxNetworkPlan;
}

/**
 * The phases of one execution on a started sandbox (fresh, pooled or a session's): files in, install, run under
 * the timeout and the output cap, files out, an honest result. Does not release the sandbox.
 */
export async function runOnSandbox(
  context: Pick<ExecutionContext, "track" | "egress" | "networks">,
  sandbox: Sandbox,
  prepared: PreparedRun,
  options: ExecuteOptions = {},
): Promise<ExecutionResult> {
  const { request, runtime, fileName, workdir, startedAt, sandboxMs } = prepared;
  const resolved = { tag: prepared.image, missing: prepared.missing };
  const imageEnv = prepared.imageEnv;
  const installing = resolved.missing.length > 0;
  const emit = (event: ExecutionEvent) => options.onEvent?.(event);
  const plan =
    prepared.network ??
    (await planSandboxNetwork(
      context.egress,
      context.networks,
      request.network,
      installing ? (runtime.registries ?? []) : undefined,
    ));
  if (!prepared.network) assertJoinable(plan);
  const onAbort = () => void sandbox.kill();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    // Writes go out together (the agent answers in order). The code's own file is not waited for when the code
    // runs inline and nothing else is written: the program does not read it, and the round trip is a tenth of a
    // warm run.
    const inline = !request.fromFile && Buffer.byteLength(request.code) <= MAX_INLINE_BYTES;
    const codeWritten = sandbox.agent.writeFile(
      `${SANDBOX_DIR}/${fileName}`,
      Buffer.from(request.code),
      0o644,
    );
    const filesWritten = request.files.map((file) =>
      sandbox.agent.writeFile(file.path, file.content, file.executable ? 0o755 : 0o644),
    );
    const runsInline = inline && runtime.runInline !== undefined;
    const codeWrittenLater =
      runsInline &&
      filesWritten.length === 0 &&
      workdir === SANDBOX_DIR &&
      !installing &&
      request.setup.length === 0;
    if (codeWrittenLater) codeWritten.catch(() => undefined);
    else await Promise.all([codeWritten, ...filesWritten]);
    if (workdir !== SANDBOX_DIR) {
      const env = commandEnvironment(imageEnv, runtime, request);
      await runQuietly(sandbox.agent, { argv: ["mkdir", "-p", "--", workdir], env, cwd: SANDBOX_DIR });
    }

    let installMs = 0;
    if (installing) {
      const proxyEnv = await enterInstallNetwork(context.networks, sandbox, plan);
      emit({ type: "phase", phase: "install", detail: resolved.missing.join(" ") });
      const installStarted = performance.now();
      const installEnv = commandEnvironment([...imageEnv, ...proxyEnv], runtime);
      await install(sandbox, runtime.install(resolved.missing), installEnv, {
        packages: resolved.missing,
        runtime: runtime.name,
        timeoutMs: request.limits.installTimeoutMs,
        memoryBytes: request.limits.memoryBytes,
        signal: options.signal,
      });
      // Whatever an install script left running (a daemon, a build server) must not live on into the user's
      // program with the install network's view of the world. A session's own processes are the user's: kept.
      if (!sandbox.keptAlive) sandbox.agent.kill();
      installMs = performance.now() - installStarted;
    }
    const proxyEnv = await enterRunNetwork(context.networks, sandbox, plan);
    const env = commandEnvironment([...imageEnv, ...proxyEnv], runtime, request);
    throwIfAborted(options.signal);

    emit({ type: "phase", phase: "run" });
    // Inline where the runtime has it (tracebacks then read like the runtime's own -c); big code runs as a file.
    const argv =
      inline && runtime.runInline
        ? runtime.runInline(request.code)
        : runtime.runFile(`${SANDBOX_DIR}/${fileName}`);
    const collector = new OutputCollector({
      maxBytes: request.limits.maxOutputBytes,
      secrets: Object.values(request.secrets),
      onText: (stream, data) => emit({ type: stream, data }),
      onLimit: () => void sandbox.kill(),
    });
    // Requests are told apart by the sandbox's address on the proxy's network and the time it held it.
    const logged = request.logNetwork ? plan.run.proxy : undefined;
    const loggedOn = logged ? context.networks.leaseOf(sandbox, logged) : undefined;
    const client = loggedOn ? await context.egress.addressOf(sandbox.id, loggedOn.name) : undefined;
    const runFrom = Date.now();
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
        const killed = await runSetup(sandbox.agent, request.setup, { env, cwd: workdir, collector });
        setupMs = performance.now() - setupStarted;
        if (!killed) emit({ type: "phase", phase: "run" });
        exit = killed;
      }
      exit ??= await sandbox.agent.run(
        {
          argv,
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
      // The container was killed under the program (timeout, output cap, abort, or the OOM killer took the agent).
      if (!(timedOut || collector.truncated || options.signal?.aborted || (await sandbox.wasOomKilled())))
        throw error;
      exit = { code: 137, signal: 9, oomKills: 0 };
    } finally {
      clearTimeout(timer);
    }
    const runMs = performance.now() - runStarted;
    const runTo = Date.now();
    throwIfAborted(options.signal);

    // The agent's count is cumulative over the container's life (a session runs many programs).
    const newOomKills = exit.oomKills > sandbox.oomKillsSeen;
    sandbox.oomKillsSeen = Math.max(sandbox.oomKillsSeen, exit.oomKills);
    const oomKilled = !timedOut && exit.signal === 9 && (newOomKills || (await sandbox.wasOomKilled()));
    const { stdout, stderr } = collector.finish();
    const files = await download(sandbox, request.download);
    const network =
      logged && client
        ? await collectRequests(context.egress, logged, client, { from: runFrom, to: runTo })
        : undefined;
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
        installMs,
        runMs: runMs - (setupMs ?? 0),
        ...(setupMs === undefined ? {} : { setupMs }),
      },
      image: resolved.tag,
      ...(prepared.imageId ? { imageId: prepared.imageId } : {}),
      imageMatch: prepared.imageMatch,
      installed: resolved.missing,
      files,
      containerId: request.persist ? sandbox.id : undefined,
      ...(network ? { network } : {}),
    };
    emit({ type: "result", result });
    return result;
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    if (!prepared.network) await leaveRunNetwork(context.networks, sandbox).catch(() => undefined);
  }
}

interface InstallContext {
  packages: string[];
  runtime: string;
  timeoutMs: number;
  memoryBytes: number;
  signal: AbortSignal | undefined;
}

async function install(
  sandbox: Sandbox,
  argv: string[],
  env: string[],
  context: InstallContext,
): Promise<void> {
  const output: Buffer[] = [];
  let kept = 0;
  const keep = (chunk: Buffer) => {
    if (kept >= INSTALL_OUTPUT_BYTES) return;
    output.push(chunk);
    kept += chunk.length;
  };
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    sandbox.agent.kill();
  }, context.timeoutMs);
  try {
    const exit = await sandbox.agent.run({ argv, env, cwd: SANDBOX_DIR }, { onStdout: keep, onStderr: keep });
    if (exit.code === 0) return;
    const tail = Buffer.concat(output).toString().trim().split("\n").slice(-12).join("\n");
    const outOfMemory = !timedOut && exit.signal === 9 && (await installerOomKilled(sandbox, exit.oomKills));
    const packages = context.packages.join(", ");
    if (outOfMemory) {
      // The installer's output stops mid-line when the kernel kills it: without this the user sees a cut-off log.
      const limit = `${Math.round(context.memoryBytes / 1024 ** 2)} MiB`;
      throw new Isol8Error(
        "INSTALL_FAILED",
        `Installing ${packages} for ${context.runtime} ran out of memory: the sandbox's limit is ${limit}, and the installed files in /sandbox (a memory-backed tmpfs) count towards it`,
        {
          hint: `Bake the packages into an image with \`isol8 setup --${context.runtime} ${context.packages.join(",")}\` (nothing is installed at run time then), or raise the limit: --memory 2g\n${tail}`,
        },
      );
    }
    // The installer's own name says little (python's is `env`, others are wrapper scripts): its output does.
    const why = timedOut
      ? `timed out after ${Math.round(context.timeoutMs / 1000)} s`
      : `the package manager exited ${exit.code}`;
    const tls = tlsHintFor(Buffer.concat(output).toString());
    throw new Isol8Error("INSTALL_FAILED", `Installing ${packages} for ${context.runtime} failed (${why})`, {
      hint: [tail, tls].filter(Boolean).join("\n") || undefined,
    });
  } finally {
    clearTimeout(timer);
  }
}

/** Whether the memory cgroup killed something since the last look (the installer, or a process it started). */
async function installerOomKilled(sandbox: Sandbox, oomKills: number): Promise<boolean> {
  const fresh = oomKills > sandbox.oomKillsSeen;
  sandbox.oomKillsSeen = Math.max(sandbox.oomKillsSeen, oomKills);
  return fresh || (await sandbox.wasOomKilled());
}

/** Reads the requested files back; a file that cannot be read is reported, not fatal. */
async function download(sandbox: Sandbox, paths: readonly string[]): Promise<DownloadedFile[]> {
  if (paths.length > 0 && !sandbox.agent.alive) {
    return paths.map((path) => ({ path, error: "the sandbox was stopped (timeout, output cap or memory)" }));
  }
  return readSandboxFiles(sandbox.agent, paths);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Isol8Error("CANCELLED", "The execution was cancelled");
}
