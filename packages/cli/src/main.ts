import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { buildCommand } from "./commands/build.js";
import { cleanupCommand } from "./commands/cleanup.js";
import { configCommand } from "./commands/config.js";
import { runCommand } from "./commands/run.js";
import { sessionsCommand } from "./commands/sessions.js";
import { setupCommand } from "./commands/setup.js";
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
    const parser = yargs(hideBin(["node", "isol8", ...argv]));
    skipHelpRendering(parser);
    await parser
      .scriptName("isol8")
      .usage("$0 <command> [options]\n\nRun untrusted code in hardened, disposable containers.")
      .command(runCommand(setExitCode))
      .command(setupCommand(setExitCode))
      .command(buildCommand(setExitCode))
      .command(configCommand(setExitCode))
      .command(cleanupCommand(setExitCode))
      .command(sessionsCommand(setExitCode))
      .option("config", { type: "string", describe: "Path of isol8.config.json", global: true })
      .demandCommand(1, "Name a command: run, setup, build, config, cleanup or sessions.")
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
