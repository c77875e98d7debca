import { writeFile } from "node:fs/promises";
import { type ExecutionResult, mergeLimits, mergeNetworkPolicy } from "@isol8/core";
import type { RunArguments } from "../commands/run.js";
import { EXIT } from "../exit-codes.js";
import { resolveCodeSource } from "./code-source.js";
import { createCliContext } from "./context.js";
import { parseAssignments, parseLimitFlags, splitList } from "./parse-flags.js";
import { endProgressLine } from "./progress.js";

/** `isol8 run`: everything is validated before the engine is touched; the program's exit code becomes ours. */
export async function runAction(args: RunArguments): Promise<number> {
  const { loaded, runtimes, engine } = await createCliContext({ config: args.config });
  const source = await resolveCodeSource(args, runtimes);
  const limitFlags = parseLimitFlags(args);
  const env = parseAssignments(args.env, "--env");
  const secrets = parseAssignments(args.secret, "--secret");
  const streaming = args.stream && !args.json;
  const toTerminal = streaming && args.out === undefined;

  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let result: ExecutionResult;
  try {
    result = await engine.execute(
      {
        runtime: source.runtime,
        code: source.code,
        fileName: source.fileName,
        fromFile: source.fromFile,
        install: splitList(args.install),
        image: args.image,
        allowForeignImage: args.forceImage,
        env,
        secrets,
        stdin: args.stdin,
        workdir: args.workdir ?? "/sandbox",
        limits: mergeLimits(loaded.config, limitFlags),
        network: mergeNetworkPolicy(loaded.config, {}),
        persist: args.persist,
      },
      {
        signal: abort.signal,
        onEvent: (event) => {
          if (event.type === "phase" && event.phase === "run") endProgressLine();
          if (!streaming) return;
          if (event.type === "stdout" && toTerminal) process.stdout.write(event.data);
          if (event.type === "stderr") process.stderr.write(event.data);
        },
      },
    );
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await engine.close();
  }

  if (args.out !== undefined) await writeFile(args.out, result.stdout);
  if (args.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    if (!streaming) {
      if (args.out === undefined) process.stdout.write(result.stdout);
      process.stderr.write(result.stderr);
    }
    for (const note of notes(result, args)) process.stderr.write(`[isol8] ${note}\n`);
  }
  if (result.timedOut) return EXIT.timedOut;
  if (result.oomKilled) return EXIT.outOfMemory;
  return result.exitCode;
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
