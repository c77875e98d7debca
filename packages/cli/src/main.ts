import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { buildCommand } from "./commands/build.js";
import { cleanupCommand } from "./commands/cleanup.js";
import { configCommand } from "./commands/config.js";
import { keysCommand } from "./commands/keys.js";
import { mcpCommand } from "./commands/mcp.js";
import { runCommand } from "./commands/run.js";
import { serveCommand } from "./commands/serve.js";
import { sessionsCommand } from "./commands/sessions.js";
import { type BakeOption, setupCommand } from "./commands/setup.js";
import { reportError } from "./report-error.js";
import { VERSION } from "./version.js";

/**
 * Parses argv and runs one command; resolves with the process exit code. Command modules stay light and import
 * their actions lazily, so `isol8 --version` and `--help` never load Docker or zod.
 */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const setExitCode = (code: number) => {
    exitCode = code;
  };
  try {
    const bakeOptions = commandOf(argv) === "setup" ? await loadBakeOptions(argv) : [];
    const parser = yargs(hideBin(["node", "isol8", ...argv]));
    skipHelpRendering(parser);
    await parser
      .scriptName("isol8")
      .usage("$0 <command> [options]\n\nRun untrusted code in hardened, disposable containers.")
      .command(runCommand(setExitCode))
      .command(setupCommand(setExitCode, bakeOptions))
      .command(buildCommand(setExitCode))
      .command(configCommand(setExitCode))
      .command(cleanupCommand(setExitCode))
      .command(sessionsCommand(setExitCode))
      .command(serveCommand(setExitCode))
      .command(keysCommand(setExitCode))
      .command(mcpCommand(setExitCode))
      .option("config", { type: "string", describe: "Path of isol8.config.json", global: true })
      .demandCommand(1, "Name a command: run, setup, build, config, cleanup, sessions, serve, keys or mcp.")
      .strict()
      .version(VERSION)
      .help()
      .alias("h", "help")
      .wrap(Math.min(110, process.stdout.columns || 110))
      .fail((message, error) => {
        if (error) throw error;
        throw new UsageError(message);
      })
      .parseAsync();
  } catch (error) {
    return reportError(error);
  }
  return exitCode;
}

export class UsageError extends Error {}

/** The first word that is not an option (or an option's value) — the command. */
function commandOf(argv: readonly string[]): string | undefined {
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index] ?? "";
    if (word === "--config") index++;
    else if (!word.startsWith("-")) return word;
  }
  return undefined;
}

/**
 * The runtimes `setup` offers a `--<runtime>` option for: the registry's, third-party plugins of the config
 * included. Loaded only for `setup`, so that other commands' help stays free of config and plugin loading.
 */
async function loadBakeOptions(argv: readonly string[]): Promise<BakeOption[]> {
  const configAt = argv.findIndex((word) => word === "--config" || word.startsWith("--config="));
  const word = argv[configAt] ?? "";
  const configPath = configAt < 0 ? undefined : word.includes("=") ? word.slice(9) : argv[configAt + 1];
  const [{ loadCliRuntimes }, { packageKindOf }] = await Promise.all([
    import("./actions/context.js"),
    import("@isol8/core"),
  ]);
  const { runtimes } = await loadCliRuntimes(configPath);
  return runtimes.list().map((runtime) => ({ name: runtime.name, packageKind: packageKindOf(runtime) }));
}

/**
 * yargs renders its whole help text before it runs a command's handler, in case the handler asks for it: ~25 ms of
 * every `isol8 run`. isol8's handlers never show help (`--help` and usage errors do not go through that cache), so
 * the rendering is skipped. Guarded: a yargs without these internals simply renders as before.
 */
function skipHelpRendering(parser: unknown): void {
  const internals = (parser as { getInternalMethods?: () => { getUsageInstance?: () => unknown } })
    .getInternalMethods?.()
    .getUsageInstance?.() as { cacheHelpMessage?: () => void } | undefined;
  if (typeof internals?.cacheHelpMessage === "function") internals.cacheHelpMessage = () => undefined;
}
