import { Isol8Error } from "../errors.js";
import type { DownloadedFile } from "../execution.js";
import type { AgentConnection, CommandExit } from "./agent-connection.js";
import type { OutputCollector } from "./output-collector.js";

/**
 * The setup commands, one after another, under the program's timer (already running) and into its output
 * collector, so they are masked, capped and streamed like the program. The first that fails stops the run; one
 * that SIGKILL ended (the memory limit) ends it as the program would, and its exit is returned.
 */
export async function runSetup(
  agent: AgentConnection,
  scripts: readonly string[],
  spec: { env: string[]; cwd: string; collector: OutputCollector },
): Promise<CommandExit | undefined> {
  for (const [index, script] of scripts.entries()) {
    const exit = await agent.run(
      { argv: ["/bin/sh", "-c", script], env: spec.env, cwd: spec.cwd },
      {
        onStdout: (chunk) => spec.collector.push("stdout", chunk),
        onStderr: (chunk) => spec.collector.push("stderr", chunk),
      },
    );
    if (exit.code === 0) continue;
    if (exit.signal === 9) return exit;
    const { stderr } = spec.collector.snapshot();
    const tail = stderr.trim().split("\n").slice(-8).join("\n");
    const shown = script.length > 60 ? `${script.slice(0, 57)}...` : script;
    throw new Isol8Error(
      "SETUP_FAILED",
      `Setup command ${index + 1} of ${scripts.length} (${JSON.stringify(shown.split("\n")[0])}) exited ${exit.code}; the program did not run`,
      { hint: tail || "It printed nothing on stderr; run it with `isol8 run -e` to see what it does." },
    );
  }
  return undefined;
}

/** A helper command of the run (the workdir's mkdir): its failure, with its stderr, is the request's. */
export async function runQuietly(
  agent: AgentConnection,
  spec: { argv: string[]; env: string[]; cwd: string },
): Promise<void> {
  const errors: Buffer[] = [];
  const exit = await agent.run(spec, { onStdout: () => undefined, onStderr: (c) => errors.push(c) });
  if (exit.code !== 0) {
    throw new Isol8Error(
      "INVALID_INPUT",
      `${spec.argv.join(" ")} failed: ${Buffer.concat(errors).toString().trim()}`,
    );
  }
}

/** Each path's content, or why it could not be read. */
export async function readSandboxFiles(
  agent: AgentConnection,
  paths: readonly string[],
): Promise<DownloadedFile[]> {
  const files: DownloadedFile[] = [];
  for (const path of paths) {
    try {
      files.push({ path, content: await agent.readFile(path) });
    } catch (error) {
      files.push({ path, error: (error as Error).message });
    }
  }
  return files;
}
