import { writeFile } from "node:fs/promises";
import {
  type ExecutionEvent,
  type ExecutionResult,
  Isol8Error,
  mergeLimits,
  type Session,
} from "@isol8/core";
import type { RunArguments } from "../commands/run.js";
import { exitCodeForResult } from "../exit-codes.js";
import { resolveCodeSource } from "./code-source.js";
import { createCliContext } from "./context.js";
import { hintsFor, installPairingHints } from "./hints.js";
import { describeImageChoice } from "./image-choice.js";
import { readLocalDirectory, writeDownloads } from "./local-files.js";
import { formatNetworkLog, HOST_NETWORK_WARNING, networkPolicyFor } from "./network-flags.js";
import { parseAssignments, parseLimitFlags, splitPackageList } from "./parse-flags.js";
import { endProgressLine } from "./progress.js";
import { runEngineFor } from "./run-engine.js";
import { readSetupCommands } from "./setup-commands.js";
import { defaultPackages, listedPackages, projectDirectory, readSetupRecord } from "./setup-record.js";

/** `isol8 run`: everything is validated before the engine is touched; the program's exit code becomes ours. */
export async function runAction(args: RunArguments): Promise<number> {
  const context = await createCliContext({
    config: args.config,
    spares: args.spare ?? "as-configured",
  });
  const { loaded, runtimes } = context;
  const { engine, close: closeEngine } = await runEngineFor(args, context.engine);
  const limitFlags = parseLimitFlags(args);
  const env = parseAssignments(args.env, "--env");
  const secrets = parseAssignments(args.secret, "--secret");
  const network = networkPolicyFor(args, loaded.config);
  // After the flags above: a malformed flag is reported without fetching a --url first.
  const source = await resolveCodeSource(args, runtimes, {
    extraCaCertificates: loaded.config.extraCaCertificates,
  });
  if (source.fetched && args.verbose && !args.json) {
    const { url, bytes, sha256, redirects } = source.fetched;
    const via = redirects > 0 ? ` after ${redirects} redirect${redirects === 1 ? "" : "s"}` : "";
    process.stderr.write(`[isol8] fetched ${url}${via}: ${bytes} bytes, sha256 ${sha256}\n`);
  }
  // The packages every run of the runtime needs (the config's, else what `isol8 setup --<runtime>` baked for this
  // project): with them baked, the custom image covers the run and nothing is installed; without, they are
  // installed like --install. An image named with --image is the user's choice: only --install adds to it.
  const recorded = readSetupRecord(projectDirectory(loaded)).dependencies;
  const defaults = defaultPackages(source.runtime, loaded, {
    explicitImage: args.image !== undefined,
    recorded,
  });
  const packages = [...new Set([...defaults.packages, ...splitPackageList(args.install)])];
  const listed = listedPackages(loaded, recorded);
  const setup = [...(loaded.config.setup[source.runtime] ?? []), ...(await readSetupCommands(args.setup))];
  const streaming = args.stream && !args.json;
  const toTerminal = streaming && args.out === undefined;

  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const files = args.files === undefined ? [] : await readLocalDirectory(args.files);
  if (network.mode === "host") process.stderr.write(`${HOST_NETWORK_WARNING}\n`);
  let result: ExecutionResult;
  let session: Session | undefined;
  try {
    if (args.session && (args.image !== undefined || args.persist)) {
      // Checked before the session exists: bad input must not leave a session container behind.
      throw new Isol8Error(
        "INVALID_INPUT",
        "A session runs in its own container: --image and --persist do not apply",
      );
    }
    session = args.session
      ? await engine.session(args.session, {
          runtime: source.runtime,
          limits: mergeLimits(loaded.config, limitFlags),
        })
      : undefined;
    const request = {
      runtime: source.runtime,
      code: source.code,
      fileName: source.fileName,
      fromFile: source.fromFile,
      install: packages,
      setup,
      env,
      secrets,
      stdin: args.stdin,
      workdir: args.workdir ?? "/sandbox",
      limits: mergeLimits(loaded.config, limitFlags),
      network,
      logNetwork: args.logNetwork,
      files,
      download: args.download,
    };
    const options = {
      signal: abort.signal,
      onEvent: (event: ExecutionEvent) => {
        if (event.type === "phase" && event.phase === "run") endProgressLine();
        if (!streaming) return;
        if (event.type === "stdout" && toTerminal) process.stdout.write(event.data);
        if (event.type === "stderr") process.stderr.write(event.data);
      },
    };
    result = session
      ? await session.execute(request, options)
      : await engine.execute(
          { ...request, image: args.image, allowForeignImage: args.forceImage, persist: args.persist },
          options,
        );
  } catch (error) {
    throw withPairingHints(
      error,
      installPairingHints({ runtime: source.runtime, packages, listed }, runtimes),
    );
  } finally {
    // Also on failure: an open attach stream would keep the CLI from exiting.
    session?.detach();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    // Released sandboxes remove themselves; only leaving the next spare is waited for.
    await closeEngine();
  }

  if (args.out !== undefined) await writeFile(args.out, result.stdout);
  const downloadProblems = await writeDownloads(result.files, args.downloadDir ?? ".");
  const imageReason = describeImageChoice(result, {
    source: defaults.source,
    installFlags: args.install.length > 0,
    runtime: source.runtime,
  });
  if (args.verbose && !args.json) process.stderr.write(`[isol8] image: ${result.image} — ${imageReason}\n`);
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ ...jsonResult(result), imageReason }, null, 2)}\n`);
  } else {
    if (!streaming) {
      if (args.out === undefined) process.stdout.write(result.stdout);
      process.stderr.write(result.stderr);
    }
    const networkLog = result.network ? formatNetworkLog(result.network) : [];
    for (const note of [...notes(result, args), ...downloadProblems, ...networkLog])
      process.stderr.write(`[isol8] ${note}\n`);
    const hints = hintsFor(
      {
        runtime: source.runtime,
        exitCode: result.exitCode,
        stderr: result.stderr,
        installMs: result.durations.installMs,
        installed: result.installed,
        packages,
        listed,
      },
      runtimes,
    );
    for (const hint of hints) process.stderr.write(`[isol8] hint: ${hint}\n`);
  }
  return exitCodeForResult(result);
}

/** A failed install ends with the pairing hint when the run asked for another runtime's packages. */
function withPairingHints(error: unknown, hints: string[]): unknown {
  if (!(error instanceof Isol8Error) || error.code !== "INSTALL_FAILED" || hints.length === 0) return error;
  const hint = [error.hint, ...hints].filter(Boolean).join("\n");
  return new Isol8Error(error.code, error.message, { hint, cause: error.cause });
}

function notes(result: ExecutionResult, args: RunArguments): string[] {
  const list: string[] = [];
  if (result.timedOut)
    list.push(`timed out: the program was killed after ${args.timeout ?? "the time limit"}`);
  if (result.oomKilled) list.push("out of memory: the program was killed (raise --memory)");
  if (result.truncated) list.push("output truncated at the --max-output cap; the program was stopped there");
  if (result.containerId) list.push(`container kept: ${result.containerId} (remove it with isol8 cleanup)`);
  return list;
}

/** The result for --json: downloaded bytes are written to files, so only their size and any error are listed. */
function jsonResult(result: ExecutionResult): Record<string, unknown> {
  return {
    ...result,
    files: result.files.map(({ path, content, error }) => ({ path, bytes: content?.length, error })),
  };
}
